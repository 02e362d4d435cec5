// RingCentral's Business Analytics API (aggregation/fetch and timeline/fetch) computed from the call log's report
// facts: request parsing and validation, grouping (Company, Users, Queues), call filters, counters and timers with
// their breakdowns, and paging. The store groups the records in SQL by every field a category is told by (and the
// local bucket when one is asked for); the categories, filters and aggregations are applied to those groups here.
// How each breakdown maps to call-log fields: docs/reports.md.

import { errors, isAnswered, type Account, type Extension } from '../domain/index.ts';
import type { AggregateQuery, FactDim, FactGroup, MsRange, Store } from '../store/index.ts';
import { DEFAULT_BUSINESS_HOURS, LocalClock, type Interval } from './local-time.ts';
import { normalizeNumber } from './reconcile.ts';
import { MAX_BUCKETS } from './report-definitions.ts';
import { reportLimit } from './report-limits.ts';

type Json = Record<string, unknown>;
/** Records that agree on every field a category or filter looks at, with their counts, sums and extremes. */
type Fact = FactGroup & { queueCall: boolean };

const GROUP_BY = [
  'Company',
  'CompanyNumbers',
  'Users',
  'Queues',
  'IVRs',
  'SharedLines',
  'UserGroups',
  'Sites',
  'Departments',
] as const;
const MEMBERS_GROUP_BY = ['Department', 'UserGroup', 'Queue', 'Site'] as const;
const AGGREGATION_TYPES = ['Sum', 'Average', 'Max', 'Min', 'Percent'] as const;
const INTERVAL_NAMES = ['Hour', 'Day', 'Week', 'Month'] as const;
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** Queue service level threshold for callsByQueueSla (RingCentral reads it from each queue's settings). */
export const ANALYTICS_SLA_SECONDS = 20;

/** A per-call value of a group's records: their sum, smallest and largest, ms. */
interface Span {
  sum: number;
  min: number;
  max: number;
}
const answered = (f: Fact) => isAnswered(f.result ?? '');
const zero: Span = { sum: 0, min: 0, max: 0 };
const durationSpan = (f: Fact): Span => ({ sum: f.durationMs, min: f.minDurationMs ?? 0, max: f.maxDurationMs ?? 0 });
const talkSpan = (f: Fact): Span => ({ sum: f.talkMs, min: f.minTalkMs ?? 0, max: f.maxTalkMs ?? 0 });
/** How long of a call the ringing covers: the answer offset, or all of an unanswered inbound voice call. */
const ringSpan = (f: Fact): Span =>
  answered(f)
    ? { sum: f.answerMs, min: f.minAnswerMs ?? 0, max: f.maxAnswerMs ?? 0 }
    : f.direction === 'Inbound' && f.type === 'Voice'
      ? durationSpan(f)
      : zero;

const never = () => false;
type Category = { test: (f: Fact) => boolean; ms?: (f: Fact) => Span };
type Breakdown = Record<string, Category>;

const inbound = (f: Fact) => f.direction === 'Inbound';
const inboundResult = (f: Fact) => inbound(f) && f.type === 'Voice' && f.result !== 'Blocked';
const rang = (f: Fact) => (answered(f) ? f.waited === true : inbound(f) && f.type === 'Voice' && f.lasted === true);

/** Each breakdown's categories, in the response's field order. */
function breakdowns(): Record<string, Breakdown> {
  const business = (f: Fact) => f.business === true;
  return {
    callsByDirection: { inbound: { test: inbound }, outbound: { test: (f) => !inbound(f) } },
    callsByOrigin: {
      internal: { test: (f) => !f.external },
      external: { test: (f) => f.external === true },
    },
    callsByResponse: {
      answered: { test: (f) => inbound(f) && answered(f) },
      notAnswered: { test: (f) => inbound(f) && !answered(f) },
      connected: { test: (f) => !inbound(f) && answered(f) },
      notConnected: { test: (f) => !inbound(f) && !answered(f) },
    },
    callsSegments: {
      ringing: { test: rang, ms: ringSpan },
      liveTalk: { test: (f) => f.talked === true, ms: talkSpan },
      hold: { test: never },
      park: { test: never },
      transfer: { test: never },
      ivrPrompt: { test: never },
      voicemail: { test: (f) => f.result === 'Voicemail', ms: () => zero },
      vmGreeting: { test: never },
      setup: { test: never },
    },
    callsByResult: {
      completed: { test: (f) => !inbound(f) && answered(f) },
      abandoned: { test: (f) => inboundResult(f) && f.result === 'Abandoned' },
      voicemail: { test: (f) => inboundResult(f) && f.result === 'Voicemail' },
      missed: {
        test: (f) => inboundResult(f) && !answered(f) && f.result !== 'Abandoned' && f.result !== 'Voicemail',
      },
      accepted: { test: (f) => inbound(f) && answered(f) },
      unknown: {
        test: (f) => (inbound(f) ? !inboundResult(f) && !answered(f) : !answered(f)),
      },
    },
    callsByCompanyHours: { businessHours: { test: business }, afterHours: { test: (f) => !business(f) } },
    callsByQueueSla: {
      inSla: { test: (f) => f.inSla === true },
      outOfSla: { test: (f) => !f.inSla },
    },
    callsByType: {
      direct: { test: (f) => inbound(f) && f.action !== 'Transfer' && !f.queueCall },
      fromQueue: { test: (f) => inbound(f) && f.action !== 'Transfer' && f.queueCall },
      parkRetrieval: { test: never },
      transferred: { test: (f) => inbound(f) && f.action === 'Transfer' },
      outbound: { test: (f) => !inbound(f) },
    },
    callsActions: {
      parkOn: { test: never },
      parkOff: { test: never },
      holdOn: { test: never },
      holdOff: { test: never },
      blindTransfer: { test: (f) => f.transferred === true },
      warmTransfer: { test: never },
      dtmfTransfer: { test: never },
    },
  };
}

/** Request option names → response field and breakdown (null = allCalls). */
const COUNTERS: Record<string, string> = {
  allCalls: 'allCalls',
  callsByDirection: 'callsByDirection',
  callsByOrigin: 'callsByOrigin',
  callsByResponse: 'callsByResponse',
  callsSegments: 'callsSegments',
  callsByResult: 'callsByResult',
  callsByCompanyHours: 'callsByCompanyHours',
  callsByQueueSla: 'callsByQueueSla',
  callsByActions: 'callsActions',
  callsByType: 'callsByType',
};
const TIMERS: Record<string, string> = {
  allCallsDuration: 'allCalls',
  callsDurationByDirection: 'callsByDirection',
  callsDurationByOrigin: 'callsByOrigin',
  callsDurationByResponse: 'callsByResponse',
  callsSegmentsDuration: 'callsSegments',
  callsDurationByResult: 'callsByResult',
  callsDurationByCompanyHours: 'callsByCompanyHours',
  callsDurationByQueueSla: 'callsByQueueSla',
  callsDurationByType: 'callsByType',
};

// ---- request parsing ------------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(v: unknown, name: string, required = true): Json | undefined {
  if (v === undefined && !required) return undefined;
  if (!isObject(v)) throw errors.invalidParameter(name);
  return v;
}

