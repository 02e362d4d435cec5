// Per-hour, per-day and per-ten-day counts and sums of the live records of each log by kind (direction, type,
// result, action, transferred): table report_rollup, changed in the transaction that inserts, updates, soft-deletes
// or purges a record, so whatever path wrote it (upsert, import, sync, the session assembler, deletion, retention)
// the rollup is never stale. PostgreSQL: statement triggers on call_log (report-rollup-pg.ts). SQLite: the bulk
// writer (record-writers.ts) and the soft delete (kysely-store.ts) add up their changes (RollupDeltas, which also
// carries the company log's value histograms, report-histogram.ts), and delete triggers cover purges; any new code
// that updates call_log's rollup columns on SQLite must do the same. A report that groups and filters only by those
// columns reads a period's whole ten-day periods, days and hours from it (a few thousand rows instead of every
// record) and only its partial hours from the records (migrations 0011-report-rollup and 0020, report-store.ts).

import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Dialect } from './migrations.ts';
import type { AggregateQuery, FactDim } from './report-store.ts';
import { APPLY_HISTOGRAM_CHANGE, HISTOGRAM_GRAIN, histogramValues, valueBucket } from './report-histogram.ts';
import { APPLY_CONTACT_CHANGE, CONTACT_KEY, contactValues } from './report-contacts.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/**
 * Ten UTC days from the epoch (migration 0020-report-rollup-ten-days): a year of `agents` read 826,657 day rows on
 * the 10M PostgreSQL set (1 s, sorted on disk); queries with no time grouping read a tenth of them.
 */
export const TEN_DAYS_MS = 10 * DAY_MS;
/** The period lengths rolled up, longest first; each divides the one before. */
export const GRAINS = [TEN_DAYS_MS, DAY_MS, HOUR_MS] as const;

/** The key of a rollup row after its log: the grain (ms), the period's start (`start_time`), the kind. */
const KEY = [
  'account_id',
  'extension_id',
  'grain',
  'start_time',
  'direction',
  'type',
  'result',
  'action',
  'transferred',
];
const SUMS = ['n', 'duration_ms', 'talk_ms', 'answer_ms'];
/** The call_log columns the rollup reads: an update touching none of them leaves it alone. */
const READ = [
  'extension_id',
  'start_time',
  'deleted',
  'direction',
  'type',
  'result',
  'action',
  'transferred',
  'duration_ms',
  'talk_ms',
  'answer_ms',
] as const;

/** Adds (sign 1) or removes (sign -1) the record `ref` (new or old) to its period of each grain, if it is live. */
function apply(ref: 'new' | 'old', sign: 1 | -1): string {
  return GRAINS.map((grain) => {
    const values = [
      `${ref}.account_id`,
      `${ref}.extension_id`,
      String(grain),
      `${ref}.start_time - ${ref}.start_time % ${grain}`,
      `${ref}.direction`,
      `${ref}.type`,
      `${ref}.result`,
      `${ref}.action`,
      `${ref}.transferred`,
      String(sign),
      `${sign} * ${ref}.duration_ms`,
      `${sign} * ${ref}.talk_ms`,
      `${sign} * coalesce(${ref}.answer_ms, 0)`,
    ];
    const sums = SUMS.map((c) => `${c} = report_rollup.${c} + excluded.${c}`).join(', ');
    return `insert into report_rollup (${[...KEY, ...SUMS].join(', ')}) select ${values.join(', ')}
      where ${ref}.deleted = 0 on conflict (${KEY.join(', ')}) do update set ${sums};`;
  }).join('\n');
}

/** The rollup columns of a call_log row. */
export interface RollupSource {
  account_id: string;
  extension_id: string;
  start_time: number;
  deleted: number;
  direction: string;
  type: string;
  result: string;
  action: string;
  transferred: number;
  duration_ms: number;
  talk_ms: number;
  answer_ms: number | null;
  /** For report_contact (report-contacts.ts). */
  contact_digits: string | null;
}

/** The call_log columns a RollupSource reads. */
export const ROLLUP_SOURCE_COLUMNS = [
  ...READ,
  'account_id',
  'contact_digits',
] as const satisfies readonly (keyof RollupSource)[];

