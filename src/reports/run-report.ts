// One entry point for every report, whoever asks (CLI, our HTTP API, dashboards): parses the parameters, decides
// which logs to read, has the store count, sum and rank the records' report facts in SQL, and shapes the rows.

import {
  ANSWERED_RESULTS,
  CALL_TYPES,
  DIRECTIONS,
  errors,
  parseDateTime,
  type CallType,
  type Direction,
  type Extension,
} from '../domain/index.ts';
import type { AggregateQuery, FactDim, Store } from '../store/index.ts';
import {
  DEFAULT_BUSINESS_HOURS,
  INTERVALS,
  LocalClock,
  parseBusinessHours,
  type BusinessHours,
  type Interval,
} from './local-time.ts';
import {
  agentsReport,
  bucketStarts,
  contactsReport,
  DURATION_PERCENTILES,
  durationsReport,
  GROUPINGS,
  MAX_BUCKETS,
  outcomesReport,
  queueMembersReport,
  queuesReport,
  volumeReport,
  type ReportContext,
  type ReportRow,
  type ReportTable,
} from './report-definitions.ts';
import { reportLimit } from './report-limits.ts';
import { DEFAULT_BILLING, ROUNDINGS, type BillingRule, type Rounding } from './report-math.ts';
import { DEFAULT_RECONCILE_RULES, normalizeNumber, type ExternalCall, type ReconcileRules } from './reconcile.ts';
import {
  MAX_RECONCILE_PER_PAGE,
  RECONCILE_PER_PAGE,
  reconcileReport,
  type ReconcilePaging,
} from './reconcile-report.ts';

