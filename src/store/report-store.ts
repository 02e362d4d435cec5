// What reports read from the store: the report columns of the live (not deleted) records of some logs in a time
// range (covering index call_log_report, migration 0008-reports), aggregated in SQL — grouped counts and sums,
// nearest-rank percentiles — so only groups leave the database; counts and sums by kind come from the per-hour,
// per-day and per-ten-day rollup for the whole hours of a period (report-rollup.ts). Reconciliation alone reads
// records: the few near each of its file's calls, and a page of the rest.

import { sql, type CompiledQuery, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from './schema.ts';
import type { Dialect } from './migrations.ts';
import { coverPeriod, rollupPlan, type RollupPlan } from './report-rollup.ts';
import {
  ANSWERED_SQL,
  inBucketsSql,
  HISTOGRAM_GRAIN,
  histogramAnswers,
  metricSql,
  valueBucket,
} from './report-histogram.ts';
import { CONTACT_GRAIN, contactDaysAnswer, contactRollupAnswers, contactsByTime } from './report-contacts.ts';
import { ContactSums, type ContactTotals } from './contact-totals.ts';
import { companyEntries, entryIndexAnswers } from './report-entries.ts';

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

/** A record as reconciliation matches it (ReportStore.outsideCalls). */
export type OutsideCall = Pick<FactRow, 'id' | 'startTime' | 'direction' | 'durationMs'> & { contactDigits: string };

/** Records of one outside number that started in [from, to] (epoch ms, inclusive): where reconciliation looks. */
export interface OutsideWindow {
  digits: string;
  from: number;
  to: number;
}

type OutsideRow = { i: string; t: unknown; d: string; ms: unknown; c: string };

const outsideCall = (r: OutsideRow): OutsideCall => ({
  id: r.i,
  startTime: Number(r.t),
  direction: r.d,
  durationMs: Number(r.ms),
  contactDigits: r.c,
});

/**
 * A time zone as SQL sees it over a range: the UTC offset (ms) from each instant on, ascending. The wall clock of
 * a record is `start_time + offset`, so local hours, days, weekdays and minutes of day are integer arithmetic.
 */
export type ZoneSegments = readonly { from: number; offsetMs: number }[];

/** Only calls that started inside (or outside) weekly hours, on the local wall clock. */
export interface HoursFilter {
  /** Weekdays, 0 = Sunday. */
  days: readonly number[];
  /** Minutes after local midnight, start inclusive, end exclusive. */
  start: number;
  end: number;
  inside: boolean;
}

/** A range filter on a per-call value, ms (inclusive bounds). */
export interface MsRange {
  min?: number;
  max?: number;
}

/** Columns and derived values a query can group by. */
export type FactDim =
  | 'log'
  | 'direction'
  | 'type'
  | 'result'
  | 'action'
  | 'entry'
  | 'agent'
  | 'owner'
  | 'transferred'
  | 'contact'
  /** Whether the record has an outside number. */
  | 'external'
  /** The local wall-clock start of the record's bucket (`buckets`), epoch ms of the wall clock. */
  | 'bucket'
  /** Whether the record started inside the `businessHours` of the query. */
  | 'business'
  /** Answered within `slaMs`. */
  | 'inSla'
  | 'talked'
  | 'waited'
  | 'lasted'
  /** Whether the call entered through one of `queueIds`. */
  | 'queued';

/** A grouped query: the filters of FactQuery and more, what to group by, and optional measures. */
export interface AggregateQuery extends FactQuery {
  /** Only calls that entered through one of these extensions (call queues). */
  entryIds?: readonly string[];
  /** Only calls whose outside number or called number is one of these (digits). */
  phoneDigits?: string;
  /** Only calls whose called number is one of these (digits). */
  toDigits?: readonly string[];
  /** Only outbound calls of these owners (`fromOwners`) / inbound calls of these (`toOwners`). */
  fromOwners?: readonly string[];
  toOwners?: readonly string[];
  results?: readonly string[];
  transferred?: boolean;
  /** Only records with an outside number. */
  external?: boolean;
  /** Per-call values within bounds: duration, talk, or ringing (the answer offset of answered calls, the duration of
   * unanswered inbound voice calls, else 0). */
  ranges?: readonly (MsRange & { value: 'duration' | 'talk' | 'ring' })[];
  /** The call queues, for the `queued` dimension. */
  queueIds?: readonly string[];
  /** The zone the local-time groupings and filters use (required with `bucket`, `business`, `hours`, `weekdays`). */
  zone?: ZoneSegments;
  hours?: HoursFilter;
  /** Only calls that started on these local weekdays (0 = Sunday) and, if given, in these local minute ranges. */
  weekdays?: readonly number[];
  minutes?: readonly { from: number; to: number }[];
  businessHours?: Omit<HoursFilter, 'inside'>;
  /**
   * The `bucket` dimension: local hours, days or weeks (from Monday), or the given ascending wall-clock starts (a
   * record falls in the last start at or before its wall clock; months).
   */
  buckets?: 'hour' | 'day' | 'week' | readonly number[];
  slaMs?: number;
  /** What to group by (nothing: one group). */
  by?: readonly FactDim[];
  /** Also the smallest and largest duration, talk and answer offset of each group. */
  extremes?: boolean;
}

/** One group: the dimensions asked for (others absent) and its measures. */
export interface FactGroup {
  log?: string;
  direction?: string;
  type?: string;
  result?: string;
  action?: string;
  entry?: string | null;
  agent?: string | null;
  owner?: string | null;
  transferred?: boolean;
  contact?: string | null;
  external?: boolean;
  bucket?: number;
  business?: boolean;
  inSla?: boolean;
  talked?: boolean;
  waited?: boolean;
  lasted?: boolean;
  queued?: boolean;
  /** Records in the group. */
  n: number;
  durationMs: number;
  talkMs: number;
  /** Sum of answer offsets (0 for unanswered records). */
  answerMs: number;
  /** Answered with an answer offset ≤ slaMs (when the query gives slaMs). */
  inSlaCount: number;
  minDurationMs?: number;
  maxDurationMs?: number;
  minTalkMs?: number;
  maxTalkMs?: number;
  minAnswerMs?: number;
  maxAnswerMs?: number;
}

/** Per-call values percentiles can be taken of. */
export type Metric = 'talk' | 'wait' | 'duration';

/** A metric's count, total and nearest-rank percentiles in one group. */
export interface MetricStats {
  key: string | number | null;
  n: number;
  total: number;
  /** Value at each asked percentile, in the order asked. */
  values: number[];
}

const ANSWERED = sql.raw(`result in ${ANSWERED_SQL}`);
const DAY_MS = 86_400_000;

const int = (v: number): RawBuilder<number> => {
  if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
  return sql.lit(v);
};

/** `start_time` on the zone's wall clock. */
function wall(zone: ZoneSegments | undefined): RawBuilder<number> {
  if (!zone?.length) return sql`start_time`;
  if (zone.length === 1) return sql`(start_time + ${int(zone[0].offsetMs)})`;
  const cases = zone.slice(1).map((s, i) => sql`when start_time < ${int(s.from)} then ${int(zone[i].offsetMs)}`);
  return sql`(start_time + case ${sql.join(cases, sql` `)} else ${int(zone[zone.length - 1].offsetMs)} end)`;
}

/** Whether the wall clock `w` lies in the weekly hours. */
function withinHours(w: RawBuilder<number>, h: Omit<HoursFilter, 'inside'>): RawBuilder<SqlBool> {
  const days = h.days.length ? sql.join(h.days.map(int)) : sql`-1`;
  return sql`((${w} / ${int(DAY_MS)} + 4) % 7 in (${days}) and ${w} % ${int(DAY_MS)} >= ${int(h.start * 60_000)} and ${w} % ${int(DAY_MS)} < ${int(h.end * 60_000)})`;
}

const flag = (e: RawBuilder<unknown>) => sql<number>`case when ${e} then 1 else 0 end`;

/** The SQL of a dimension. */
function dimension(d: FactDim, q: AggregateQuery): RawBuilder<unknown> {
  switch (d) {
    case 'log':
      return sql`extension_id`;
    case 'direction':
    case 'type':
    case 'result':
    case 'action':
    case 'transferred':
      return sql.ref(d);
    case 'entry':
      return sql`entry_id`;
    case 'agent':
      return sql`agent_id`;
    case 'owner':
      return sql`owner_id`;
    case 'contact':
      return sql`contact_digits`;
    case 'external':
      return flag(sql`contact_digits is not null`);
    case 'bucket': {
      const w = wall(q.zone);
      const b = q.buckets ?? 'day';
      if (b === 'hour' || b === 'day') {
        const unit = int(b === 'hour' ? 3_600_000 : DAY_MS);
        return sql`(${w} / ${unit} * ${unit})`;
      }
      // 1970-01-01 was a Thursday: a day number plus 3, modulo 7, is the days since Monday.
      if (b === 'week') return sql`((${w} / ${int(DAY_MS)} - (${w} / ${int(DAY_MS)} + 3) % 7) * ${int(DAY_MS)})`;
      if (b.length <= 1) return sql`(start_time * 0 + ${int(b[0] ?? 0)})`;
      const cases = b.slice(1).map((start, i) => sql`when ${w} < ${int(start)} then ${int(b[i])}`);
      return sql`(case ${sql.join(cases, sql` `)} else ${int(b[b.length - 1])} end)`;
    }
    case 'business':
      if (!q.businessHours) throw new Error('business needs businessHours');
      return flag(withinHours(wall(q.zone), q.businessHours));
    case 'inSla':
      return flag(sql`${ANSWERED} and coalesce(answer_ms, 0) <= ${int(q.slaMs ?? 0)}`);
    case 'talked':
      return flag(sql`talk_ms > 0`);
    case 'waited':
      return flag(sql`coalesce(answer_ms, 0) > 0`);
    case 'lasted':
      return flag(sql`duration_ms > 0`);
    case 'queued':
      return q.queueIds?.length ? flag(sql`entry_id in (${sql.join([...q.queueIds])})`) : sql`0`;
  }
}

const BOOLEAN_DIMS = new Set<FactDim>([
  'transferred',
  'external',
  'business',
  'inSla',
  'talked',
  'waited',
  'lasted',
  'queued',
]);
const NUMBER_DIMS = new Set<FactDim>(['bucket']);

/** How many outside numbers contactSplit looks at. */
const CONTACT_SPLIT_SAMPLE = 1000;

/** Whether a query reads the company log alone (the one log call_log_contact and report_contact hold). */
const companyLogOnly = (q: Pick<FactQuery, 'logs'>): boolean => q.logs.length === 1 && q.logs[0] === null;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** The nearest rank of percentile p (0..100) among n values, in floating point as report-math.ts computes it. */
const rankOf = (p: number, n: number) => Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));