/** A statement and its parameters: one changed rollup or histogram row (RollupDeltas). */
export type RollupChange = [statement: string, parameters: unknown[]];

/**
 * Changes to rollup rows (and the company log's value histograms, report-histogram.ts, and its per-contact days,
 * report-contacts.ts), added up in memory over a batch of writes and applied at its end (SQLite writers).
 */
export class RollupDeltas {
  private readonly rows = new Map<string, unknown[]>();
  private readonly histogram = new Map<string, unknown[]>();
  private readonly contacts = new Map<string, unknown[]>();

  /** Adds (sign 1) or removes (sign -1) a record, if live, to its period of each grain. */
  add(r: RollupSource, sign: 1 | -1): void {
    if (Number(r.deleted) !== 0) return;
    for (const grain of GRAINS) {
      const start = r.start_time - (r.start_time % grain);
      const key = [r.account_id, r.extension_id, grain, start, r.direction, r.type, r.result, r.action, r.transferred];
      const id = key.join('\u0000');
      let row = this.rows.get(id);
      if (!row) this.rows.set(id, (row = [...key, 0, 0, 0, 0]));
      (row[9] as number) += sign;
      (row[10] as number) += sign * r.duration_ms;
      (row[11] as number) += sign * r.talk_ms;
      (row[12] as number) += sign * (r.answer_ms ?? 0);
    }
    const contact = contactValues(r);
    if (contact) {
      const id = contact.key.join('\u0000');
      let row = this.contacts.get(id);
      if (!row) this.contacts.set(id, (row = [...contact.key, ...contact.sums.map(() => 0)]));
      const at = contact.key.length;
      for (let i = 0; i < contact.sums.length; i++) (row[at + i] as number) += sign * contact.sums[i];
    }
    const values = histogramValues(r);
    if (!values.length) return;
    const day = r.start_time - (r.start_time % HISTOGRAM_GRAIN);
    for (const [metric, value] of values) {
      const key = [r.account_id, r.extension_id, HISTOGRAM_GRAIN, day, metric, r.direction, valueBucket(value)];
      const id = key.join('\u0000');
      let row = this.histogram.get(id);
      if (!row) this.histogram.set(id, (row = [...key, 0, 0]));
      (row[7] as number) += sign;
      (row[8] as number) += sign * value;
    }
  }

  /** Each changed row as the statement that applies it (APPLY_ROLLUP_CHANGE, APPLY_HISTOGRAM_CHANGE, APPLY_CONTACT_CHANGE). */
  *changes(): Generator<RollupChange> {
    for (const row of this.rows.values()) if (row.slice(9).some((v) => v !== 0)) yield [APPLY_ROLLUP_CHANGE, row];
    for (const row of this.histogram.values()) {
      if (row[7] !== 0 || row[8] !== 0) yield [APPLY_HISTOGRAM_CHANGE, row];
    }
    for (const row of this.contacts.values()) {
      if (row.slice(CONTACT_KEY.length).some((v) => v !== 0)) yield [APPLY_CONTACT_CHANGE, row];
    }
    this.rows.clear();
    this.histogram.clear();
    this.contacts.clear();
  }
}

/** The statement that applies one RollupDeltas change (parameters in its order). */
export const APPLY_ROLLUP_CHANGE = `insert into report_rollup (${[...KEY, ...SUMS].join(', ')})
  values (${[...KEY, ...SUMS].map(() => '?').join(', ')})
  on conflict (${KEY.join(', ')}) do update set ${SUMS.map((c) => `${c} = report_rollup.${c} + excluded.${c}`).join(', ')}`;

