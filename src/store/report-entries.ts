// The company log's calls by the extension they entered through: index call_log_entry (migration 0018), for the
// `queues` and `queue-members` reports. A month of the 1M-record seed holds 196,000 company records, 45,000 of them
// calls into its four queues; call_log_report, which leads with the log and the time, reached those only by reading
// every company record of the period (SQLite 55–75 ms a month on the 2-core machine, 25–30 along this index).

import { sql, type Kysely } from 'kysely';
import type { Dialect } from './migrations.ts';
import type { AggregateQuery, FactDim } from './report-store.ts';

/** The columns the index keeps after its key (account, entry, start time): what a queue report reads. */
const FIGURES = ['direction', 'type', 'result', 'duration_ms', 'talk_ms', 'answer_ms', 'agent_id'];

/**
 * Migration 0018: the index, of the company log's live records. PostgreSQL keeps the figures in the leaves
 * (INCLUDE) for index-only scans; SQLite has them in the key.
 */
export async function createEntryIndex(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const figures = sql.raw(FIGURES.join(', '));
  const columns =
    dialect === 'postgres'
      ? sql`(account_id, entry_id, start_time) include (${figures})`
      : sql`(account_id, entry_id, start_time, ${figures})`;
  await sql`create index call_log_entry on call_log ${columns} where extension_id = '' and deleted = 0`.execute(db);
}

/** What a query may ask and still be answered from the index alone (the rest of AggregateQuery needs the records). */
const ANSWERED_QUERY = new Set<string>([
  ...['accountId', 'logs', 'dateFrom', 'dateTo', 'entryIds', 'directions', 'types', 'results', 'ranges'],
  ...['queueIds', 'zone', 'hours', 'weekdays', 'minutes', 'businessHours', 'buckets', 'slaMs', 'by', 'extremes'],
]);
const ANSWERED_DIMS = new Set<FactDim>([
  ...['direction', 'type', 'result', 'entry', 'agent', 'bucket', 'business'],
  ...['inSla', 'talked', 'waited', 'lasted', 'queued'],
] as FactDim[]);

/**
 * Whether call_log_entry answers a query of the company log (the caller checks the log): its calls of given entries,
 * filtered and grouped only by what the index keeps. Such a query spells out the index's condition
 * (`companyEntries`): SQLite uses a partial index only when the query's WHERE names its terms.
 */
export function entryIndexAnswers(q: AggregateQuery): boolean {
  if (!q.entryIds?.length) return false;
  const asked = Object.entries(q).filter(([, v]) => v !== undefined);
  return asked.every(([k]) => ANSWERED_QUERY.has(k)) && (q.by ?? []).every((d) => ANSWERED_DIMS.has(d));
}

/** The index's condition, to add to the WHERE of a query entryIndexAnswers. */
export const companyEntries = sql`extension_id = '' and deleted = 0`;