function enumOf<T extends string>(v: unknown, allowed: readonly T[], name: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw errors.invalidParameter(name, typeof v === 'string' ? v : undefined);
  }
  return v as T;
}

function list<T extends string>(v: unknown, name: string, allowed?: readonly T[]): T[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw errors.invalidParameter(name);
  if (allowed) for (const x of v) enumOf(x, allowed, name);
  return v as T[];
}

function range(v: unknown, name: string): { min?: number; max?: number } | undefined {
  const o = obj(v, name, false);
  if (!o) return undefined;
  const num = (x: unknown, n: string) => {
    if (x === undefined) return undefined;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) throw errors.invalidParameter(n);
    return x;
  };
  return { min: num(o.minSeconds, `${name}.minSeconds`), max: num(o.maxSeconds, `${name}.maxSeconds`) };
}

function time(v: unknown, name: string): number {
  const t = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(t)) throw errors.invalidParameter(name, typeof v === 'string' ? v : undefined);
  return t;
}

function hhmm(v: unknown, name: string): number {
  const m = typeof v === 'string' ? /^(\d{2}):(\d{2})$/.exec(v) : null;
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) throw errors.invalidParameter(name);
  return Number(m[1]) * 60 + Number(m[2]);
}

interface Aggregation {
  type: (typeof AGGREGATION_TYPES)[number];
  interval?: Interval;
}