export const REPORT_NAMES = [
  'volume',
  'outcomes',
  'durations',
  'agents',
  'queues',
  'queue-members',
  'contacts',
  'reconcile',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export interface ReportRequest {
  report: ReportName;
  /** Inclusive start and exclusive end, epoch ms. */
  from: number;
  to: number;
  by?: string;
  timeZone: string;
  businessHours: BusinessHours;
  /** Only calls that started in business hours, or only after hours. */
  hours?: 'business' | 'after';
  directions?: Direction[];
  types?: CallType[];
  /** Extension id or number: read that extension's log instead of the company's. */
  extension?: string;
  /** Queue extension id or number: only calls that entered through it. */
  queue?: string;
  /** Only calls with this outside or called number. */
  phoneNumber?: string;
  slaSeconds: number;
  billing: BillingRule;
  rules: ReconcileRules;
  /** reconcile: the page of only-in-ringlog rows to answer. */
  paging: ReconcilePaging;
}

export interface ReportResult extends ReportTable {
  from: string;
  to: string;
  timeZone: string;
  filters: Record<string, string | string[]>;
}

export const DEFAULT_SLA_SECONDS = 20;

type Params = Record<string, string | string[] | undefined>;

const one = (p: Params, name: string): string | undefined => {
  const v = p[name];
  return Array.isArray(v) ? v[v.length - 1] : v === '' ? undefined : v;
};

const many = (p: Params, name: string): string[] | undefined => {
  const v = p[name];
  if (v === undefined) return undefined;
  const list = (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).filter((x) => x !== '');
  return list.length ? list : undefined;
};

function number(p: Params, name: string, min: number): number | undefined {
  const v = one(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw errors.invalidParameter(name, v);
  return n;
}

/** A whole number from 1 to max (page, perPage). */
function count(p: Params, name: string, max: number): number | undefined {
  const v = one(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < 1 || n > max) throw errors.invalidParameter(name, v);
  return n;
}

function oneOf<T extends string>(p: Params, name: string, allowed: readonly T[]): T | undefined {
  const v = one(p, name);
  if (v === undefined) return undefined;
  const found = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
  if (!found) throw errors.invalidParameter(name, v);
  return found;
}

function manyOf<T extends string>(p: Params, name: string, allowed: readonly T[]): T[] | undefined {
  const list = many(p, name);
  return list?.map((v) => {
    const found = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (!found) throw errors.invalidParameter(name, v);
    return found;
  });
}

/** A date (`2025-01-31`: midnight in the report's zone) or a date-time (`…T09:00:00Z`, UTC without a zone). */
function instant(p: Params, name: string, clock: LocalClock): number {
  const v = one(p, name);
  if (v === undefined) throw errors.invalidParameter(name);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const utc = parseDateTime(v);
  if (utc === null) throw errors.invalidParameter(name, v);
  return date ? clock.instant(utc) : utc;
}

/**
 * The request named by text parameters, as the CLI flags and our HTTP API give them: report, from, to, by,
 * timeZone, businessHours, hours, direction, type, extension, queue, phoneNumber, sla, rounding, minimum, rate,
 * timeTolerance, durationTolerance, countryCode, page, perPage.
 */
export function parseReportRequest(p: Params): ReportRequest {
  const report = oneOf(p, 'report', REPORT_NAMES);
  if (!report) throw errors.invalidParameter('report');
  const timeZone = one(p, 'timeZone') ?? 'UTC';
  const clock = new LocalClock(timeZone);
  const from = instant(p, 'from', clock);
  const to = instant(p, 'to', clock);
  if (to <= from) throw errors.invalidParameter('to', one(p, 'to'));
  const businessHoursSpec = one(p, 'businessHours');
  const rounding = oneOf<Rounding>(p, 'rounding', ROUNDINGS);
  const rate = number(p, 'rate', 0);
  return {
    report,
    from,
    to,
    by: oneOf(p, 'by', GROUPINGS),
    timeZone,
    businessHours: businessHoursSpec ? parseBusinessHours(businessHoursSpec) : DEFAULT_BUSINESS_HOURS,
    hours: oneOf(p, 'hours', ['business', 'after'] as const),
    directions: manyOf(p, 'direction', DIRECTIONS),
    types: manyOf(p, 'type', CALL_TYPES),
    extension: one(p, 'extension'),
    queue: one(p, 'queue'),
    phoneNumber: one(p, 'phoneNumber'),
    slaSeconds: number(p, 'sla', 0) ?? DEFAULT_SLA_SECONDS,
    billing: {
      rounding: rounding ?? DEFAULT_BILLING.rounding,
      minimumSeconds: number(p, 'minimum', 0) ?? DEFAULT_BILLING.minimumSeconds,
      ...(rate === undefined ? {} : { ratePerMinute: rate }),
    },
    rules: {
      timeToleranceSeconds: number(p, 'timeTolerance', 0) ?? DEFAULT_RECONCILE_RULES.timeToleranceSeconds,
      durationToleranceSeconds: number(p, 'durationTolerance', 0) ?? DEFAULT_RECONCILE_RULES.durationToleranceSeconds,
      countryCode: one(p, 'countryCode') ?? DEFAULT_RECONCILE_RULES.countryCode,
    },
    paging: {
      // Pages whose first row's offset is still an exact integer.
      page: count(p, 'page', Math.floor(Number.MAX_SAFE_INTEGER / MAX_RECONCILE_PER_PAGE)) ?? 1,
      perPage: count(p, 'perPage', MAX_RECONCILE_PER_PAGE) ?? RECONCILE_PER_PAGE,
    },
  };
}

/** The extension named by id or extension number. */
function findExtension(extensions: Extension[], key: string, parameter: string): Extension {
  const found = extensions.find((e) => e.id === key) ?? extensions.find((e) => e.extensionNumber === key);
  if (!found) throw errors.invalidParameter(parameter, key);
  return found;
}

/** The filters, logs and local-time settings of a request as the store's grouped queries take them. */
async function scope(store: Store, accountId: string, req: ReportRequest, extensions: Extension[]) {
  const users = extensions.filter((e) => e.type === 'User');
  const queues = extensions.filter((e) => e.type === 'Department');
  const own = req.extension === undefined ? null : findExtension(extensions, req.extension, 'extension');
  const queue = req.queue === undefined ? null : findExtension(queues, req.queue, 'queue');
  const phone = req.phoneNumber === undefined ? null : normalizeNumber(req.phoneNumber, req.rules.countryCode);
  if (req.phoneNumber !== undefined && phone === null) throw errors.invalidParameter('phoneNumber', req.phoneNumber);
  const clock = new LocalClock(req.timeZone);
  const interval = (INTERVALS as readonly string[]).includes(req.by ?? '') ? (req.by as Interval) : undefined;
  if (interval && bucketStarts({ from: req.from, to: req.to, clock }, interval).length > MAX_BUCKETS) {
    throw reportLimit(
      'by',
      `at most ${MAX_BUCKETS.toLocaleString('en-US')} ${interval} buckets in a period; narrow from/to`,
      interval,
    );
  }
  const log = own?.id ?? null;
  const query: AggregateQuery = {
    accountId,
    logs: [log],
    dateFrom: req.from,
    dateTo: req.to - 1,
    directions: req.directions,
    types: req.types,
    ...(queue ? { entryIds: [queue.id] } : {}),
    ...(phone ? { phoneDigits: phone } : {}),
  };
  if (interval || req.hours) {
    // The zone's offsets over the part of the period that holds records (the rest has nothing to group).
    const bounds = await store.reports.bounds(query);
    if (bounds) {
      const first = Math.max(req.from, bounds.first);
      const last = Math.min(req.to - 1, bounds.last);
      query.zone = clock.segments(first, last + 1);
      if (interval === 'month') {
        query.buckets = bucketStarts({ from: first, to: last + 1, clock }, 'month');
      } else if (interval) query.buckets = interval;
    }
    if (req.hours) query.hours = { ...req.businessHours, inside: req.hours === 'business' };
  }
  return {
    query,
    clock,
    own,
    interval,
    users: own ? users.filter((u) => u.id === own.id) : users,
    queues: queue ? [queue] : queues,
  };
}

/** Runs a report over an account's records; `external` is the other source's calls for `reconcile`. */
export async function runReport(
  store: Store,
  accountId: string,
  req: ReportRequest,
  external: readonly ExternalCall[] = [],
): Promise<ReportResult> {
  return (await startReport(store, accountId, req, external)).result;
}

/**
 * Runs a report as runReport does, with the rows that come in pages (reconcile's only-in-ringlog rows) after the
 * answer's page, a page at a time as they are asked for: for writing all of them out without holding them at once.
 */
export async function startReport(
  store: Store,
  accountId: string,
  req: ReportRequest,
  external: readonly ExternalCall[] = [],
): Promise<{ result: ReportResult; rest: () => AsyncGenerator<ReportRow[]> }> {
  const extensions = await store.listExtensions(accountId);
  const { query, clock, own, users, queues } = await scope(store, accountId, req, extensions);
  const ctx: ReportContext = {
    from: req.from,
    to: req.to,
    clock,
    by: req.by,
    slaSeconds: req.slaSeconds,
    billing: req.billing,
    users,
    queues,
  };
  const base = {
    from: new Date(req.from).toISOString(),
    to: new Date(req.to).toISOString(),
    timeZone: req.timeZone,
    filters: describeFilters(req),
  };
  if (req.report === 'reconcile') {
    const answer = await reconcileReport(store.reports, query, external, req.rules, req.paging);
    return { result: { ...answer.table, ...base }, rest: () => answer.rest() };
  }
  const table = await compute(store, { ...req, report: req.report }, query, own, ctx);
  return { result: { ...table, ...base }, rest: noMoreRows };
}

async function* noMoreRows(): AsyncGenerator<ReportRow[]> {}

/** The grouping dimension of `by` (volume, outcomes, durations). */
function byDim(by: string | undefined): FactDim[] {
  if (by === undefined) return [];
  if ((INTERVALS as readonly string[]).includes(by)) return ['bucket'];
  return [by as 'direction' | 'type' | 'result'];
}

/** The reports answered by grouped queries alone (all but reconcile). */
async function compute(
  store: Store,
  req: ReportRequest & { report: Exclude<ReportName, 'reconcile'> },
  q: AggregateQuery,
  own: Extension | null,
  ctx: ReportContext,
): Promise<ReportTable> {
  const reports = store.reports;
  const kinds: FactDim[] = ['direction', 'type', 'result'];
  switch (req.report) {
    case 'volume':
      return volumeReport(await reports.aggregate({ ...q, by: [...byDim(req.by ?? 'day'), ...kinds] }), {
        ...ctx,
        by: req.by ?? 'day',
      });
    case 'outcomes':
      return outcomesReport(await reports.aggregate({ ...q, by: [...byDim(req.by), ...kinds] }), ctx);
    case 'durations': {
      const by = byDim(req.by);
      const [[talk, wait, duration], keys] = await Promise.all([
        reports.percentiles({ ...q, by }, ['talk', 'wait', 'duration'], DURATION_PERCENTILES),
        by.length ? reports.aggregate({ ...q, by }) : Promise.resolve([]),
      ]);
      const key = by[0];
      const present = key ? keys.map((g) => g[key] as string | number) : [];
      return durationsReport({ talk, wait, duration }, present, ctx);
    }
    case 'agents': {
      const logs = own ? [own.id] : ctx.users.map((u) => u.id);
      const [mine, transfers] = await Promise.all([
        reports.aggregate({ ...q, logs, by: ['log', 'direction', 'type', 'result', 'action'] }),
        reports.aggregate({ ...q, logs: [null], transferred: true, by: ['agent'] }),
      ]);
      return agentsReport(mine, transfers, ctx);
    }
    case 'queues':
    case 'queue-members': {
      const calls: AggregateQuery = {
        ...q,
        logs: [null],
        directions: (q.directions ?? ['Inbound']).filter((d) => d === 'Inbound'),
        types: (q.types ?? ['Voice']).filter((t) => t === 'Voice'),
        entryIds: ctx.queues.map((e) => e.id).filter((id) => !q.entryIds || q.entryIds.includes(id)),
      };
      if (req.report === 'queues') {
        const groups = await reports.aggregate({ ...calls, by: ['entry', 'result'], slaMs: ctx.slaSeconds * 1000 });
        return queuesReport(groups, ctx);
      }
      const answered = { ...calls, results: [...ANSWERED_RESULTS] };
      return queueMembersReport(await reports.aggregate({ ...answered, by: ['entry', 'agent'] }), ctx);
    }
    case 'contacts': {
      const unit = req.billing.rounding === 'minute' ? 60 : req.billing.rounding === '6s' ? 6 : 1;
      const contacts = await reports.contacts(q, { unitSeconds: unit, minimumSeconds: req.billing.minimumSeconds });
      return contactsReport(contacts, ctx);
    }
  }
}

function describeFilters(req: ReportRequest): Record<string, string | string[]> {
  const f: Record<string, string | string[]> = {};
  if (req.directions) f.direction = req.directions;
  if (req.types) f.type = req.types;
  if (req.extension) f.extension = req.extension;
  if (req.queue) f.queue = req.queue;
  if (req.phoneNumber) f.phoneNumber = req.phoneNumber;
  if (req.hours) f.hours = req.hours;
  if (req.by && ['volume', 'outcomes', 'durations'].includes(req.report)) f.by = req.by;
  if (req.report === 'queues') f.sla = String(req.slaSeconds);
  if (req.report === 'contacts') {
    f.rounding = req.billing.rounding;
    f.minimum = String(req.billing.minimumSeconds);
    if (req.billing.ratePerMinute !== undefined) f.rate = String(req.billing.ratePerMinute);
  }
  if (req.report === 'reconcile') {
    f.timeTolerance = String(req.rules.timeToleranceSeconds);
    f.durationTolerance = String(req.rules.durationToleranceSeconds);
    f.countryCode = req.rules.countryCode;
  }
  return f;
}
