// Per-day histograms of the company log's talk, wait and duration values, so nearest-rank percentiles (the
// `durations` report) need not rank every value of a period: table report_histogram (migration
// 0012-report-speedups on SQLite, 0019-report-histogram-pg on PostgreSQL) counts, per account, day, metric, direction
// and value bucket, the live company voice records and sums their values. A percentile's rank is found by walking
// the buckets' counts; its exact value is then the rank-th smallest of the few records whose value lies in that
// bucket (report-store.ts). Kept like report_rollup (report-rollup.ts): on SQLite RollupDeltas adds a record's
// histogram changes in the bulk writer, the session assembler's write and the soft delete, and a delete trigger
// covers purges; on PostgreSQL statement triggers (report-rollup-pg.ts) do it all. PostgreSQL ranked with
// percentile_disc before 0019, sorting every value of the period: 3.1 s for the whole range of the 10M set.
// Migration 0012 also adds call_log_contact (createContactIndex), which lets SQLite sum `contacts` per outside
// number without sorting.

import { sql, type Kysely } from 'kysely';
import { ANSWERED_RESULTS } from '../domain/index.ts';
import type { Dialect } from './migrations.ts';
import { createStatementTriggers, type SignedSource } from './report-rollup-pg.ts';
import type { AggregateQuery, Metric } from './report-store.ts';

export const HISTOGRAM_GRAIN = 86_400_000;

/** Metrics in the order of their index in a histogram row. */
export const HISTOGRAM_METRICS: readonly Metric[] = ['talk', 'wait', 'duration'];

/** Value buckets: below each bound (ms), buckets of this width (ms); past the last, LAST_WIDTH. */
const TIERS: readonly (readonly [below: number, width: number])[] = [
  [60_000, 500],
  [600_000, 5000],
  [6_000_000, 50_000],
];
const LAST_WIDTH = 500_000;

const widthOf = (ms: number) => TIERS.find(([below]) => ms < below)?.[1] ?? LAST_WIDTH;

/**
 * The lower bound of the value bucket of `ms`: half seconds under a minute, 5 s under 10 minutes, 50 s under 100
 * minutes, then 500 s (at most 5% of a value wide past 10 s). Integer division truncates, as in SQL.
 */
export function valueBucket(ms: number): number {
  const width = widthOf(ms);
  return Math.trunc(ms / width) * width || 0;
}

/** The integer values whose bucket is `lo` (inclusive bounds): cheaper to test in SQL than the bucket itself. */
export function bucketValues(lo: number): { min: number; max: number } {
  const width = widthOf(lo);
  if (lo < 0) return { min: lo - width + 1, max: lo };
  if (lo === 0) return { min: -width + 1, max: width - 1 };
  return { min: lo, max: lo + width - 1 };
}

/**
 * Whether integer column `v` lies in one of the value buckets whose lower bounds are `los`, in SQL: one comparison
 * with the lowest value, then a CASE that finds the only bucket the value may be in and compares it with that
 * bucket's top, some three comparisons a row where `v between … or v between …` made two per bucket. (The pass of
 * percentilesFromHistogram tests every record of a period: on the 1M seed's whole range this took its 93 ms to 68.)
 */
export function inBucketsSql(v: string, los: readonly number[]): string {
  if (!los.every(Number.isSafeInteger)) throw new Error('value buckets are integers');
  const ranges = [...new Set(los)].map(bucketValues).sort((a, b) => a.min - b.min);
  if (!ranges.length) return '1 = 0';
  const last = ranges[ranges.length - 1];
  const within = ranges
    .slice(1)
    .map((r, i) => `when ${v} < ${r.min} then ${v} <= ${ranges[i].max}`)
    .join(' ');
  return `(${v} >= ${ranges[0].min} and ${within ? `case ${within} else ${v} <= ${last.max} end` : `${v} <= ${last.max}`})`;
}

/** valueBucket in SQL (integer columns). */
export const bucketSql = (v: string): string =>
  `(case ${TIERS.map(([below, width]) => `when ${v} < ${below} then ${v} / ${width} * ${width}`).join(' ')} ` +
  `else ${v} / ${LAST_WIDTH} * ${LAST_WIDTH} end)`;