export interface AnalyticsRequest {
  groupBy: (typeof GROUP_BY)[number] | null;
  membersOf: (typeof MEMBERS_GROUP_BY)[number] | null;
  keys?: string[];
  clock: LocalClock;
  from: number;
  /** Inclusive. */
  to: number;
  includeDays?: number[];
  includeHours?: { from: number; to: number }[];
  filters: Json;
  counters: Map<string, Aggregation>;
  timers: Map<string, Aggregation>;
}

function aggregations(v: unknown, names: Record<string, string>, name: string, timeline: boolean) {
  const out = new Map<string, Aggregation>();
  const o = obj(v, name, false);
  if (!o) return out;
  for (const [key, option] of Object.entries(o)) {
    if (!(key in names)) throw errors.invalidParameter(`${name}.${key}`);
    if (timeline) {
      if (typeof option !== 'boolean') throw errors.invalidParameter(`${name}.${key}`);
      if (option) out.set(key, { type: 'Sum' });
      continue;
    }
    const a = obj(option, `${name}.${key}`)!;
    const type = enumOf(a.aggregationType, AGGREGATION_TYPES, `${name}.${key}.aggregationType`);
    const interval =
      a.aggregationInterval === undefined
        ? undefined
        : (enumOf(
            a.aggregationInterval,
            INTERVAL_NAMES,
            `${name}.${key}.aggregationInterval`,
          ).toLowerCase() as Interval);
    out.set(key, { type, interval });
  }
  return out;
}

/** Validates an aggregation or timeline request body (RingCentral's AggregationRequest / TimelineRequest). */
export function parseAnalyticsRequest(body: unknown, timeline: boolean): AnalyticsRequest {
  const b = obj(body, 'body')!;
  const grouping = obj(b.grouping, 'grouping')!;
  let groupBy: AnalyticsRequest['groupBy'] = null;
  let membersOf: AnalyticsRequest['membersOf'] = null;
  if (grouping.groupBy !== undefined) groupBy = enumOf(grouping.groupBy, GROUP_BY, 'grouping.groupBy');
  else membersOf = enumOf(grouping.groupByMembers, MEMBERS_GROUP_BY, 'grouping.groupByMembers');
  const keys = list<string>(grouping.keys, 'grouping.keys');
  const ts = obj(b.timeSettings, 'timeSettings')!;
  if (typeof ts.timeZone !== 'string') throw errors.invalidParameter('timeSettings.timeZone');
  const clock = new LocalClock(ts.timeZone);
  const tr = obj(ts.timeRange, 'timeSettings.timeRange')!;
  const from = time(tr.timeFrom, 'timeSettings.timeRange.timeFrom');
  const to = time(tr.timeTo, 'timeSettings.timeRange.timeTo');
  if (to < from) throw errors.invalidParameter('timeSettings.timeRange.timeTo', String(tr.timeTo));
  const adv = obj(ts.advancedTimeSettings, 'timeSettings.advancedTimeSettings', false);
  const includeDays = list(adv?.includeDays, 'includeDays', DAYS)?.map((d) => DAYS.indexOf(d));
  let includeHours: { from: number; to: number }[] | undefined;
  if (adv?.includeHours !== undefined) {
    if (!Array.isArray(adv.includeHours)) throw errors.invalidParameter('includeHours');
    includeHours = adv.includeHours.map((h: unknown) => {
      const o = obj(h, 'includeHours')!;
      return { from: hhmm(o.from, 'includeHours.from'), to: hhmm(o.to, 'includeHours.to') };
    });
  }
  const filters = obj(b.callFilters, 'callFilters', false) ?? {};
  const options = obj(b.responseOptions, 'responseOptions')!;
  return {
    groupBy,
    membersOf,
    keys,
    clock,
    from,
    to,
    includeDays,
    includeHours,
    filters,
    counters: aggregations(options.counters, COUNTERS, 'responseOptions.counters', timeline),
    timers: aggregations(options.timers, TIMERS, 'responseOptions.timers', timeline),
  };
}

