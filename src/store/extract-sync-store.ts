// The company log's records in the order this server wrote them (call-log-extract-sync): a keyset cursor on
// (changed_at, id), oldest change first, so an extraction job reads every write once and only moves forward.

import type { View } from '../domain/index.ts';
import { KyselyStore } from './kysely-store.ts';
import type { Store } from './store.ts';

/** A position in the write order: after the record `id` written at `changedAt` ('' = before every id then). */
export interface WriteCursor {
  changedAt: number;
  id: string;
}

export interface WrittenRecord {
  /** Prepared JSON (with the base-URL mark). */
  json: string;
  cursor: WriteCursor;
}

export interface ExtractQuery {
  accountId: string;
  after: WriteCursor;
  /** Only records written at or before this time (epoch ms). */
  writtenUntil: number;
  view: View;
  limit: number;
}

/** Up to `limit` company-log records written after the cursor, oldest write first; `hasMore` if others follow. */
export async function listWrittenAfter(
  store: Store,
  q: ExtractQuery,
): Promise<{ records: WrittenRecord[]; hasMore: boolean }> {
  if (!(store instanceof KyselyStore)) throw new Error('call-log-extract-sync needs a Kysely store');
  const rows = await store.db
    .selectFrom('call_log')
    .select([q.view === 'Detailed' ? 'detailed_json as json' : 'simple_json as json', 'changed_at', 'id'])
    .where('account_id', '=', q.accountId)
    .where('extension_id', '=', '')
    .where('changed_at', '<=', q.writtenUntil)
    .where((eb) =>
      eb.or([
        eb('changed_at', '>', q.after.changedAt),
        eb.and([eb('changed_at', '=', q.after.changedAt), eb('id', '>', q.after.id)]),
      ]),
    )
    .orderBy('changed_at', 'asc')
    .orderBy('id', 'asc')
    .limit(q.limit + 1)
    .execute();
  return {
    records: rows
      .slice(0, q.limit)
      .map((r) => ({ json: r.json, cursor: { changedAt: Number(r.changed_at), id: r.id } })),
    hasMore: rows.length > q.limit,
  };
}