/** The answered results as an SQL list, `('Accepted', 'Call connected')`: the one SQL spelling of "answered". */
export const ANSWERED_SQL = `(${ANSWERED_RESULTS.map((r) => `'${r}'`).join(', ')})`;

/** Which voice records a metric counts, and its value, in SQL over a row `ref` ('' for a bare table). */
export function metricSql(m: Metric, ref = ''): { only: string; value: string } {
  const c = (name: string) => (ref ? `${ref}.${name}` : name);
  switch (m) {
    case 'talk':
      return { only: `${c('result')} in ${ANSWERED_SQL}`, value: c('talk_ms') };
    case 'wait':
      return {
        only: `${c('result')} in ${ANSWERED_SQL} and ${c('direction')} = 'Inbound' and ${c('answer_ms')} is not null`,
        value: c('answer_ms'),
      };
    case 'duration':
      return { only: '1 = 1', value: c('duration_ms') };
  }
}

/** The metrics a record counts in and their values (metricSql in JavaScript); none outside live company voice. */
export function histogramValues(r: {
  extension_id: string;
  deleted: number;
  type: string;
  direction: string;
  result: string;
  talk_ms: number;
  answer_ms: number | null;
  duration_ms: number;
}): [Metric, number][] {
  if (r.extension_id !== '' || r.type !== 'Voice' || Number(r.deleted) !== 0) return [];
  const out: [Metric, number][] = [['duration', r.duration_ms]];
  if ((ANSWERED_RESULTS as readonly string[]).includes(r.result)) {
    out.push(['talk', r.talk_ms]);
    if (r.direction === 'Inbound' && r.answer_ms !== null) out.push(['wait', r.answer_ms]);
  }
  return out;
}

const KEY = ['account_id', 'extension_id', 'grain', 'start_time', 'metric', 'direction', 'bucket'];
const SUMS = ['n', 'total'];
const UPSERT = `on conflict (${KEY.join(', ')}) do update set ${SUMS.map((c) => `${c} = report_histogram.${c} + excluded.${c}`).join(', ')}`;

/** The statement that applies one histogram change: KEY then n and total (RollupDeltas). */
export const APPLY_HISTOGRAM_CHANGE = `insert into report_histogram (${[...KEY, ...SUMS].join(', ')})
  values (${[...KEY, ...SUMS].map(() => '?').join(', ')}) ${UPSERT}`;

/** The histogram rows of the stored records, computed from them (KEY then n and total): what the table must hold. */
export const HISTOGRAM_FROM_RECORDS = HISTOGRAM_METRICS.map((m) => {
  const { only, value } = metricSql(m);
  const g = HISTOGRAM_GRAIN;
  return `select account_id, extension_id, ${g} as grain, start_time - start_time % ${g} as period_start, '${m}' as metric,
      direction, ${bucketSql(value)} as bucket, count(*) as n, sum(${value}) as total
    from call_log where extension_id = '' and deleted = 0 and type = 'Voice' and ${only}
    group by account_id, extension_id, start_time - start_time % ${g}, direction, ${bucketSql(value)}`;
}).join(' union all ');

/** The histogram changes of PostgreSQL transition tables, summed, in one upsert in key order. */
export function histogramTriggerBody(sources: SignedSource[]): string {
  const g = HISTOGRAM_GRAIN;
  const selects = sources.flatMap(({ table, sign }) =>
    HISTOGRAM_METRICS.map((m) => {
      const { only, value } = metricSql(m, 't');
      return `select t.account_id, t.extension_id, ${g}::bigint as grain, t.start_time - t.start_time % ${g} as start_time,
          '${m}' as metric, t.direction, ${bucketSql(value)} as bucket, ${sign} as n, ${sign} * ${value} as total
        from ${table} as t where t.extension_id = '' and t.deleted = 0 and t.type = 'Voice' and ${only}`;
    }),
  );
  return `insert into report_histogram (${[...KEY, ...SUMS].join(', ')})
    select ${KEY.join(', ')}, sum(n), sum(total) from (${selects.join(' union all ')}) as changed
    group by ${KEY.join(', ')}
    having sum(n) <> 0 or sum(total) <> 0
    order by ${KEY.map((_, i) => i + 1).join(', ')}
    ${UPSERT};`;
}

