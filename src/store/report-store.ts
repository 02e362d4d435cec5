// What reports read from the store: the report columns of the live (not deleted) records of some logs in a time
// range, read from the covering index call_log_report alone (migration 0008-reports).

import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** The logs and time range a report reads. */
export interface FactQuery {
  accountId: string;
  /** Extension ids of the logs to read; null is the company log. */
  logs: (string | null)[];
  /** Inclusive bounds on startTime, epoch ms. */
  dateFrom: number;
  dateTo: number;
  directions?: readonly string[];
  types?: readonly string[];
}

/** One record as reports see it (see domain/call-facts.ts for the derived fields). */
export interface FactRow {
  /** The log's extension id; '' for the company log. */
  log: string;
  id: string;
  startTime: number;
  direction: string;
  type: string;
  result: string;
  action: string;
  durationMs: number;
  talkMs: number;
  answerMs: number | null;
  ownerId: string | null;
  entryId: string | null;
  agentId: string | null;
  transferred: boolean;
  contactDigits: string | null;
  toDigits: string | null;
}

export class ReportStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The live records of the query's logs in its range counted by (direction, type, result), in SQL: what the
   * outcomes report needs, without moving the records. Optional: only calls entering through `entryId`, or with
   * this outside or called number.
   */
  async outcomeCounts(
    q: FactQuery & { entryId?: string; phoneDigits?: string },
  ): Promise<{ direction: string; type: string; result: string; n: number }[]> {
    if (!q.logs.length) return [];
    const logs = q.logs.map((l) => l ?? '');
    let query = this.db
      .selectFrom('call_log')
      .select(['direction', 'type', 'result', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('account_id', '=', q.accountId)
      .where('extension_id', logs.length === 1 ? '=' : 'in', logs.length === 1 ? logs[0] : logs)
      .where('start_time', '>=', q.dateFrom)
      .where('start_time', '<=', q.dateTo)
      .where('deleted', '=', 0);
    if (q.directions) query = query.where('direction', 'in', [...q.directions]);
    if (q.types) query = query.where('type', 'in', [...q.types]);
    if (q.entryId !== undefined) query = query.where('entry_id', '=', q.entryId);
    const digits = q.phoneDigits;
    if (digits !== undefined) {
      query = query.where((eb) => eb.or([eb('contact_digits', '=', digits), eb('to_digits', '=', digits)]));
    }
    const rows = await query.groupBy(['direction', 'type', 'result']).execute();
    return rows.map((r) => ({ direction: r.direction, type: r.type, result: r.result, n: Number(r.n) }));
  }

  /** The live records of the query's logs in its range, oldest first within each log. */
  async facts(q: FactQuery): Promise<FactRow[]> {
    if (!q.logs.length) return [];
    const logs = q.logs.map((l) => l ?? '');
    let query = this.db
      .selectFrom('call_log')
      .select([
        'extension_id',
        'id',
        'start_time',
        'direction',
        'type',
        'result',
        'action',
        'duration_ms',
        'talk_ms',
        'answer_ms',
        'owner_id',
        'entry_id',
        'agent_id',
        'transferred',
        'contact_digits',
        'to_digits',
      ])
      .where('account_id', '=', q.accountId)
      .where('extension_id', logs.length === 1 ? '=' : 'in', logs.length === 1 ? logs[0] : logs)
      .where('start_time', '>=', q.dateFrom)
      .where('start_time', '<=', q.dateTo)
      .where('deleted', '=', 0);
    if (q.directions) query = query.where('direction', 'in', [...q.directions]);
    if (q.types) query = query.where('type', 'in', [...q.types]);
    const rows = await query.execute();
    const out = new Array<FactRow>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      out[i] = {
        log: r.extension_id,
        id: r.id,
        startTime: Number(r.start_time),
        direction: r.direction,
        type: r.type,
        result: r.result,
        action: r.action,
        durationMs: Number(r.duration_ms),
        talkMs: Number(r.talk_ms),
        answerMs: r.answer_ms === null ? null : Number(r.answer_ms),
        ownerId: r.owner_id,
        entryId: r.entry_id,
        agentId: r.agent_id,
        transferred: Number(r.transferred) === 1,
        contactDigits: r.contact_digits,
        toDigits: r.to_digits,
      };
    }
    return out;
  }
}