/** The extremes of FactGroup: each the smaller or the larger of two parts' (either may lack it). */
const EXTREMES = [
  ['minDurationMs', Math.min],
  ['maxDurationMs', Math.max],
  ['minTalkMs', Math.min],
  ['maxTalkMs', Math.max],
  ['minAnswerMs', Math.min],
  ['maxAnswerMs', Math.max],
] as const;

/** Adds up the groups of the parts of a period that have the same dimensions, their extremes the parts' extremes. */
function mergeGroups(by: readonly FactDim[], groups: FactGroup[]): FactGroup[] {
  // A map per dimension, keyed by its values (a key text per group, JSON.stringify of the values, took 15 ms of the
  // agents' 30 days on the 1M seed: 10,000 groups of its rollup parts).
  type Tree = Map<unknown, Tree | FactGroup>;
  const root: Tree = new Map();
  const merged: FactGroup[] = [];
  for (const g of groups) {
    let node = root;
    for (let i = 0; i < by.length - 1; i++) {
      const v = g[by[i]] ?? null;
      let next = node.get(v) as Tree | undefined;
      if (!next) node.set(v, (next = new Map()));
      node = next;
    }
    const last = by.length ? (g[by[by.length - 1]] ?? null) : null;
    const m = node.get(last) as FactGroup | undefined;
    if (!m) {
      const copy = { ...g };
      node.set(last, copy);
      merged.push(copy);
      continue;
    }
    m.durationMs += g.durationMs;
    m.talkMs += g.talkMs;
    m.answerMs += g.answerMs;
    m.inSlaCount += g.inSlaCount;
    // A part without records of the group (an aggregate without groups gives a row) has no extremes.
    for (const [f, pick] of g.n === 0 ? [] : EXTREMES) {
      const v = g[f];
      if (v !== undefined) m[f] = m[f] === undefined || m.n === 0 ? v : pick(m[f], v);
    }
    m.n += g.n;
  }
  return merged;
}

/**
 * SQLite: the most outside calls a reconcile window may hold, on average, for its candidates to be read in time
 * order (sqliteCandidates).
 */
const CANDIDATES_BY_TIME = 64;

