// The reports, as pure functions of grouped report facts that the store counts and sums in SQL
// (store/report-store.ts): volume, outcomes, durations, agents, call queues, queue members and contacts.
// Definitions: docs/reports.md.

import { isAnswered, type Extension } from '../domain/index.ts';
import type { ContactTotals, FactGroup, MetricStats } from '../store/index.ts';
import { LocalClock, type Interval, INTERVALS } from './local-time.ts';
import { averageSeconds, billedAmount, percent, rankOrder, seconds, type BillingRule } from './report-math.ts';

export type Cell = string | number | null;
export type ReportRow = Record<string, Cell>;

export interface ReportTable {
  report: string;
  columns: { key: string; label: string }[];
  rows: ReportRow[];
  /** Counts of the rows by kind, where some rows come in pages (reconcile). */
  summary?: Record<string, number>;
  /** Which page of the paged rows this answer holds, as RingCentral's list answers say it. */
  paging?: { page: number; perPage: number; totalPages: number; totalElements: number };
}

/** What a report needs besides the records: the period, how to group, and the account's directory. */
export interface ReportContext {
  /** Inclusive start and exclusive end of the period, epoch ms. */
  from: number;
  to: number;
  clock: LocalClock;
  /** hour, day, week, month, direction, type or result (volume, outcomes, durations). */
  by?: string;
  /** Answered within this many seconds counts toward a queue's service level. */
  slaSeconds: number;
  billing: BillingRule;
  users: readonly Extension[];
  queues: readonly Extension[];
}

export const GROUPINGS = [...INTERVALS, 'direction', 'type', 'result'] as const;

/** Most buckets a grouping by time may list (an hour grouping over 416 days). */
export const MAX_BUCKETS = 10_000;

const col = (key: string, label: string) => ({ key, label });

const isInterval = (by: string | undefined): by is Interval => (INTERVALS as readonly string[]).includes(by ?? '');

/** The wall-clock starts of the period's buckets, in order (every bucket, empty ones too). */
export function bucketStarts(ctx: Pick<ReportContext, 'from' | 'to' | 'clock'>, interval: Interval): number[] {
  const { clock } = ctx;
  const out: number[] = [];
  for (let w = clock.bucketWall(ctx.from, interval); clock.instant(w) < ctx.to; w = clock.nextBucketWall(w, interval)) {
    out.push(w);
    if (out.length > MAX_BUCKETS) break;
  }
  return out;
}

/** The label of a group's key under `by`: a bucket's label, or the field's value. */
export function groupLabel(by: string, key: string | number | null | undefined): string {
  if (isInterval(by)) return LocalClock.label(Number(key), by);
  return String(key ?? '');
}