// ---- filters --------------------------------------------------------------------------------------------------

const RESULT_NAMES = ['Completed', 'Abandoned', 'Voicemail', 'Unknown', 'Missed', 'Accepted'] as const;
const RESPONSE_NAMES = ['Answered', 'NotAnswered', 'Connected', 'NotConnected'] as const;
const TYPE_NAMES = ['Direct', 'FromQueue', 'ParkRetrieval', 'Transferred', 'Outbound'] as const;
const ACTION_NAMES = [
  'HoldOff',
  'HoldOn',
  'ParkOn',
  'ParkOff',
  'BlindTransfer',
  'WarmTransfer',
  'DTMFTransfer',
] as const;
const SEGMENT_NAMES = [
  'Ringing',
  'LiveTalk',
  'Hold',
  'Park',
  'Transfer',
  'IvrPrompt',
  'Voicemail',
  'VmGreeting',
  'Setup',
];
const lowerFirst = (s: string) => `${s[0].toLowerCase()}${s.slice(1)}`;

/**
 * The call filters: what the store filters in SQL (queues, called numbers, owners, per-call lengths, days and hours)
 * and one predicate over the grouped records for the category filters (every listed filter must hold; a list
 * matches any of its values).
 */
function callFilter(
  req: AnalyticsRequest,
  b: Record<string, Breakdown>,
): { where: Partial<AggregateQuery>; test: (f: Fact) => boolean } {
  const f = req.filters;
  const tests: ((x: Fact) => boolean)[] = [];
  const ranges: (MsRange & { value: 'duration' | 'talk' | 'ring' })[] = [];
  const where: Partial<AggregateQuery> = { ranges };
  const anyOf = (names: string[] | undefined, breakdown: Breakdown, rename: (s: string) => string = lowerFirst) => {
    if (names) tests.push((x) => names.some((n) => breakdown[rename(n)]?.test(x) ?? false));
  };
  const directions = list(f.directions, 'callFilters.directions', ['Inbound', 'Outbound'] as const);
  anyOf(directions, b.callsByDirection);
  anyOf(list(f.origins, 'callFilters.origins', ['Internal', 'External'] as const), b.callsByOrigin);
  anyOf(list(f.callResponses, 'callFilters.callResponses', RESPONSE_NAMES), b.callsByResponse);
  anyOf(list(f.callResults, 'callFilters.callResults', RESULT_NAMES), b.callsByResult);
  anyOf(
    list(f.companyHours, 'callFilters.companyHours', ['BusinessHours', 'AfterHours'] as const),
    b.callsByCompanyHours,
  );
  anyOf(list(f.queueSla, 'callFilters.queueSla', ['InSla', 'OutSla'] as const), b.callsByQueueSla, (s) =>
    s === 'OutSla' ? 'outOfSla' : 'inSla',
  );
  anyOf(list(f.callTypes, 'callFilters.callTypes', TYPE_NAMES), b.callsByType);
  anyOf(list(f.callActions, 'callFilters.callActions', ACTION_NAMES), b.callsActions, (s) =>
    s === 'DTMFTransfer' ? 'dtmfTransfer' : lowerFirst(s),
  );
  const queues = list<string>(f.queues, 'callFilters.queues');
  if (queues) where.entryIds = queues;
  const called = list<string>(f.calledNumbers, 'callFilters.calledNumbers')?.map((n) => normalizeNumber(n, '1'));
  if (called) where.toDigits = called.filter((n): n is string => n !== null);
  const within = (r: { min?: number; max?: number } | undefined, value: 'duration' | 'talk' | 'ring') => {
    if (r) {
      ranges.push({
        value,
        ...(r.min === undefined ? {} : { min: r.min * 1000 }),
        ...(r.max === undefined ? {} : { max: r.max * 1000 }),
      });
    }
  };
  within(range(f.callDuration, 'callFilters.callDuration'), 'duration');
  within(range(f.timeSpent, 'callFilters.timeSpent'), 'talk');
  if (f.extensionFilters !== undefined) {
    const e = obj(f.extensionFilters, 'callFilters.extensionFilters')!;
    const fromIds = list<string>(e.fromIds, 'callFilters.extensionFilters.fromIds');
    const toIds = list<string>(e.toIds, 'callFilters.extensionFilters.toIds');
    // The extension on the caller's side of an outbound call, or the one reached by an inbound call.
    if (fromIds) where.fromOwners = fromIds;
    if (toIds) where.toOwners = toIds;
  }
  if (f.callSegments !== undefined) {
    if (!Array.isArray(f.callSegments)) throw errors.invalidParameter('callFilters.callSegments');
    for (const s of f.callSegments as unknown[]) {
      const o = obj(s, 'callFilters.callSegments')!;
      const name = lowerFirst(enumOf(o.segment, SEGMENT_NAMES, 'callFilters.callSegments.segment'));
      const category = b.callsSegments[name];
      const r = range(o.length, 'callFilters.callSegments.length');
      tests.push(category.test);
      if (name === 'ringing') within(r, 'ring');
      else if (name === 'liveTalk') within(r, 'talk');
      // The other segments last 0 s as far as the call log tells.
      else if (r?.min !== undefined && r.min > 0) tests.push(never);
    }
  }
  if (req.includeDays) where.weekdays = req.includeDays;
  if (req.includeHours) where.minutes = req.includeHours;
  return { where, test: (x) => tests.every((t) => t(x)) };
}