/** PostgreSQL: a query's rows in its binary COPY format, chunk after chunk as they come (postgres-store.ts). */
export type CopyOut = (query: CompiledQuery, each: (chunk: Buffer) => void) => Promise<void>;

export class ReportStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly backend: {
      /** PostgreSQL: how report_contact's day rows are read (contacts). */
      copyOut?: CopyOut;
      /** Whether two of `db`'s queries run at once (PostgreSQL's pool, SQLite's reader threads). */
      parallel: boolean;
    },
  ) {}

  /** The WHERE of a query: its logs, range and filters; on the live records, or on the rollup rows of a grain. */
  private where(q: AggregateQuery, grain: number | null = null): RawBuilder<SqlBool> {
    const logs = q.logs.map((l) => l ?? '');
    const parts: Expression<SqlBool>[] = [
      sql`account_id = ${q.accountId}`,
      logs.length === 1 ? sql`extension_id = ${logs[0]}` : sql`extension_id in (${sql.join(logs)})`,
      sql`start_time >= ${q.dateFrom}`,
      sql`start_time <= ${q.dateTo}`,
      grain === null ? sql`deleted = 0` : sql`grain = ${int(grain)}`,
    ];
    const within = (col: string, list: readonly string[] | undefined) => {
      if (list) parts.push(list.length ? sql`${sql.ref(col)} in (${sql.join([...list])})` : sql`1 = 0`);
    };
    within('direction', q.directions);
    within('type', q.types);
    within('result', q.results);
    within('entry_id', q.entryIds);
    within('to_digits', q.toDigits);
    if (q.phoneDigits !== undefined) {
      parts.push(sql`(contact_digits = ${q.phoneDigits} or to_digits = ${q.phoneDigits})`);
    }
    if (q.fromOwners) {
      parts.push(
        sql`direction = 'Outbound' and owner_id in (${sql.join(q.fromOwners.length ? [...q.fromOwners] : [''])})`,
      );
    }
    if (q.toOwners) {
      parts.push(sql`direction = 'Inbound' and owner_id in (${sql.join(q.toOwners.length ? [...q.toOwners] : [''])})`);
    }
    if (q.external) parts.push(sql`contact_digits is not null`);
    if (q.transferred !== undefined) parts.push(sql`transferred = ${int(q.transferred ? 1 : 0)}`);
    for (const r of q.ranges ?? []) {
      const v =
        r.value === 'duration'
          ? sql`duration_ms`
          : r.value === 'talk'
            ? sql`talk_ms`
            : sql`(case when ${ANSWERED} then coalesce(answer_ms, 0) when direction = 'Inbound' and type = 'Voice' then duration_ms else 0 end)`;
      if (r.min !== undefined) parts.push(sql`${v} >= ${int(r.min)}`);
      if (r.max !== undefined) parts.push(sql`${v} <= ${int(r.max)}`);
    }
    const w = wall(q.zone);
    if (q.hours) {
      const inside = withinHours(w, q.hours);
      parts.push(q.hours.inside ? inside : sql`not ${inside}`);
    }
    if (q.weekdays) {
      const days = q.weekdays.length ? sql.join(q.weekdays.map(int)) : sql`-1`;
      parts.push(sql`(${w} / ${int(DAY_MS)} + 4) % 7 in (${days})`);
    }
    if (q.minutes) {
      const ranges = q.minutes.map(
        (m) =>
          sql`(${w} % ${int(DAY_MS)} >= ${int(m.from * 60_000)} and ${w} % ${int(DAY_MS)} < ${int(m.to * 60_000)})`,
      );
      parts.push(ranges.length ? sql`(${sql.join(ranges, sql` or `)})` : sql`1 = 0`);
    }
    return sql`${sql.join(parts, sql` and `)}`;
  }

  /**
   * The query's records grouped by `q.by`, counted and summed in SQL: the whole ten-day periods, days and hours of
   * its period from the rollup (report-rollup.ts) when it keeps all the query asks for, the rest from the records.
   */
  async aggregate(q: AggregateQuery): Promise<FactGroup[]> {
    if (!q.logs.length) return [];
    const plan = rollupPlan(q);
    const span = (r: { from: number; to: number }) => ({ ...q, dateFrom: r.from, dateTo: r.to - 1 });
    // Without the rollup, the records of the two halves of the period at once where two connections read them.
    const parts = await Promise.all(
      plan && plan.rollups.length + plan.records.length
        ? [
            ...plan.rollups.map((r) => this.aggregateFrom(span(r), r.grain)),
            ...plan.records.map((r) => this.aggregateFrom(span(r), null)),
          ]
        : this.halves({ from: q.dateFrom, to: q.dateTo + 1 }).map((r) => this.aggregateFrom(span(r), null)),
    );
    return mergeGroups(q.by ?? [], parts.flat());
  }

  /**
   * The sum of a bigint expression. PostgreSQL sums bigint into numeric, slow to add up and large to hash (the
   * agents' month of rollup rows: 88–124 ms, against 35 ms so; a month of report_contact on the 10M set: 40 MB of
   * groups, sorted on disk at the default work_mem instead). Every sum here is of whole milliseconds or counts, far
   * below 2^53 and so exact in float8, whose sum is a plain double; it comes back as bigint.
   */
  private total(e: RawBuilder<unknown>, only?: RawBuilder<unknown>): RawBuilder<unknown> {
    const of = only ? sql` filter (where ${only})` : sql``;
    return this.dialect === 'postgres' ? sql`(sum((${e})::float8)${of})::bigint` : sql`sum(${e})${of}`;
  }

  /** Groups and measures of the live records (grain null) or of the rollup rows of a grain. */
  private async aggregateFrom(q: AggregateQuery, grain: number | null): Promise<FactGroup[]> {
    const by = q.by ?? [];
    const dims = by.map((d) => dimension(d, q));
    const selected = by.map((_d, i) => sql`${dims[i]} as ${sql.ref(`d${i}`)}`);
    // A rollup row stands for n records, its answer_ms is already a sum of answer offsets or 0.
    const measures: RawBuilder<unknown>[] = [
      grain === null ? sql`count(*) as n` : sql`${this.total(sql`n`)} as n`,
      sql`${this.total(sql`duration_ms`)} as duration`,
      sql`${this.total(sql`talk_ms`)} as talk`,
      sql`${this.total(sql`coalesce(answer_ms, 0)`)} as answer`,
    ];
    if (q.slaMs !== undefined) {
      measures.push(
        sql`sum(case when ${ANSWERED} and coalesce(answer_ms, 0) <= ${int(q.slaMs)} then 1 else 0 end) as in_sla`,
      );
    }
    if (q.extremes) {
      measures.push(
        sql`min(duration_ms) as min_duration`,
        sql`max(duration_ms) as max_duration`,
        sql`min(talk_ms) as min_talk`,
        sql`max(talk_ms) as max_talk`,
        sql`min(coalesce(answer_ms, 0)) as min_answer`,
        sql`max(coalesce(answer_ms, 0)) as max_answer`,
      );
    }
    const groupBy = dims.length ? sql` group by ${sql.join(dims.map((_, i) => sql.raw(String(i + 1))))}` : sql``;
    // The calls of given entries (queues) along their own index (report-entries.ts).
    const entries = grain === null && companyLogOnly(q) && entryIndexAnswers(q);
    const table =
      grain !== null
        ? sql.table('report_rollup')
        : entries && this.dialect === 'sqlite'
          ? sql`call_log indexed by call_log_entry`
          : sql.table('call_log');
    const where = entries ? sql`${this.where(q)} and ${companyEntries}` : this.where(q, grain);
    const query = sql<
      Record<string, unknown>
    >`select ${sql.join([...selected, ...measures])} from ${table} where ${where}${groupBy}`;
    const { rows } = await query.execute(this.db);
    // Rollup rows whose records were all deleted or moved stay behind with n = 0.
    const live = grain === null || !by.length ? rows : rows.filter((r) => num(r.n) !== 0);
    return live.map((r) => {
      const g: FactGroup = {
        n: num(r.n),
        durationMs: num(r.duration),
        talkMs: num(r.talk),
        answerMs: num(r.answer),
        inSlaCount: num(r.in_sla),
      };
      by.forEach((d, i) => {
        const v = r[`d${i}`];
        const value = BOOLEAN_DIMS.has(d) ? Number(v) === 1 : NUMBER_DIMS.has(d) ? Number(v) : (v as string | null);
        (g as unknown as Record<string, unknown>)[d] = value;
      });
      if (q.extremes) {
        g.minDurationMs = num(r.min_duration);
        g.maxDurationMs = num(r.max_duration);
        g.minTalkMs = num(r.min_talk);
        g.maxTalkMs = num(r.max_talk);
        g.minAnswerMs = num(r.min_answer);
        g.maxAnswerMs = num(r.max_answer);
      }
      return g;
    });
  }

  /**
   * Each metric's count, total and nearest-rank percentiles (the ⌈p/100·n⌉-th smallest value, p in 0..100, computed
   * in floating point as report-math.ts `percentile` does) per value of one optional dimension, in the order of
   * `metrics`. The company log's whole days from its value histograms (percentilesFromHistogram) where they answer;
   * otherwise PostgreSQL's `percentile_disc`, which takes that very rank, or on SQLite the values, read and sorted
   * here.
   */
  async percentiles(q: AggregateQuery, metrics: readonly Metric[], ps: readonly number[]): Promise<MetricStats[][]> {
    if (!q.logs.length) return metrics.map(() => []);
    const dim = q.by?.[0];
    const key = dim ? dimension(dim, q) : sql`0`;
    const groupBy = dim ? sql` group by 1` : sql``;
    const parse = (v: unknown) =>
      !dim || v === null || v === undefined ? null : NUMBER_DIMS.has(dim) ? Number(v) : `${v as string | number}`;
    // Every metric is of voice calls; `only` further narrows each.
    const where = sql`${this.where(q)} and type = 'Voice'`;
    const value = (m: Metric) => (m === 'duration' ? sql`duration_ms` : m === 'talk' ? sql`talk_ms` : sql`answer_ms`);
    const only = (m: Metric) =>
      m === 'duration'
        ? sql`1 = 1`
        : m === 'talk'
          ? ANSWERED
          : sql`${ANSWERED} and direction = 'Inbound' and answer_ms is not null`;
    const plan = histogramAnswers(q) ? coverPeriod(q, [HISTOGRAM_GRAIN]) : null;
    // PostgreSQL reads the histogram and the values in one snapshot: read committed, a record written between its
    // statements (live ingest) made the counts and the values disagree, and the report ranked every value instead.
    // SQLite reads each statement in a snapshot of its own (its reader threads hold no transaction across them): out
    // of step, it reads them all once more before it ranks every value (src/store/report-retry.test.ts): a write
    // lands between them only now and then, where ranking every value of a long period takes seconds.
    const fromHistogram =
      plan &&
      (this.dialect === 'postgres'
        ? await this.db
            .transaction()
            .setIsolationLevel('repeatable read')
            .execute((trx) => this.percentilesFromHistogram(trx, q, plan, metrics, ps, false))
        : ((await this.percentilesFromHistogram(this.db, q, plan, metrics, ps, this.backend.parallel)) ??
          (await this.percentilesFromHistogram(this.db, q, plan, metrics, ps, this.backend.parallel))));
    if (fromHistogram) return fromHistogram;
    if (this.dialect === 'postgres') {
      // One statement for every metric (an ordered-set aggregate takes a FILTER): one pass over the period's
      // records on one connection, where a statement per metric read them once each, on as many new backends.
      const fractions = sql.join(ps.map((p) => sql.lit(p / 100)));
      const figures = metrics.map((m, i) => {
        const of = sql`filter (where ${only(m)})`;
        return sql`count(*) ${of} as ${sql.ref(`n${i}`)}, ${this.total(value(m), only(m))} as ${sql.ref(`t${i}`)},
          percentile_disc(array[${fractions}]::float8[]) within group (order by ${value(m)}) ${of} as ${sql.ref(`v${i}`)}`;
      });
      const { rows } = await sql<Record<string, unknown>>`
        select ${key} as k, ${sql.join(figures)} from call_log where ${where}${groupBy}`.execute(this.db);
      return metrics.map((_m, i) =>
        rows
          .filter((r) => num(r[`n${i}`]) > 0)
          .map((r) => {
            const v = r[`v${i}`] as unknown[] | string;
            return {
              key: parse(r.k),
              n: num(r[`n${i}`]),
              total: num(r[`t${i}`]),
              values: (Array.isArray(v) ? v : String(v).replace(/[{}]/g, '').split(',')).map(Number),
            };
          }),
      );
    }
    // SQLite has no ordered-set aggregate and its window sorts every row in a temporary B-tree (1.5–3.5 s for a
    // month of 1M records); a row per record is slow to hand over too. In one pass, each group's values of each
    // metric come as one list (group_concat skips the nulls of records a metric leaves out) and are sorted here.
    const lists = metrics.map(
      (m, i) => sql`group_concat(case when ${only(m)} then ${value(m)} end) as ${sql.ref(`v${i}`)}`,
    );
    const { rows } = await sql<Record<string, string | null>>`
      select ${key} as k, ${sql.join(lists)} from call_log where ${where}${groupBy}`.execute(this.db);
    return metrics.map((_m, i) =>
      rows.flatMap((r) => {
        const list = r[`v${i}`];
        if (list === null) return [];
        const sorted = Float64Array.from(list.split(','), Number).sort();
        return [
          {
            key: parse(r.k),
            n: sorted.length,
            total: sorted.reduce((s, v) => s + v, 0),
            values: ps.map((p) => sorted[rankOf(p, sorted.length) - 1]),
          },
        ];
      }),
    );
  }

  /**
   * Percentiles from the company log's value histograms (report-histogram.ts): the counts of the whole days
   * of the period from report_histogram and of its partial days from the records give each rank's bucket; one pass
   * over the period's records then hands over only the values in those buckets, and the rank is taken among them.
   */
  private async percentilesFromHistogram(
    db: Kysely<Database>,
    q: AggregateQuery,
    plan: { rollups: { from: number; to: number }[]; records: { from: number; to: number }[] },
    metrics: readonly Metric[],
    ps: readonly number[],
    /** Whether `db` runs two queries at once (SQLite's reader threads; not one PostgreSQL transaction). */
    parallel: boolean,
  ): Promise<MetricStats[][] | null> {
    const dim = q.by?.[0];
    const key = dim ? dimension(dim, q) : sql`0`;
    const directions = q.directions ? sql` and direction in (${sql.join([...q.directions, ''])})` : sql``;
    // Per group key and metric: value bucket → count and total.
    const counts = new Map<string, { key: unknown; metrics: Map<Metric, Map<number, { n: number; total: number }>> }>();
    const cell = (k: unknown, m: Metric, bucket: number) => {
      const id = String(k);
      let group = counts.get(id);
      if (!group) counts.set(id, (group = { key: k, metrics: new Map() }));
      let buckets = group.metrics.get(m);
      if (!buckets) group.metrics.set(m, (buckets = new Map<number, { n: number; total: number }>()));
      let c = buckets.get(bucket);
      if (!c) buckets.set(bucket, (c = { n: 0, total: 0 }));
      return c;
    };
    const wanted = new Set(metrics);
    const voice = (part: { from: number; to: number }) =>
      sql`${this.where({ ...q, dateFrom: part.from, dateTo: part.to - 1 })} and type = 'Voice'`;
    // Values come as one comma-separated list per group and metric (group_concat and string_agg skip nulls): a row
    // per value is slow to hand over.
    const lists = (tests: readonly (RawBuilder<unknown> | null)[]) =>
      metrics.map((m, i) => {
        const test = tests[i] ?? sql`1 = 0`;
        const value = sql`case when ${test} then ${sql.raw(metricSql(m).value)} end`;
        const list = this.dialect === 'postgres' ? sql`string_agg((${value})::text, ',')` : sql`group_concat(${value})`;
        return sql`${list} as ${sql.ref(`v${i}`)}`;
      });
    const eachValue = (rows: Record<string, unknown>[], use: (k: unknown, m: Metric, v: number) => void) => {
      for (const row of rows) {
        metrics.forEach((m, i) => {
          const list = row[`v${i}`];
          if (typeof list !== 'string') return;
          for (const v of list.split(',')) use(row.k, m, Number(v));
        });
      }
    };
    await Promise.all([
      ...plan.rollups
        .flatMap((whole) => this.halves(whole, HISTOGRAM_GRAIN, parallel))
        .map(async (r) => {
          const { rows } = await sql<{ k: unknown; metric: Metric; bucket: unknown; n: unknown; total: unknown }>`
          select ${key} as k, metric, bucket, sum(n) as n, sum(total) as total from report_histogram
          where account_id = ${q.accountId} and extension_id = '' and grain = ${int(HISTOGRAM_GRAIN)}
            and start_time >= ${r.from} and start_time < ${r.to}${directions}
          group by 1, 2, 3`.execute(db);
          for (const row of rows) {
            if (!wanted.has(row.metric) || num(row.n) === 0) continue;
            const c = cell(row.k, row.metric, num(row.bucket));
            c.n += num(row.n);
            c.total += num(row.total);
          }
        }),
      ...plan.records.map(async (r) => {
        const { rows } = await sql<Record<string, unknown>>`
          select ${key} as k, ${sql.join(lists(metrics.map((m) => sql.raw(metricSql(m).only))))}
          from call_log where ${voice(r)} group by 1`.execute(db);
        eachValue(rows, (k, m, v) => {
          const c = cell(k, m, valueBucket(v));
          c.n += 1;
          c.total += v;
        });
      }),
    ]);
    // Each percentile's bucket and its rank among the bucket's values, per group and metric.
    interface Target {
      bucket: number;
      rank: number;
    }
    const targets = new Map<string, Target[]>(); // `${group}\u0000${metric}`
    const buckets = new Map<Metric, Set<number>>(metrics.map((m) => [m, new Set<number>()]));
    for (const [id, group] of counts) {
      for (const [m, cells] of group.metrics) {
        const sorted = [...cells].filter(([, c]) => c.n > 0).sort(([a], [b]) => a - b);
        const n = sorted.reduce((s, [, c]) => s + c.n, 0);
        if (n === 0) continue;
        const list: Target[] = [];
        for (const p of ps) {
          let rank = rankOf(p, n);
          let i = 0;
          while (rank > sorted[i][1].n) rank -= sorted[i++][1].n;
          list.push({ bucket: sorted[i][0], rank });
          buckets.get(m)!.add(sorted[i][0]);
        }
        targets.set(`${id}\u0000${m}`, list);
      }
    }
    // The values in those buckets, over the whole period (one pass over the period's records).
    const picks = metrics.map((m) => {
      const { only, value } = metricSql(m);
      const los = [...buckets.get(m)!];
      // The numeric ranges first: most rows fail them before the string comparisons of `only`.
      return los.length ? sql.raw(`(${inBucketsSql(value, los)} and ${only})`) : null;
    });
    const found = new Map<string, number[]>(); // `${group}\u0000${metric}\u0000${bucket}`
    if (picks.some((p) => p !== null)) {
      const any = picks.filter((p) => p !== null);
      const read = (part: { from: number; to: number }) =>
        sql<Record<string, unknown>>`
          select ${key} as k, ${sql.join(lists(picks))} from call_log
          where ${voice(part)} and (${sql.join(any, sql` or `)})
          group by 1`.execute(db);
      const parts = await Promise.all(this.halves({ from: q.dateFrom, to: q.dateTo + 1 }, 1, parallel).map(read));
      for (const { rows } of parts) {
        eachValue(rows, (k, m, v) => {
          const id = `${String(k)}\u0000${m}\u0000${valueBucket(v)}`;
          let list = found.get(id);
          if (!list) found.set(id, (list = []));
          list.push(v);
        });
      }
    }
    const parse = (v: unknown) =>
      !dim || v === null || v === undefined ? null : NUMBER_DIMS.has(dim) ? Number(v) : `${v as string | number}`;
    let inStep = true;
    const stats = metrics.map((m) =>
      [...counts].flatMap(([id, group]) => {
        const list = targets.get(`${id}\u0000${m}`);
        const cells = group.metrics.get(m);
        if (!list || !cells) return [];
        let n = 0;
        let total = 0;
        for (const c of cells.values()) {
          n += c.n;
          total += c.total;
        }
        const sortedIn = new Map<number, Float64Array>();
        const valueAt = ({ bucket, rank }: Target) => {
          let sorted = sortedIn.get(bucket);
          if (!sorted) {
            sorted = Float64Array.from(found.get(`${id}\u0000${m}\u0000${bucket}`) ?? []).sort();
            sortedIn.set(bucket, sorted);
          }
          if (sorted.length !== cells.get(bucket)?.n) inStep = false;
          return sorted[rank - 1];
        };
        return [{ key: parse(group.key), n, total, values: list.map(valueAt) }];
      }),
    );
    // A histogram out of step with the records (it never should be) is not trusted: the caller ranks all values.
    return inStep ? stats : null;
  }

  /**
   * Per outside number of the query's records: voice calls, faxes, inbound and answered voice calls, their talk and
   * billable seconds (each answered voice call with talk > 0 billed in started `unitSeconds`, at least
   * `minimumSeconds`). The company log's whole UTC days come from report_contact (report-contacts.ts) when it keeps
   * what the query asks (no filter, a minimum of at most one unit), the rest from the records: on SQLite along the
   * contact index (call_log_contact, migration 0012-report-speedups), so they are grouped without sorting. A period
   * that is a small part of the company log's span (contactsByTime) is read from its records by time and sorted.
   */
  async contacts(q: AggregateQuery, billing: { unitSeconds: number; minimumSeconds: number }): Promise<ContactTotals> {
    const sums = new ContactSums();
    if (!q.logs.length) return sums.totals();
    const { byTime, plan } = await this.contactDays(q, contactRollupAnswers(q, billing));
    if (!plan) {
      await this.contactRows(this.contactsOfRecords(q, billing, !byTime), sums);
      return sums.totals();
    }
    const billed = `billed_${billing.unitSeconds}`;
    // One grain: one range of whole days, and the partial days either side, all added up in `sums`.
    await Promise.all([
      ...plan.rollups.map((r) => this.contactDayRows(q.accountId, r, billed, sums)),
      ...plan.records.map((r) =>
        this.contactRows(this.contactsOfRecords({ ...q, dateFrom: r.from, dateTo: r.to - 1 }, billing, false), sums),
      ),
    ]);
    return sums.totals();
  }

  /**
   * report_contact's sums of whole days [from, to) per number, added into `sums`, in two parts where two queries run
   * at once, one on each connection (a number seen in both is added up in `sums`).
   * SQLite groups them along the table's order (number, then day: no sort) and hands them over as one list; its two
   * parts are two ranges of numbers (contactSplit), each read over the whole period: both halves of the days would
   * each walk every number's rows.
   * PostgreSQL reads the days by time, in two halves; grouping a month's 94,000 day rows into 55,000 numbers and
   * writing them as text took it about 160 ms of the 1M set's 300, so it copies the day rows out in binary (about
   * 50 ms) and ContactSums adds them up as they come.
   */
  private async contactDayRows(
    accountId: string,
    r: { from: number; to: number },
    billed: string,
    sums: ContactSums,
  ): Promise<void> {
    const days = (from: number, to: number) =>
      sql<SqlBool>`account_id = ${accountId} and start_time >= ${from} and start_time < ${to}`;
    const { copyOut, parallel } = this.backend;
    if (copyOut) {
      const parts = this.halves(r, CONTACT_GRAIN).map((h) => days(h.from, h.to));
      const figures = ['n', 'faxes', 'inbound', 'answered', 'talk_ms', billed].map((c) => sql`${sql.ref(c)}::float8`);
      await Promise.all(
        parts.map(async (where) => {
          const rows = sql`select '+' || contact_digits, ${sql.join(figures)} from report_contact where ${where} and n > 0`;
          const reader = sums.copyReader();
          await copyOut(rows.compile(this.db), (chunk) => reader.push(chunk));
          reader.end();
        }),
      );
      return;
    }
    const whole = days(r.from, r.to);
    const split = parallel ? await this.contactSplit(accountId, r) : null;
    const parts =
      split === null
        ? [whole]
        : [sql<SqlBool>`${whole} and contact_digits < ${split}`, sql<SqlBool>`${whole} and contact_digits >= ${split}`];
    const sum = (c: string) => this.total(sql.ref(c));
    await Promise.all(
      parts.map((where) =>
        // A number whose records were all deleted keeps rows of zeros: `having` leaves it out.
        this.contactRows(
          sql`select contact_digits as c, ${sum('n')} as n, ${sum('faxes')} as faxes, ${sum('inbound')} as inbound,
              ${sum('answered')} as answered, ${sum('talk_ms')} as talk, ${sum(billed)} as billable
            from report_contact where ${where} group by 1 having ${sum('n')} > 0`,
          sums,
        ),
      ),
    );
  }

  /**
   * A range in two halves split at a multiple of `grain` from its start, to be read at once on two connections
   * (SQLite's reader threads, PostgreSQL's pool), or the range itself when there is one connection or it is a single
   * grain.
   */
  private halves(
    r: { from: number; to: number },
    grain = 1,
    parallel = this.backend.parallel,
  ): { from: number; to: number }[] {
    const half = r.from + Math.floor((r.to - r.from) / grain / 2) * grain;
    return parallel && half > r.from
      ? [
          { from: r.from, to: half },
          { from: half, to: r.to },
        ]
      : [{ from: r.from, to: r.to }];
  }

  /**
   * SQLite: a number about halfway through a period's outside numbers in text order (report_contact's order), or
   * null with too few to tell: the middle one of up to CONTACT_SPLIT_SAMPLE outside numbers of the company's calls
   * on the period's last day, read along call_log_report. Any number splits correctly (each part sums its own
   * numbers); the sample only balances the parts.
   */
  private async contactSplit(accountId: string, r: { from: number; to: number }): Promise<string | null> {
    const { rows } = await sql<{ c: string }>`select contact_digits as c from call_log indexed by call_log_report
      where account_id = ${accountId} and extension_id = '' and start_time >= ${Math.max(r.from, r.to - CONTACT_GRAIN)}
        and start_time < ${r.to} and deleted = 0 and contact_digits is not null
      limit ${int(CONTACT_SPLIT_SAMPLE)}`.execute(this.db);
    if (rows.length < 2) return null;
    const numbers = rows.map((row) => row.c).sort();
    return numbers[numbers.length >> 1];
  }

  /**
   * The whole UTC days of a query report_contact answers (`keeps`: it holds what the query asks) and the partial
   * days left to the records; no plan when the records answer it all. SQLite: both report_contact and the contact
   * index lead with the number, so a period that is a small part of the company log's span (`byTime`,
   * contactsByTime) is read from its records by time instead.
   */
  private async contactDays(q: AggregateQuery, keeps: boolean): Promise<{ byTime: boolean; plan: RollupPlan | null }> {
    const company = this.dialect === 'sqlite' && companyLogOnly(q);
    const everything = { accountId: q.accountId, logs: [null], dateFrom: -8.64e15, dateTo: 8.64e15 };
    const byTime = company && contactsByTime(q, await this.bounds(everything));
    const plan = !byTime && keeps ? coverPeriod(q, [CONTACT_GRAIN]) : null;
    return { byTime, plan: plan?.rollups.length ? plan : null };
  }

  /**
   * The rows of a contacts query (columns c, n, faxes, inbound, answered, talk, billable) added into `sums`. They
   * come as their count and one comma-separated list (ContactSums.addList): tens of thousands of rows are slow to
   * hand over one by one (about 30% of the CPU of a month's contacts on the 1M seed).
   */
  private async contactRows(query: RawBuilder<unknown>, sums: ContactSums): Promise<void> {
    // The number with its `+`: the report's text, made here rather than once more per number in JavaScript.
    const columns = [
      sql`'+' || rows.c`,
      ...['n', 'faxes', 'inbound', 'answered', 'talk', 'billable'].map((c) => sql.ref(`rows.${c}`)),
    ];
    const list =
      this.dialect === 'postgres'
        ? sql`string_agg(concat_ws(',', ${sql.join(columns)}), ',')`
        : sql`group_concat(${sql.join(columns, sql` || ',' || `)}, ',')`;
    const { rows } = await sql<{
      k: unknown;
      v: string | null;
    }>`select count(*) as k, ${list} as v from (${query}) as rows`.execute(this.db);
    const v = rows[0]?.v;
    if (v) sums.addList(Number(rows[0].k), v);
  }

  /** `contacts` of the query's records, one row per outside number (columns c, n, faxes … billable). */
  private contactsOfRecords(
    q: AggregateQuery,
    billing: { unitSeconds: number; minimumSeconds: number },
    /** SQLite: along the contact index (a long period), else by time and sorted (a partial day, a short period). */
    alongContacts = true,
  ): RawBuilder<unknown> {
    const unitMs = int(billing.unitSeconds * 1000);
    const unit = int(billing.unitSeconds);
    const min = int(billing.minimumSeconds);
    // Started units (ceil of talk / unit, in integer arithmetic), at least the minimum; 0 without talk.
    const billed = sql`((talk_ms + ${unitMs} - 1) / ${unitMs} * ${unit})`;
    const voice = sql`type = 'Voice'`;
    // The index holds the company log's records only; its WHERE must be spelled out for SQLite to use it.
    const company = alongContacts && this.dialect === 'sqlite' && companyLogOnly(q);
    const index = company
      ? sql` indexed by call_log_contact`
      : this.dialect === 'sqlite'
        ? sql` indexed by call_log_report`
        : sql``;
    const own = company ? sql` and extension_id = ''` : sql``;
    return sql`
      select contact_digits as c, count(*) as n,
        sum(case when type = 'Fax' then 1 else 0 end) as faxes,
        sum(case when ${voice} and direction = 'Inbound' then 1 else 0 end) as inbound,
        sum(case when ${voice} and ${ANSWERED} then 1 else 0 end) as answered,
        ${this.total(sql`case when ${voice} then talk_ms else 0 end`)} as talk,
        ${this.total(sql`case when ${voice} and ${ANSWERED} and talk_ms > 0 then (case when ${billed} < ${min} then ${min} else ${billed} end) else 0 end`)} as billable
      from call_log${index} where contact_digits is not null${own} and ${this.where(q)}
      group by contact_digits`;
  }

  /** The first and last start time of a log's records in a range (null when it has none). */
  async bounds(q: FactQuery): Promise<{ first: number; last: number } | null> {
    const logs = q.logs.map((l) => l ?? '');
    const where = sql`account_id = ${q.accountId} and extension_id in (${sql.join(logs)})
      and start_time >= ${q.dateFrom} and start_time <= ${q.dateTo}`;
    // min and max each in a query of its own: one seek of the index each, where together in one select SQLite read
    // every record of the range (31 ms for the company log of the 1M seed).
    const { rows } = await sql<{ first: unknown; last: unknown }>`
      select (select min(start_time) from call_log where ${where}) as first,
        (select max(start_time) from call_log where ${where}) as last`.execute(this.db);
    const row = rows[0];
    if (!row || row.first === null || row.last === null) return null;
    return { first: Number(row.first), last: Number(row.last) };
  }

  /**
   * How many live records of the query's logs lie in its range. The company log's outside calls (`external`, no
   * other filter: reconcile's summary) of whole days are report_contact's sums: a month of the 1M set's company log
   * is 57 MB of call_log_report to count along, against 12 MB of report_contact.
   */
  async count(q: AggregateQuery): Promise<number> {
    const days = q.external && contactDaysAnswer(q) ? (await this.contactDays(q, true)).plan : null;
    if (!days) return this.countRecords(q);
    const counts = await Promise.all([
      ...days.rollups.map(async (r) => {
        const { rows } = await sql<{ n: unknown }>`select ${this.total(sql`n`)} as n from report_contact
          where account_id = ${q.accountId} and start_time >= ${r.from} and start_time < ${r.to}`.execute(this.db);
        return num(rows[0]?.n);
      }),
      ...days.records.map((r) => this.countRecords({ ...q, dateFrom: r.from, dateTo: r.to - 1 })),
    ]);
    return counts.reduce((a, b) => a + b, 0);
  }

  private async countRecords(q: AggregateQuery): Promise<number> {
    const { rows } = await sql<{ n: unknown }>`select count(*) as n from call_log where ${this.where(q)}`.execute(
      this.db,
    );
    return num(rows[0]?.n);
  }

  /**
   * The live records the query selects whose outside number and start time fall in one of the windows (inclusive
   * bounds; windows of one number must not overlap): reconciliation's candidates, read window by window along an
   * index (PostgreSQL: call_log_report; SQLite: below), never the whole period. `outside` is how many outside calls
   * the query selects (count), for SQLite's choice of index.
   */
  async outsideCandidates(
    q: AggregateQuery,
    windows: readonly OutsideWindow[],
    outside: number,
  ): Promise<OutsideCall[]> {
    if (!q.logs.length || !windows.length) return [];
    const where = this.where({ ...q, external: true });
    const columns = sql`id as i, start_time as t, direction as d, duration_ms as ms, contact_digits as c`;
    const list = (ws: readonly OutsideWindow[]) =>
      JSON.stringify(ws.map((w) => ({ wc: w.digits, wa: w.from, wb: w.to })));
    const query: RawBuilder<OutsideRow> =
      this.dialect === 'sqlite'
        ? this.sqliteCandidates(q, windows, outside, list, columns, where)
        : // offset 0 keeps the subquery a lateral one: an index range per window, never a join over the period.
          sql<OutsideRow>`select i, t, d, ms, c from jsonb_to_recordset(${list(windows)}::jsonb) as w(wc text, wa bigint, wb bigint)
            cross join lateral (select ${columns} from call_log
              where contact_digits = w.wc and start_time >= w.wa and start_time <= w.wb and ${where} offset 0) r`;
    const { rows } = await query.execute(this.db);
    return rows.map(outsideCall);
  }

  /**
   * SQLite's candidates of the company log: along the contact index (number, then time) or, when the windows hold
   * few records of the log (at most CANDIDATES_BY_TIME a window, going by the period's `outside` calls), window after
   * window in time order along call_log_report, checking each record's number. A 64 KiB page holds hundreds of
   * entries, so a window seeks a page of its own in the contact index: 1,000 file calls of a day read 57 MB of it on
   * the 1M set, about 200 ms on a new connection; in time order the same windows share the day's few pages.
   */
  private sqliteCandidates(
    q: AggregateQuery,
    windows: readonly OutsideWindow[],
    outside: number,
    list: (ws: readonly OutsideWindow[]) => string,
    columns: RawBuilder<unknown>,
    where: RawBuilder<SqlBool>,
  ): RawBuilder<OutsideRow> {
    // call_log_contact holds the company log's records only: its WHERE must be spelled out for SQLite to use it.
    const company = companyLogOnly(q);
    const own = company ? sql` and extension_id = ''` : sql``;
    const period = q.dateTo - q.dateFrom + 1;
    const width = windows.reduce((sum, w) => sum + (w.to - w.from + 1), 0);
    const byTime = company && (width / period) * outside <= windows.length * CANDIDATES_BY_TIME;
    const ws = byTime ? [...windows].sort((a, b) => a.from - b.from) : windows;
    const index = !company ? sql`` : byTime ? sql` indexed by call_log_report` : sql` indexed by call_log_contact`;
    return sql<OutsideRow>`
      with w(wc, wa, wb) as (
        select json_extract(value, '$.wc'), json_extract(value, '$.wa'), json_extract(value, '$.wb') from json_each(${list(ws)}))
      select ${columns} from w cross join call_log${index}
      where contact_digits = wc and start_time >= wa and start_time <= wb${own} and ${where}`;
  }

  /**
   * A page of the live records with an outside number the query selects, leaving out some ids, in start order then
   * id: `offset` of them skipped, or those after `after` (a keyset, for reading them all page by page).
   */
  async outsideCallsExcept(
    q: AggregateQuery,
    except: readonly string[],
    page: { limit: number; offset?: number; after?: { startTime: number; id: string } },
  ): Promise<OutsideCall[]> {
    if (!q.logs.length) return [];
    const ids = JSON.stringify(except);
    const a = page.after;
    // A keyset page's range starts at its key, so reading every page reads the period once.
    const from = a ? Math.max(q.dateFrom, a.startTime) : q.dateFrom;
    const parts: RawBuilder<SqlBool>[] = [this.where({ ...q, dateFrom: from, external: true })];
    if (except.length) {
      parts.push(
        this.dialect === 'sqlite'
          ? sql`id not in (select value from json_each(${ids}))`
          : sql`id not in (select jsonb_array_elements_text(${ids}::jsonb))`,
      );
    }
    // SQLite: along the covering report index (the table's own order holds whole records, ~3 KB each).
    const index = this.dialect === 'sqlite' ? sql` indexed by call_log_report` : sql``;
    if (a) parts.push(sql`(start_time > ${a.startTime} or (start_time = ${a.startTime} and id > ${a.id}))`);
    const { rows } = await sql<OutsideRow>`
      select id as i, start_time as t, direction as d, duration_ms as ms, contact_digits as c
      from call_log${index} where ${sql.join(parts, sql` and `)}
      order by start_time, id limit ${page.limit} offset ${page.offset ?? 0}`.execute(this.db);
    return rows.map(outsideCall);
  }

  /** The live records the query selects, one by one. */
  async facts(q: AggregateQuery): Promise<FactRow[]> {
    if (!q.logs.length) return [];
    const { rows } = await sql<Record<string, unknown>>`
      select extension_id, id, start_time, direction, type, result, action, duration_ms, talk_ms, answer_ms, owner_id,
        entry_id, agent_id, transferred, contact_digits, to_digits
      from call_log where ${this.where(q)}`.execute(this.db);
    const out = new Array<FactRow>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      out[i] = {
        log: r.extension_id as string,
        id: r.id as string,
        startTime: Number(r.start_time),
        direction: r.direction as string,
        type: r.type as string,
        result: r.result as string,
        action: r.action as string,
        durationMs: Number(r.duration_ms),
        talkMs: Number(r.talk_ms),
        answerMs: r.answer_ms === null ? null : Number(r.answer_ms),
        ownerId: r.owner_id as string | null,
        entryId: r.entry_id as string | null,
        agentId: r.agent_id as string | null,
        transferred: Number(r.transferred) === 1,
        contactDigits: r.contact_digits as string | null,
        toDigits: r.to_digits as string | null,
      };
    }
    return out;
  }
}
