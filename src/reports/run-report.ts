// One entry point for every report, whoever asks (CLI, our HTTP API, dashboards): parses the parameters, decides
// which logs to read, reads the records' report facts from the store, applies the filters and runs the report.

import {
  CALL_TYPES,
  DIRECTIONS,
  errors,
  parseDateTime,
  type CallType,
  type Direction,
  type Extension,
} from '../domain/index.ts';
import type { FactRow, Store } from '../store/index.ts';
import { DEFAULT_BUSINESS_HOURS, LocalClock, parseBusinessHours, type BusinessHours } from './local-time.ts';
import {
  agentsReport,
  contactsReport,
  durationsReport,
  GROUPINGS,
  OUTCOME_COLUMNS,
  outcomesReport,
  tallyOutcomes,
  queueMembersReport,
  queuesReport,
  volumeReport,
  type ReportContext,
  type ReportTable,
} from './report-definitions.ts';
import { DEFAULT_BILLING, ROUNDINGS, type BillingRule, type Rounding } from './report-math.ts';
import {
  DEFAULT_RECONCILE_RULES,
  normalizeNumber,
  reconcile,
  type ExternalCall,
  type ReconcileRules,
} from './reconcile.ts';

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
 * timeTolerance, durationTolerance, countryCode.
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
  };
}

/** The extension named by id or extension number. */
function findExtension(extensions: Extension[], key: string, parameter: string): Extension {
  const found = extensions.find((e) => e.id === key) ?? extensions.find((e) => e.extensionNumber === key);
  if (!found) throw errors.invalidParameter(parameter, key);
  return found;
}

/** The facts a request reads, filtered. */
async function readFacts(store: Store, accountId: string, req: ReportRequest, extensions: Extension[]) {
  const users = extensions.filter((e) => e.type === 'User');
  const queues = extensions.filter((e) => e.type === 'Department');
  const own = req.extension === undefined ? null : findExtension(extensions, req.extension, 'extension');
  const queue = req.queue === undefined ? null : findExtension(queues, req.queue, 'queue');
  const log = own?.id ?? null;
  const logs = req.report === 'agents' ? [...(own ? [own.id] : users.map((u) => u.id)), null] : [log];
  const facts = await store.reports.facts({
    accountId,
    logs,
    dateFrom: req.from,
    dateTo: req.to - 1,
    directions: req.directions,
    types: req.types,
  });
  const clock = new LocalClock(req.timeZone);
  const phone = req.phoneNumber === undefined ? null : normalizeNumber(req.phoneNumber, req.rules.countryCode);
  if (req.phoneNumber !== undefined && phone === null) throw errors.invalidParameter('phoneNumber', req.phoneNumber);
  const keep = (f: FactRow) =>
    (queue === null || f.entryId === queue.id) &&
    (phone === null || f.contactDigits === phone || f.toDigits === phone) &&
    (req.hours === undefined || clock.isBusinessTime(f.startTime, req.businessHours) === (req.hours === 'business'));
  const filtered = queue === null && phone === null && req.hours === undefined ? facts : facts.filter(keep);
  return {
    facts: filtered,
    clock,
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
  const extensions = await store.listExtensions(accountId);
  const base = {
    from: new Date(req.from).toISOString(),
    to: new Date(req.to).toISOString(),
    timeZone: req.timeZone,
    filters: describeFilters(req),
  };
  if (req.report === 'outcomes' && req.by === undefined && req.hours === undefined) {
    // Counted in SQL: no record leaves the database.
    const own = req.extension === undefined ? null : findExtension(extensions, req.extension, 'extension');
    const queues = extensions.filter((e) => e.type === 'Department');
    const queue = req.queue === undefined ? null : findExtension(queues, req.queue, 'queue');
    const phone = req.phoneNumber === undefined ? null : normalizeNumber(req.phoneNumber, req.rules.countryCode);
    if (req.phoneNumber !== undefined && phone === null) throw errors.invalidParameter('phoneNumber', req.phoneNumber);
    const counts = await store.reports.outcomeCounts({
      accountId,
      logs: [own?.id ?? null],
      dateFrom: req.from,
      dateTo: req.to - 1,
      directions: req.directions,
      types: req.types,
      ...(queue ? { entryId: queue.id } : {}),
      ...(phone ? { phoneDigits: phone } : {}),
    });
    return {
      report: 'outcomes',
      columns: [{ key: 'key', label: 'period' }, ...OUTCOME_COLUMNS],
      rows: [tallyOutcomes('all', counts)],
      ...base,
    };
  }
  const { facts, clock, users, queues } = await readFacts(store, accountId, req, extensions);
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
  return { ...computeReport(req, facts, ctx, external), ...base };
}

export function computeReport(
  req: Pick<ReportRequest, 'report' | 'rules'>,
  facts: readonly FactRow[],
  ctx: ReportContext,
  external: readonly ExternalCall[] = [],
): ReportTable {
  switch (req.report) {
    case 'volume':
      return volumeReport(facts, ctx);
    case 'outcomes':
      return outcomesReport(facts, ctx);
    case 'durations':
      return durationsReport(facts, ctx);
    case 'agents':
      return agentsReport(facts, ctx);
    case 'queues':
      return queuesReport(facts, ctx);
    case 'queue-members':
      return queueMembersReport(facts, ctx);
    case 'contacts':
      return contactsReport(facts, ctx);
    case 'reconcile':
      return reconcile(facts, external, req.rules);
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