/** Creates report_rollup, fills it from the stored records and installs the triggers that keep it. */
export async function createReportRollup(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  let table = db.schema
    .createTable('report_rollup')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('extension_id', 'text', (c) => c.notNull())
    .addColumn('grain', ms, (c) => c.notNull())
    .addColumn('start_time', ms, (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('transferred', 'integer', (c) => c.notNull())
    .addColumn('n', ms, (c) => c.notNull())
    .addColumn('duration_ms', ms, (c) => c.notNull())
    .addColumn('talk_ms', ms, (c) => c.notNull())
    .addColumn('answer_ms', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('report_rollup_pk', KEY as never);
  if (dialect === 'sqlite') table = table.modifyEnd(sql`without rowid`);
  await table.execute();
  for (const grain of GRAINS) {
    await sql
      .raw(
        `insert into report_rollup (${[...KEY, ...SUMS].join(', ')})
        select account_id, extension_id, ${grain}, start_time - start_time % ${grain}, direction, type, result, action,
          transferred, count(*), sum(duration_ms), sum(talk_ms), sum(coalesce(answer_ms, 0))
        from call_log where deleted = 0
        group by account_id, extension_id, start_time - start_time % ${grain}, direction, type, result, action, transferred`,
      )
      .execute(db);
  }
  if (dialect === 'sqlite') {
    // Writes and soft deletes keep it in their own code (record-writers.ts, kysely-store.ts): an insert or update
    // trigger made every upsert about twice as costly. A delete trigger costs an upsert nothing and catches every purge.
    await sql
      .raw(`create trigger report_rollup_delete after delete on call_log for each row begin ${apply('old', -1)} end`)
      .execute(db);
    return;
  }
  const changed = READ.map((c) => `old.${c} is distinct from new.${c}`).join(' or ');
  await sql
    .raw(
      `create function report_rollup_apply() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and not (${changed}) then return null; end if;
        if tg_op <> 'INSERT' then ${apply('old', -1)} end if;
        if tg_op <> 'DELETE' then ${apply('new', 1)} end if;
        return null;
      end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger report_rollup after insert or update or delete on call_log
      for each row execute function report_rollup_apply()`,
    )
    .execute(db);
}

/**
 * Migration 0020: rolls the day rows up into ten-day rows (TEN_DAYS_MS, now in GRAINS) and, on SQLite, rebuilds the
 * delete trigger from GRAINS (PostgreSQL: its statement triggers, in migrations.ts). A new database
 * already has the rows (0011 fills every grain): they are made again from its day rows, the same sums.
 */
export async function addTenDayGrain(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const kind = ['direction', 'type', 'result', 'action', 'transferred'];
  await sql`delete from report_rollup where grain = ${sql.lit(TEN_DAYS_MS)}`.execute(db);
  await sql
    .raw(
      `insert into report_rollup (${[...KEY, ...SUMS].join(', ')})
      select account_id, extension_id, ${TEN_DAYS_MS}, start_time - start_time % ${TEN_DAYS_MS}, ${kind.join(', ')},
        ${SUMS.map((c) => `sum(${c})`).join(', ')}
      from report_rollup where grain = ${DAY_MS}
      group by account_id, extension_id, start_time - start_time % ${TEN_DAYS_MS}, ${kind.join(', ')}`,
    )
    .execute(db);
  if (dialect === 'postgres') return;
  await sql`drop trigger report_rollup_delete`.execute(db);
  await sql
    .raw(`create trigger report_rollup_delete after delete on call_log for each row begin ${apply('old', -1)} end`)
    .execute(db);
}

/** The dimensions a rollup row carries (`bucket` when its grain lines up with the buckets). */
const ROLLUP_DIMS = new Set<FactDim>(['log', 'direction', 'type', 'result', 'action', 'transferred', 'bucket']);

/** Where a query's figures come from: rollup rows of a grain over [from, to), and records over [from, to). */
export interface RollupPlan {
  rollups: { grain: number; from: number; to: number }[];
  records: { from: number; to: number }[];
}

/** Whether every record of a period of `grain` falls in the same bucket (and zone offset). */
function bucketsAlign(q: AggregateQuery, grain: number): boolean {
  if (!q.by?.includes('bucket')) return true;
  const zone = q.zone ?? [];
  if (zone.some((s, i) => s.offsetMs % grain !== 0 || (i > 0 && s.from % grain !== 0))) return false;
  const b = q.buckets ?? 'day';
  if (b === 'hour') return grain <= HOUR_MS;
  if (b === 'day' || b === 'week') return grain <= DAY_MS;
  return b.every((start) => start % grain === 0);
}

/**
 * How to answer an aggregate query from the rollup: its whole ten-day periods, days and hours from rollup rows, its
 * partial hours from the records; null when the query groups, filters or measures by anything the rollup does not
 * keep.
 */
export function rollupPlan(q: AggregateQuery): RollupPlan | null {
  const unkept =
    q.entryIds !== undefined ||
    q.phoneDigits !== undefined ||
    q.toDigits !== undefined ||
    q.fromOwners !== undefined ||
    q.toOwners !== undefined ||
    q.external !== undefined ||
    (q.ranges?.length ?? 0) > 0 ||
    q.hours !== undefined ||
    q.weekdays !== undefined ||
    q.minutes !== undefined ||
    q.slaMs !== undefined ||
    q.extremes === true ||
    (q.by ?? []).some((d) => !ROLLUP_DIMS.has(d));
  if (unkept) return null;
  return coverPeriod(q, GRAINS);
}

/**
 * The whole periods of the longest of `grains` (longest first) that line up with the query's buckets, then of the
 * next, and the rest from the records; null when no grain lines up.
 */
export function coverPeriod(q: AggregateQuery, grains: readonly number[]): RollupPlan | null {
  const aligned = grains.filter((g) => bucketsAlign(q, g));
  if (!aligned.length) return null;
  const plan: RollupPlan = { rollups: [], records: [] };
  const cover = (from: number, to: number, level: number) => {
    if (from >= to) return;
    const grain = aligned[level];
    if (grain === undefined) {
      plan.records.push({ from, to });
      return;
    }
    const first = Math.ceil(from / grain) * grain;
    const last = Math.floor(to / grain) * grain;
    if (first >= last) return cover(from, to, level + 1);
    plan.rollups.push({ grain, from: first, to: last });
    cover(from, first, level + 1);
    cover(last, to, level + 1);
  };
  cover(q.dateFrom, q.dateTo + 1, 0);
  return plan;
}

/**
 * SQLite: the stored rollup columns of an account's records by id (a JSON array of ids): one text for any number.
 * `INDEXED BY` the (account_id, id) index: without statistics SQLite took `account_id = ? AND id IN (…)` along the
 * primary key's account prefix, reading every record of the account at each group commit of live ingest (9% of
 * the server thread in a one-minute run, growing with the log).
 */
export const STORED_BY_IDS = `SELECT ${[...ROLLUP_SOURCE_COLUMNS, 'id', 'last_modified'].join(', ')} FROM call_log INDEXED BY call_log_id
  WHERE account_id = ? AND id IN (SELECT value FROM json_each(?))`;

/**
 * SQLite: the rollup changes of upserting `rows` (each inserted, or replacing the stored record when its
 * last_modified is newer: the upsert's rule), applied inside `trx`. Call it before the upsert.
 */
export async function rollupUpsert(
  trx: Kysely<Database>,
  rows: readonly (RollupSource & { id: string; last_modified: number })[],
): Promise<void> {
  const deltas = new RollupDeltas();
  const stored = new Map<string, RollupSource & { last_modified: number }>();
  for (const account of new Set(rows.map((r) => r.account_id))) {
    const ids = JSON.stringify(rows.filter((r) => r.account_id === account).map((r) => r.id));
    const found = await trx.executeQuery<RollupSource & { id: string; last_modified: number }>(
      CompiledQuery.raw(STORED_BY_IDS, [account, ids]),
    );
    for (const f of found.rows) stored.set(`${account} ${f.id}`, { ...f, last_modified: Number(f.last_modified) });
  }
  for (const row of rows) {
    const before = stored.get(`${row.account_id} ${row.id}`);
    if (before && !(row.last_modified > before.last_modified)) continue;
    if (before) deltas.add(before, -1);
    deltas.add(row, 1);
  }
  for (const [statement, parameters] of deltas.changes()) {
    await trx.executeQuery(CompiledQuery.raw(statement, parameters));
  }
}

export { KEY as ROLLUP_KEY, SUMS as ROLLUP_SUMS };
