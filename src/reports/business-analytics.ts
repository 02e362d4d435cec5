// RingCentral's Business Analytics API (aggregation/fetch and timeline/fetch) computed from the call log's report
// facts: request parsing and validation, grouping (Company, Users, Queues), call filters, counters and timers with
// their breakdowns, and paging. How each breakdown maps to call-log fields: docs/reports.md.

import { errors, isAnswered, type Account, type Extension } from '../domain/index.ts';
import type { FactRow, Store } from '../store/index.ts';
import { DEFAULT_BUSINESS_HOURS, LocalClock, type Interval } from './local-time.ts';
import { normalizeNumber } from './reconcile.ts';

type Json = Record<string, unknown>;
type Fact = FactRow & { queueCall: boolean };

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

/** How long of a call a segment covers, ms (0 = the call has no such segment, as far as the call log shows). */
const ringMs = (f: Fact) =>
  isAnswered(f.result) ? (f.answerMs ?? 0) : f.direction === 'Inbound' && f.type === 'Voice' ? f.durationMs : 0;

const never = () => false;
type Category = { test: (f: Fact) => boolean; ms?: (f: Fact) => number };
type Breakdown = Record<string, Category>;

const inbound = (f: Fact) => f.direction === 'Inbound';
const inboundResult = (f: Fact) => inbound(f) && f.type === 'Voice' && f.result !== 'Blocked';