/** Creates report_histogram, fills it from the stored records, and what keeps it: on SQLite the trigger that takes
 * purges out (the writers add the rest), on PostgreSQL statement triggers for every change. */
export async function createReportHistogram(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  let table = db.schema
    .createTable('report_histogram')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('extension_id', 'text', (c) => c.notNull())
    .addColumn('grain', ms, (c) => c.notNull())
    .addColumn('start_time', ms, (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('bucket', ms, (c) => c.notNull())
    .addColumn('n', ms, (c) => c.notNull())
    .addColumn('total', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('report_histogram_pk', KEY as never);
  if (dialect === 'sqlite') table = table.modifyEnd(sql`without rowid`);
  await table.execute();
  await sql.raw(`insert into report_histogram (${[...KEY, ...SUMS].join(', ')}) ${HISTOGRAM_FROM_RECORDS}`).execute(db);
  if (dialect === 'postgres') {
    await createStatementTriggers(db, 'report_histogram', histogramTriggerBody);
    // The pass that reads the values in the ranks' buckets (ReportStore.percentilesFromHistogram) walks the period's
    // company voice records: along call_log_entry (842 MB on the 10M set) it took 1.2–1.4 s for the whole range,
    // along these narrow entries (335 MB) 0.54–0.63 s. In time order, so a write adds at the end.
    await sql`create index call_log_voice_values on call_log (account_id, start_time)
      include (direction, result, duration_ms, talk_ms, answer_ms)
      where extension_id = '' and deleted = 0 and type = 'Voice'`.execute(db);
    return;
  }
  const g = HISTOGRAM_GRAIN;
  const remove = HISTOGRAM_METRICS.map((m) => {
    const { only, value } = metricSql(m, 'old');
    return `insert into report_histogram (${[...KEY, ...SUMS].join(', ')})
      select old.account_id, old.extension_id, ${g}, old.start_time - old.start_time % ${g}, '${m}', old.direction,
        ${bucketSql(value)}, -1, -${value}
      where ${only} ${UPSERT};`;
  }).join('\n');
  await sql
    .raw(
      `create trigger report_histogram_delete after delete on call_log for each row
      when old.extension_id = '' and old.type = 'Voice' and old.deleted = 0 begin ${remove} end`,
    )
    .execute(db);
}

/**
 * SQLite: the company log's live records that have an outside number, in the order of that number, carrying what
 * `contacts` sums (ReportStore.contacts): SQLite groups by number along it instead of sorting a period's records.
 * Only the company log (a third of the records), to keep the cost on writes small; a user's log is sorted.
 * PostgreSQL hashes the groups and needs none.
 */
export async function createContactIndex(db: Kysely<unknown>): Promise<void> {
  await sql`create index call_log_contact on call_log (account_id, contact_digits, start_time, type, direction,
    result, talk_ms) where extension_id = '' and contact_digits is not null and deleted = 0`.execute(db);
}

const ALLOWED = new Set<keyof AggregateQuery>([
  'accountId',
  'logs',
  'dateFrom',
  'dateTo',
  'directions',
  'types',
  'zone',
  'buckets',
  'by',
]);

/** Whether the histogram answers a percentiles query: the company log, at most a grouping by time or direction. */
export function histogramAnswers(q: AggregateQuery): boolean {
  const set = (k: string) => (q as unknown as Record<string, unknown>)[k] !== undefined;
  if (Object.keys(q).some((k) => set(k) && !ALLOWED.has(k as keyof AggregateQuery))) return false;
  if (q.logs.length !== 1 || q.logs[0] !== null) return false;
  if (q.types && !q.types.includes('Voice')) return false;
  const by = q.by ?? [];
  return by.length === 0 || (by.length === 1 && (by[0] === 'bucket' || by[0] === 'direction'));
}