// ---- computing ------------------------------------------------------------------------------------------------

interface Group {
  key: string;
  info?: { extensionNumber?: string; name?: string };
  facts: Fact[];
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The finest local bucket the request needs (timeline points, per-interval aggregations), if any. */
function finestInterval(req: AnalyticsRequest, timeline: Interval | undefined): 'hour' | 'day' | undefined {
  const wanted = new Set<Interval>(timeline ? [timeline] : []);
  for (const a of req.counters.values()) if (a.type !== 'Sum' && a.type !== 'Percent') wanted.add(a.interval ?? 'day');
  for (const a of req.timers.values())
    if (a.interval && a.type !== 'Sum' && a.type !== 'Percent') wanted.add(a.interval);
  if (!wanted.size) return undefined;
  return wanted.has('hour') ? 'hour' : 'day';
}

/** The wall-clock starts of the request's buckets of `interval` (its range is inclusive), at most MAX_BUCKETS. */
function intervalStarts(req: AnalyticsRequest, interval: Interval): number[] {
  const { clock } = req;
  const out: number[] = [];
  for (
    let w = clock.bucketWall(req.from, interval);
    clock.instant(w) <= req.to;
    w = clock.nextBucketWall(w, interval)
  ) {
    out.push(w);
    if (out.length > MAX_BUCKETS) {
      throw reportLimit('interval', `at most ${MAX_BUCKETS.toLocaleString('en-US')} intervals in timeRange; narrow it`);
    }
  }
  return out;
}

/**
 * Has the store group the request's records by every field the categories look at (and the local bucket when the
 * request needs one), filtered; splits the groups into the request's groups (all keys, also those without calls).
 */
async function grouped(
  store: Store,
  account: Account,
  req: AnalyticsRequest,
  self: Extension | null,
  timeline?: Interval,
) {
  const extensions = await store.listExtensions(account.id);
  const queueIds = extensions.filter((e) => e.type === 'Department').map((e) => e.id);
  const b = breakdowns();
  const filter = callFilter(req, b);
  const keyed = (e: Extension): Group => ({
    key: e.id,
    info: { extensionNumber: e.extensionNumber, name: e.name },
    facts: [],
  });
  let groups: Group[] = [];
  let groupOf: (f: Fact) => Group | undefined = () => undefined;
  const dims: FactDim[] = [
    'direction',
    'type',
    'result',
    'action',
    'transferred',
    'external',
    'inSla',
    'talked',
    'waited',
    'lasted',
    'business',
  ];
  let queueGrouping = false;
  if (req.groupBy === 'Company') {
    groups = [{ key: account.id, info: { name: account.name }, facts: [] }];
    groupOf = () => groups[0];
  } else if (req.groupBy === 'Users') {
    groups = extensions.filter((e) => e.type === 'User').map(keyed);
    if (self) groups = groups.filter((g) => g.key === self.id);
    const byId = new Map(groups.map((g) => [g.key, g]));
    groupOf = (f) => byId.get(f.log ?? '');
  } else if (req.groupBy === 'Queues' || req.membersOf === 'Queue') {
    groups = extensions.filter((e) => e.type === 'Department').map(keyed);
    const byId = new Map(groups.map((g) => [g.key, g]));
    groupOf = (f) => (f.entry ? byId.get(f.entry) : undefined);
    queueGrouping = true;
  }
  if (req.keys) {
    const wanted = new Set(req.keys);
    groups = groups.filter((g) => wanted.has(g.key));
  }
  if (self && req.groupBy !== 'Users') groups = [];
  if (!groups.length) return { groups, b };
  const logs = req.groupBy === 'Users' ? groups.map((g) => g.key) : [null];
  const query: AggregateQuery = {
    accountId: account.id,
    logs,
    dateFrom: req.from,
    dateTo: req.to,
    ...filter.where,
    queueIds,
    slaMs: ANALYTICS_SLA_SECONDS * 1000,
    businessHours: DEFAULT_BUSINESS_HOURS,
    extremes: true,
    by: [...dims, req.groupBy === 'Users' ? 'log' : queueGrouping ? 'entry' : 'queued'],
  };
  if (queueGrouping) {
    const only = groups.map((g) => g.key);
    query.entryIds = query.entryIds ? query.entryIds.filter((id) => only.includes(id)) : only;
  }
  const interval = finestInterval(req, timeline);
  if (interval) query.by = [...(query.by ?? []), 'bucket'];
  const bounds = await store.reports.bounds(query);
  if (bounds) {
    query.zone = req.clock.segments(Math.max(req.from, bounds.first), Math.min(req.to, bounds.last) + 1);
    if (interval) query.buckets = interval;
  }
  const queues = new Set(queueIds);
  for (const row of await store.reports.aggregate(query)) {
    const f = row as Fact;
    f.queueCall = queueGrouping ? f.entry !== null && f.entry !== undefined && queues.has(f.entry) : f.queued === true;
    if (!filter.test(f)) continue;
    groupOf(f)?.facts.push(f);
  }
  return { groups, b };
}

/** Per-interval sums of `value` over the request's range (every interval present, zeros included). */
function perInterval(req: AnalyticsRequest, interval: Interval, facts: Fact[], value: (f: Fact) => number): number[] {
  const sums = new Map<number, number>(intervalStarts(req, interval).map((w) => [w, 0]));
  for (const f of facts) {
    const w = LocalClock.floorWall(f.bucket ?? 0, interval);
    sums.set(w, (sums.get(w) ?? 0) + value(f));
  }
  return [...sums.values()];
}

/** One counter or timer value of a category (groups already limited to it) under an aggregation. */
function aggregate(
  req: AnalyticsRequest,
  a: Aggregation,
  facts: Fact[],
  all: Fact[],
  timer: boolean,
  ms: (f: Fact) => Span,
): number {
  // Counters count records; timers add milliseconds (shown in seconds).
  const measure = timer ? (f: Fact) => ms(f).sum : (f: Fact) => f.n;
  const unit = timer ? 1000 : 1;
  const total = (list: Fact[], of: (f: Fact) => number) => list.reduce((s, f) => s + of(f), 0);
  if (a.type === 'Percent') {
    const part = total(facts, measure);
    const whole = total(all, (f) => (timer ? f.durationMs : f.n));
    return whole === 0 ? 0 : round((part / whole) * 100, 2);
  }
  if (a.type === 'Sum') return round(total(facts, measure) / unit, 3);
  if (a.interval || !timer) {
    const values = perInterval(req, a.interval ?? 'day', facts, measure).map((v) => v / unit);
    if (!values.length) return 0;
    if (a.type === 'Min') return round(Math.min(...values), 3);
    if (a.type === 'Max') return round(Math.max(...values), 3);
    return round(values.reduce((s, v) => s + v, 0) / values.length, 3);
  }
  // A timer per call.
  const calls = total(facts, (f) => f.n);
  if (!calls) return 0;
  if (a.type === 'Min') return round(Math.min(...facts.map((f) => ms(f).min)) / 1000, 3);
  if (a.type === 'Max') return round(Math.max(...facts.map((f) => ms(f).max)) / 1000, 3);
  return round(total(facts, measure) / 1000 / calls, 3);
}

function valueType(a: Aggregation, timer: boolean): string {
  if (a.type === 'Percent') return 'Percent';
  return timer ? 'Seconds' : 'Instances';
}

function measures(
  req: AnalyticsRequest,
  options: Map<string, Aggregation>,
  names: Record<string, string>,
  b: Record<string, Breakdown>,
  facts: Fact[],
  timer: boolean,
  queues: boolean,
): Json | undefined {
  if (!options.size) return undefined;
  const out: Json = {};
  for (const [option, a] of options) {
    const field = names[option];
    if (field === 'callsByQueueSla' && !queues) continue;
    if (field === 'allCalls') {
      out.allCalls = {
        valueType: valueType(a, timer),
        values: aggregate(req, a, facts, facts, timer, durationSpan),
      };
      continue;
    }
    const values: Json = {};
    for (const [name, category] of Object.entries(b[field])) {
      const ms = category.ms ?? durationSpan;
      values[name] = aggregate(req, a, facts.filter(category.test), facts, timer, ms);
    }
    out[field] = { valueType: valueType(a, timer), values };
  }
  return out;
}

export interface Paging {
  page: number;
  perPage: number;
}

function paged<T>(items: T[], p: Paging) {
  const start = (p.page - 1) * p.perPage;
  return {
    items: items.slice(start, start + p.perPage),
    paging: {
      page: p.page,
      perPage: p.perPage,
      totalPages: Math.ceil(items.length / p.perPage),
      totalElements: items.length,
    },
  };
}

/** The groups' response key: RingCentral names Queue members grouping by its direct counterpart. */
const groupedBy = (req: AnalyticsRequest) => req.groupBy ?? (req.membersOf === 'Queue' ? 'Queues' : 'Departments');

/** aggregation/fetch: `self` limits a non-admin caller to their own extension (Users grouping only). */
export async function analyticsAggregation(
  store: Store,
  account: Account,
  req: AnalyticsRequest,
  paging: Paging,
  self: Extension | null = null,
): Promise<Json> {
  const { groups, b } = await grouped(store, account, req, self);
  const queues = groupedBy(req) === 'Queues';
  const { items, paging: page } = paged(groups, paging);
  const records = items.map((g) => {
    const record: Json = { key: g.key };
    if (g.info) record.info = g.info;
    const timers = measures(req, req.timers, TIMERS, b, g.facts, true, queues);
    const counters = measures(req, req.counters, COUNTERS, b, g.facts, false, queues);
    if (timers) record.timers = timers;
    if (counters) record.counters = counters;
    return record;
  });
  return { paging: page, data: { groupedBy: groupedBy(req), records } };
}

/** timeline/fetch: per interval of the range, the counters and timers asked for (sums). */
export async function analyticsTimeline(
  store: Store,
  account: Account,
  req: AnalyticsRequest,
  interval: Interval,
  paging: Paging,
  self: Extension | null = null,
): Promise<Json> {
  const { groups, b } = await grouped(store, account, req, self, interval);
  const queues = groupedBy(req) === 'Queues';
  const { clock } = req;
  const { items, paging: page } = paged(groups, paging);
  const records = items.map((g) => {
    const buckets = new Map<number, Fact[]>(intervalStarts(req, interval).map((w) => [w, []]));
    for (const f of g.facts) buckets.get(LocalClock.floorWall(f.bucket ?? 0, interval))?.push(f);
    const points = [...buckets].map(([w, facts]) => {
      const point: Json = { time: new Date(clock.instant(w)).toISOString() };
      const timers = measures(req, req.timers, TIMERS, b, facts, true, queues);
      const counters = measures(req, req.counters, COUNTERS, b, facts, false, queues);
      if (timers) point.timers = timers;
      if (counters) point.counters = counters;
      return point;
    });
    const record: Json = { key: g.key };
    if (g.info) record.info = g.info;
    record.points = points;
    return record;
  });
  return { paging: page, data: { groupedBy: groupedBy(req), records } };
}

/** The `interval` query parameter of timeline/fetch. */
export function parseInterval(v: unknown): Interval {
  return enumOf(v, INTERVAL_NAMES, 'interval').toLowerCase() as Interval;
}