/** Each breakdown's categories, in the response's field order. */
function breakdowns(clock: LocalClock, slaMs: number): Record<string, Breakdown> {
  const business = (f: Fact) => clock.isBusinessTime(f.startTime, DEFAULT_BUSINESS_HOURS);
  return {
    callsByDirection: { inbound: { test: inbound }, outbound: { test: (f) => !inbound(f) } },
    callsByOrigin: {
      internal: { test: (f) => f.contactDigits === null },
      external: { test: (f) => f.contactDigits !== null },
    },
    callsByResponse: {
      answered: { test: (f) => inbound(f) && isAnswered(f.result) },
      notAnswered: { test: (f) => inbound(f) && !isAnswered(f.result) },
      connected: { test: (f) => !inbound(f) && isAnswered(f.result) },
      notConnected: { test: (f) => !inbound(f) && !isAnswered(f.result) },
    },
    callsSegments: {
      ringing: { test: (f) => ringMs(f) > 0, ms: ringMs },
      liveTalk: { test: (f) => f.talkMs > 0, ms: (f) => f.talkMs },
      hold: { test: never },
      park: { test: never },
      transfer: { test: never },
      ivrPrompt: { test: never },
      voicemail: { test: (f) => f.result === 'Voicemail', ms: () => 0 },
      vmGreeting: { test: never },
      setup: { test: never },
    },
    callsByResult: {
      completed: { test: (f) => !inbound(f) && isAnswered(f.result) },
      abandoned: { test: (f) => inboundResult(f) && f.result === 'Abandoned' },
      voicemail: { test: (f) => inboundResult(f) && f.result === 'Voicemail' },
      missed: {
        test: (f) => inboundResult(f) && !isAnswered(f.result) && f.result !== 'Abandoned' && f.result !== 'Voicemail',
      },
      accepted: { test: (f) => inbound(f) && isAnswered(f.result) },
      unknown: {
        test: (f) => (inbound(f) ? !inboundResult(f) && !isAnswered(f.result) : !isAnswered(f.result)),
      },
    },
    callsByCompanyHours: { businessHours: { test: business }, afterHours: { test: (f) => !business(f) } },
    callsByQueueSla: {
      inSla: { test: (f) => isAnswered(f.result) && (f.answerMs ?? 0) <= slaMs },
      outOfSla: { test: (f) => !(isAnswered(f.result) && (f.answerMs ?? 0) <= slaMs) },
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
      blindTransfer: { test: (f) => f.transferred },
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

/** The call filters as one predicate (every listed filter must hold; a list matches any of its values). */
function callFilter(req: AnalyticsRequest, b: Record<string, Breakdown>): (f: Fact) => boolean {
  const f = req.filters;
  const tests: ((x: Fact) => boolean)[] = [];
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
  if (queues) tests.push((x) => x.entryId !== null && queues.includes(x.entryId));
  const called = list<string>(f.calledNumbers, 'callFilters.calledNumbers')?.map((n) => normalizeNumber(n, '1'));
  if (called) tests.push((x) => x.toDigits !== null && called.includes(x.toDigits));
  const within = (r: { min?: number; max?: number } | undefined, ms: (x: Fact) => number) => {
    if (r)
      tests.push(
        (x) => (r.min === undefined || ms(x) >= r.min * 1000) && (r.max === undefined || ms(x) <= r.max * 1000),
      );
  };
  within(range(f.callDuration, 'callFilters.callDuration'), (x) => x.durationMs);
  within(range(f.timeSpent, 'callFilters.timeSpent'), (x) => x.talkMs);
  if (f.extensionFilters !== undefined) {
    const e = obj(f.extensionFilters, 'callFilters.extensionFilters')!;
    const fromIds = list<string>(e.fromIds, 'callFilters.extensionFilters.fromIds');
    const toIds = list<string>(e.toIds, 'callFilters.extensionFilters.toIds');
    // The extension on the caller's side of an outbound call, or the one reached by an inbound call.
    if (fromIds) tests.push((x) => !inbound(x) && x.ownerId !== null && fromIds.includes(x.ownerId));
    if (toIds) tests.push((x) => inbound(x) && x.ownerId !== null && toIds.includes(x.ownerId));
  }
  if (f.callSegments !== undefined) {
    if (!Array.isArray(f.callSegments)) throw errors.invalidParameter('callFilters.callSegments');
    for (const s of f.callSegments as unknown[]) {
      const o = obj(s, 'callFilters.callSegments')!;
      const category =
        b.callsSegments[lowerFirst(enumOf(o.segment, SEGMENT_NAMES, 'callFilters.callSegments.segment'))];
      const r = range(o.length, 'callFilters.callSegments.length');
      tests.push(
        (x) =>
          category.test(x) &&
          (r === undefined ||
            ((r.min === undefined || (category.ms?.(x) ?? 0) >= r.min * 1000) &&
              (r.max === undefined || (category.ms?.(x) ?? 0) <= r.max * 1000))),
      );
    }
  }
  if (req.includeDays) {
    const days = req.includeDays;
    tests.push((x) => days.includes(req.clock.weekday(x.startTime)));
  }
  if (req.includeHours) {
    const hours = req.includeHours;
    tests.push((x) => {
      const m = req.clock.minuteOfDay(x.startTime);
      return hours.some((h) => m >= h.from && m < h.to);
    });
  }
  return (x) => tests.every((t) => t(x));
}

// ---- computing ------------------------------------------------------------------------------------------------

interface Group {
  key: string;
  info?: { extensionNumber?: string; name?: string };
  facts: Fact[];
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Reads and filters the facts and splits them into the request's groups (all keys, also those without calls). */
async function grouped(store: Store, account: Account, req: AnalyticsRequest, self: Extension | null) {
  const extensions = await store.listExtensions(account.id);
  const queueIds = new Set(extensions.filter((e) => e.type === 'Department').map((e) => e.id));
  const b = breakdowns(req.clock, ANALYTICS_SLA_SECONDS * 1000);
  const keep = callFilter(req, b);
  const keyed = (e: Extension): Group => ({
    key: e.id,
    info: { extensionNumber: e.extensionNumber, name: e.name },
    facts: [],
  });
  let groups: Group[] = [];
  let logs: (string | null)[] = [null];
  let groupOf: (f: Fact) => Group | undefined = () => undefined;
  if (req.groupBy === 'Company') {
    groups = [{ key: account.id, info: { name: account.name }, facts: [] }];
    groupOf = () => groups[0];
  } else if (req.groupBy === 'Users') {
    groups = extensions.filter((e) => e.type === 'User').map(keyed);
    if (self) groups = groups.filter((g) => g.key === self.id);
    logs = groups.map((g) => g.key);
    const byId = new Map(groups.map((g) => [g.key, g]));
    groupOf = (f) => byId.get(f.log);
  } else if (req.groupBy === 'Queues' || req.membersOf === 'Queue') {
    groups = extensions.filter((e) => e.type === 'Department').map(keyed);
    const byId = new Map(groups.map((g) => [g.key, g]));
    groupOf = (f) => (f.entryId === null ? undefined : byId.get(f.entryId));
  }
  if (req.keys) {
    const wanted = new Set(req.keys);
    groups = groups.filter((g) => wanted.has(g.key));
  }
  if (self && req.groupBy !== 'Users') groups = [];
  if (!groups.length) return { groups, b, queueIds };
  if (req.groupBy === 'Users') logs = groups.map((g) => g.key);
  const facts = await store.reports.facts({ accountId: account.id, logs, dateFrom: req.from, dateTo: req.to });
  for (const row of facts) {
    const f = row as Fact;
    f.queueCall = f.entryId !== null && queueIds.has(f.entryId);
    if (!keep(f)) continue;
    groupOf(f)?.facts.push(f);
  }
  return { groups, b, queueIds };
}

/** Per-interval sums of `value` over the request's range (every interval present, zeros included). */
function perInterval(req: AnalyticsRequest, interval: Interval, facts: Fact[], value: (f: Fact) => number): number[] {
  const { clock } = req;
  const sums = new Map<number, number>();
  for (
    let w = clock.bucketWall(req.from, interval);
    clock.instant(w) <= req.to;
    w = clock.nextBucketWall(w, interval)
  ) {
    sums.set(w, 0);
  }
  for (const f of facts) {
    const w = clock.bucketWall(f.startTime, interval);
    sums.set(w, (sums.get(w) ?? 0) + value(f));
  }
  return [...sums.values()];
}

/** One counter or timer value of a category (facts already limited to it) under an aggregation. */
function aggregate(
  req: AnalyticsRequest,
  a: Aggregation,
  facts: Fact[],
  all: Fact[],
  timer: boolean,
  ms: (f: Fact) => number,
): number {
  const measure = timer ? (f: Fact) => ms(f) / 1000 : () => 1;
  if (a.type === 'Percent') {
    const part = facts.reduce((s, f) => s + measure(f), 0);
    const whole = all.reduce((s, f) => s + (timer ? f.durationMs / 1000 : 1), 0);
    return whole === 0 ? 0 : round((part / whole) * 100, 2);
  }
  if (a.type === 'Sum')
    return round(
      facts.reduce((s, f) => s + measure(f), 0),
      3,
    );
  let values: number[];
  if (a.interval || !timer) values = perInterval(req, a.interval ?? 'day', facts, measure);
  else values = facts.map(measure);
  if (!values.length) return 0;
  if (a.type === 'Min') return round(Math.min(...values), 3);
  if (a.type === 'Max') return round(Math.max(...values), 3);
  return round(values.reduce((s, v) => s + v, 0) / values.length, 3);
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
        values: aggregate(req, a, facts, facts, timer, (f) => f.durationMs),
      };
      continue;
    }
    const values: Json = {};
    for (const [name, category] of Object.entries(b[field])) {
      const ms = category.ms ?? ((f: Fact) => f.durationMs);
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
  const { groups, b } = await grouped(store, account, req, self);
  const queues = groupedBy(req) === 'Queues';
  const { clock } = req;
  const { items, paging: page } = paged(groups, paging);
  const records = items.map((g) => {
    const buckets = new Map<number, Fact[]>();
    for (
      let w = clock.bucketWall(req.from, interval);
      clock.instant(w) <= req.to;
      w = clock.nextBucketWall(w, interval)
    ) {
      buckets.set(w, []);
    }
    for (const f of g.facts) buckets.get(clock.bucketWall(f.startTime, interval))?.push(f);
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