/** The groups split by `ctx.by` (each bucket of the period present for time groupings), sorted by label. */
function split<T>(
  items: readonly T[],
  ctx: ReportContext,
  fallback: string | undefined,
  keyOf: (item: T) => string | number | null | undefined,
): Map<string, T[]> {
  const by = ctx.by ?? fallback;
  const out = new Map<string, T[]>();
  if (by === undefined) {
    out.set('all', [...items]);
    return out;
  }
  if (isInterval(by)) for (const w of bucketStarts(ctx, by)) out.set(LocalClock.label(w, by), []);
  for (const item of items) {
    const key = groupLabel(by, keyOf(item));
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(item);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The group value a FactGroup carries for `by` (bucket for time groupings, else the field). */
const byKey = (by: string | undefined) => (g: FactGroup) =>
  by === undefined ? undefined : isInterval(by) ? g.bucket : (g[by as 'direction' | 'type' | 'result'] ?? null);

export function volumeReport(groups: readonly FactGroup[], ctx: ReportContext): ReportTable {
  const rows: ReportRow[] = [];
  for (const [key, list] of split(groups, ctx, 'day', byKey(ctx.by ?? 'day'))) {
    let calls = 0;
    let inbound = 0;
    let voice = 0;
    let answered = 0;
    for (const g of list) {
      calls += g.n;
      if (g.direction === 'Inbound') inbound += g.n;
      if (g.type === 'Voice') {
        voice += g.n;
        if (isAnswered(g.result ?? '')) answered += g.n;
      }
    }
    rows.push({ key, calls, inbound, outbound: calls - inbound, voice, fax: calls - voice, answered });
  }
  return {
    report: 'volume',
    columns: [
      col('key', ctx.by ?? 'day'),
      col('calls', 'Calls'),
      col('inbound', 'Inbound'),
      col('outbound', 'Outbound'),
      col('voice', 'Voice'),
      col('fax', 'Fax'),
      col('answered', 'Answered'),
    ],
    rows,
  };
}

/** The outcomes row of a group from its records grouped by (direction, type, result). */
export function tallyOutcomes(key: string, counts: Iterable<FactGroup>): ReportRow {
  let calls = 0;
  let inbound = 0;
  let offered = 0;
  let answered = 0;
  let voicemail = 0;
  let abandoned = 0;
  let blocked = 0;
  let outbound = 0;
  let connected = 0;
  let faxes = 0;
  for (const f of counts) {
    const n = f.n;
    calls += n;
    if (f.type === 'Fax') faxes += n;
    if (f.direction === 'Inbound') {
      inbound += n;
      if (f.result === 'Blocked') blocked += n;
    }
    if (isOffered(f)) {
      offered += n;
      if (isAnswered(f.result ?? '')) answered += n;
      else if (f.result === 'Voicemail') voicemail += n;
      else if (f.result === 'Abandoned') abandoned += n;
    } else if (f.direction === 'Outbound' && f.type === 'Voice') {
      outbound += n;
      if (isAnswered(f.result ?? '')) connected += n;
    }
  }
  return {
    key,
    calls,
    inbound,
    offered,
    answered,
    answerRate: percent(answered, offered),
    missed: offered - answered - voicemail - abandoned,
    voicemail,
    abandoned,
    blocked,
    outbound,
    connected,
    faxes,
  };
}

/** Offered inbound voice calls: inbound, voice, not blocked. */
export const isOffered = (f: Pick<FactGroup, 'direction' | 'type' | 'result'>) =>
  f.direction === 'Inbound' && f.type === 'Voice' && f.result !== 'Blocked';

export const OUTCOME_COLUMNS = [
  col('calls', 'Calls'),
  col('inbound', 'Inbound'),
  col('offered', 'Offered'),
  col('answered', 'Answered'),
  col('answerRate', 'Answer %'),
  col('missed', 'Missed'),
  col('voicemail', 'Voicemail'),
  col('abandoned', 'Abandoned'),
  col('blocked', 'Blocked'),
  col('outbound', 'Outbound'),
  col('connected', 'Connected'),
  col('faxes', 'Faxes'),
];

export function outcomesReport(groups: readonly FactGroup[], ctx: ReportContext): ReportTable {
  const rows: ReportRow[] = [];
  for (const [key, list] of split(groups, ctx, undefined, byKey(ctx.by))) rows.push(tallyOutcomes(key, list));
  return { report: 'outcomes', columns: [col('key', ctx.by ?? 'period'), ...OUTCOME_COLUMNS], rows };
}

/** Percentiles every durations row gives, in its column order. */
export const DURATION_PERCENTILES = [50, 90, 95, 100] as const;

const METRICS = ['talk', 'wait', 'duration'] as const;

function statsRow(key: string, metric: string, s: MetricStats | undefined): ReportRow {
  const at = (i: number) => (s ? seconds(s.values[i]) : null);
  return {
    key,
    metric,
    calls: s?.n ?? 0,
    total: seconds(s?.total ?? 0),
    average: averageSeconds(s?.total ?? 0, s?.n ?? 0),
    p50: at(0),
    p90: at(1),
    p95: at(2),
    max: at(3),
  };
}

/** Per group, talk, wait and duration: count, total, average and percentiles (per metric, per group key). */
export function durationsReport(
  stats: Record<(typeof METRICS)[number], readonly MetricStats[]>,
  /** The group keys that have records (of any type). */
  present: readonly (string | number | null)[],
  ctx: ReportContext,
): ReportTable {
  const byMetric = METRICS.map((m) => split(stats[m], ctx, undefined, (x) => x.key));
  const groups = split(present, ctx, undefined, (key) => key);
  const keys = [...new Set([...groups.keys(), ...byMetric.flatMap((m) => [...m.keys()])])].sort();
  const rows: ReportRow[] = [];
  for (const key of keys) {
    METRICS.forEach((metric, i) => rows.push(statsRow(key, metric, byMetric[i].get(key)?.[0])));
  }
  return {
    report: 'durations',
    columns: [
      col('key', ctx.by ?? 'period'),
      col('metric', 'Metric'),
      col('calls', 'Calls'),
      col('total', 'Total s'),
      col('average', 'Average s'),
      col('p50', 'Median s'),
      col('p90', 'P90 s'),
      col('p95', 'P95 s'),
      col('max', 'Max s'),
    ],
    rows,
  };
}

/**
 * Per user: calls offered, answered, missed, outbound, talk time, average handle time, transfers; `own` are the
 * users' logs grouped by (log, direction, type, result, action), `transfers` company records that were
 * transferred, grouped by agent.
 */
export function agentsReport(
  own: readonly FactGroup[],
  transfers: readonly FactGroup[],
  ctx: ReportContext,
): ReportTable {
  const byLog = new Map<string, FactGroup[]>();
  for (const g of own) {
    let list = byLog.get(g.log ?? '');
    if (!list) byLog.set(g.log ?? '', (list = []));
    list.push(g);
  }
  const transfersOut = new Map<string, number>();
  for (const g of transfers) if (g.agent) transfersOut.set(g.agent, (transfersOut.get(g.agent) ?? 0) + g.n);
  const rows: ReportRow[] = [];
  for (const user of ctx.users) {
    let offered = 0;
    let answered = 0;
    let outbound = 0;
    let connected = 0;
    let talkMs = 0;
    let transfersIn = 0;
    for (const g of byLog.get(user.id) ?? []) {
      if (g.action === 'Transfer') transfersIn += g.n;
      if (isOffered(g)) {
        offered += g.n;
        if (isAnswered(g.result ?? '')) {
          answered += g.n;
          talkMs += g.talkMs;
        }
      } else if (g.direction === 'Outbound' && g.type === 'Voice') {
        outbound += g.n;
        if (isAnswered(g.result ?? '')) {
          connected += g.n;
          talkMs += g.talkMs;
        }
      }
    }
    const handled = answered + connected;
    rows.push({
      extensionId: user.id,
      extensionNumber: user.extensionNumber,
      name: user.name,
      offered,
      answered,
      missed: offered - answered,
      outbound,
      connected,
      handled,
      talk: seconds(talkMs),
      averageHandle: averageSeconds(talkMs, handled),
      transfersIn,
      transfersOut: transfersOut.get(user.id) ?? 0,
    });
  }
  return {
    report: 'agents',
    columns: [
      col('extensionNumber', 'Ext'),
      col('name', 'Name'),
      col('offered', 'Offered'),
      col('answered', 'Answered'),
      col('missed', 'Missed'),
      col('outbound', 'Outbound'),
      col('connected', 'Connected'),
      col('handled', 'Handled'),
      col('talk', 'Talk s'),
      col('averageHandle', 'AHT s'),
      col('transfersIn', 'Transfers in'),
      col('transfersOut', 'Transfers out'),
      col('extensionId', 'Extension id'),
    ],
    rows,
  };
}

/** The queues' inbound voice calls grouped by (entry, result), with `inSlaCount`. */
export function queuesReport(groups: readonly FactGroup[], ctx: ReportContext): ReportTable {
  const rows: ReportRow[] = [];
  for (const queue of ctx.queues) {
    let offered = 0;
    let answered = 0;
    let abandoned = 0;
    let voicemail = 0;
    let answerMs = 0;
    let inSla = 0;
    let abandonMs = 0;
    let talkMs = 0;
    for (const g of groups) {
      if (g.entry !== queue.id) continue;
      offered += g.n;
      if (isAnswered(g.result ?? '')) {
        answered += g.n;
        answerMs += g.answerMs;
        talkMs += g.talkMs;
        inSla += g.inSlaCount;
      } else if (g.result === 'Abandoned') {
        abandoned += g.n;
        abandonMs += g.durationMs;
      } else if (g.result === 'Voicemail') voicemail += g.n;
    }
    rows.push({
      extensionId: queue.id,
      extensionNumber: queue.extensionNumber,
      name: queue.name,
      offered,
      answered,
      abandoned,
      voicemail,
      missed: offered - answered - abandoned - voicemail,
      averageSpeedOfAnswer: averageSeconds(answerMs, answered),
      answeredInSla: inSla,
      serviceLevel: percent(inSla, offered),
      averageAbandonWait: averageSeconds(abandonMs, abandoned),
      talk: seconds(talkMs),
    });
  }
  return {
    report: 'queues',
    columns: [
      col('extensionNumber', 'Ext'),
      col('name', 'Queue'),
      col('offered', 'Offered'),
      col('answered', 'Answered'),
      col('abandoned', 'Abandoned'),
      col('voicemail', 'Voicemail'),
      col('missed', 'Missed'),
      col('averageSpeedOfAnswer', 'ASA s'),
      col('answeredInSla', `In ${ctx.slaSeconds} s`),
      col('serviceLevel', 'SL %'),
      col('averageAbandonWait', 'Abandon wait s'),
      col('talk', 'Talk s'),
      col('extensionId', 'Extension id'),
    ],
    rows,
  };
}

/** Per queue and answering member, from the queues' answered inbound voice calls grouped by (entry, agent). */
export function queueMembersReport(groups: readonly FactGroup[], ctx: ReportContext): ReportTable {
  const names = new Map(ctx.users.map((u) => [u.id, u]));
  const rows: ReportRow[] = [];
  for (const queue of ctx.queues) {
    const members = groups.filter((g) => g.entry === queue.id && g.agent !== null && g.agent !== undefined);
    const answered = members.reduce((sum, g) => sum + g.n, 0);
    const ordered = [...members].sort((x, y) => y.n - x.n || (x.agent! < y.agent! ? -1 : 1));
    for (const m of ordered) {
      const id = m.agent!;
      rows.push({
        queueId: queue.id,
        queue: queue.name,
        extensionId: id,
        extensionNumber: names.get(id)?.extensionNumber ?? null,
        name: names.get(id)?.name ?? null,
        answered: m.n,
        share: percent(m.n, answered),
        talk: seconds(m.talkMs),
      });
    }
  }
  return {
    report: 'queue-members',
    columns: [
      col('queue', 'Queue'),
      col('extensionNumber', 'Ext'),
      col('name', 'Member'),
      col('answered', 'Answered'),
      col('share', 'Share %'),
      col('talk', 'Talk s'),
      col('queueId', 'Queue id'),
      col('extensionId', 'Extension id'),
    ],
    rows,
  };
}

/**
 * `v` as a small integer where it is one: a figure read from a Float64Array is a double, and a row field holding
 * doubles boxes each value (a heap number per figure per row: most of the time of building 54,677 rows).
 */
const small = (v: number): number => (v === (v | 0) ? v | 0 : v);

/**
 * Per outside number: calls, faxes, direction, answered, talk and billable time (amount at a rate); most talk first,
 * then most calls, then the number's text. (Ranking the numbers with the typed arrays' numeric sort instead of a
 * comparator was slower: three sorts and two binary searches of 55,000 values took 30 ms against 26.)
 */
export function contactsReport(t: ContactTotals, ctx: ReportContext): ReportTable {
  const rate = ctx.billing.ratePerMinute;
  const { contact, calls, talkMs } = t;
  const n = contact.length;
  // Talk time (most first), then calls (most first), then the number.
  const order = rankOrder(talkMs, calls, contact);
  const rows = new Array<ReportRow>(n);
  for (let j = 0; j < n; j++) {
    const i = order[j];
    rows[j] = {
      contact: contact[i],
      calls: small(calls[i]),
      faxes: small(t.faxes[i]),
      inbound: small(t.inbound[i]),
      outbound: small(calls[i] - t.inbound[i]),
      answered: small(t.answered[i]),
      talk: seconds(talkMs[i]),
      billable: small(t.billable[i]),
      amount: rate === undefined ? null : billedAmount(t.billable[i], rate),
    };
  }
  const columns = [
    col('contact', 'Contact'),
    col('calls', 'Calls'),
    col('faxes', 'Faxes'),
    col('inbound', 'Inbound'),
    col('outbound', 'Outbound'),
    col('answered', 'Answered'),
    col('talk', 'Talk s'),
    col('billable', 'Billable s'),
  ];
  if (rate !== undefined) columns.push(col('amount', 'Amount'));
  return { report: 'contacts', columns, rows };
}
