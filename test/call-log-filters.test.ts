// Oracle test of the call-log list: regenerates the seeded company in memory, filters it with an independent
// brute-force oracle, and checks that every query (single filters and random combinations, at account and
// extension level) returns exactly the oracle's records, in order, across all pages.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CallLogRecord, Extension } from '../src/domain/index.ts';
import { SeededRandom } from '../src/domain/index.ts';
import { generateCompany, generateTraffic, type GeneratedCompany } from '../src/generator/index.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { backends } from './support/backends.ts';
import { jwtAccessToken } from './support/oauth.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const API = '/restapi/v1.0';
/** More calls than the default test company, so the company log spans more than one page of 1000. */
const SEED_OVERRIDE = { callsPerDay: 150 };

// ---------------------------------------------------------------------------------------------------------------
// Deterministic choices

class Choices {
  private readonly next: () => number;
  constructor(seed: number) {
    const generator = new SeededRandom(seed);
    this.next = () => generator.next();
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Queries

type DateStyle = 'iso-ms' | 'iso-seconds' | 'offset' | 'day';

interface Target {
  label: string;
  who: 'admin' | 'user';
  level: 'account' | 'extension';
  /** The list path as requested (with `~` or real ids). */
  path: string;
  /** The log read: null for the company log. */
  extensionId: string | null;
}

/** What a query asks for; the oracle reads this, the URL is written from it. */
interface QuerySpec {
  target: Target;
  direction?: string[];
  type?: string[];
  transport?: string[];
  /** ringlog's own `result` parameter (not RingCentral's). */
  result?: string[];
  /** How multi-valued parameters are written: repeated keys or comma-joined. */
  multiStyle: 'repeat' | 'comma';
  view?: 'Simple' | 'Detailed';
  recordingType?: 'Automatic' | 'OnDemand' | 'All';
  withRecording?: boolean;
  dateFrom?: number;
  dateTo?: number;
  dateStyle: DateStyle;
  sessionId?: string;
  telephonySessionId?: string;
  /** Digits, written with or without a leading `+`. */
  phoneNumber?: { digits: string; plus: boolean };
  extensionNumber?: string;
  showBlocked?: boolean;
  showDeleted?: boolean;
  perPage?: string;
}

const FILTERS = [
  'direction',
  'type',
  'transport',
  'result',
  'recordingType',
  'withRecording',
  'dateFrom',
  'dateTo',
  'sessionId',
  'telephonySessionId',
  'phoneNumber',
  'extensionNumber',
  'showBlocked',
  'showDeleted',
] as const;
type FilterName = (typeof FILTERS)[number];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Writes epoch ms in one of the date-time forms RingCentral accepts. */
function formatDate(ms: number, style: DateStyle): string {
  const whole = ms % 1000 === 0;
  if (style === 'day' && ms % DAY === 0) return new Date(ms).toISOString().slice(0, 10);
  if (style === 'iso-seconds' && whole) return new Date(ms).toISOString().replace('.000Z', 'Z');
  if (style === 'offset') {
    // Alternate between a western and an eastern offset, decided by the instant itself.
    const offsetMin = Math.floor(ms / 1000) % 2 === 0 ? -7 * 60 : 5 * 60 + 30;
    const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
    const sign = offsetMin < 0 ? '-' : '+';
    const abs = Math.abs(offsetMin);
    return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }
  return new Date(ms).toISOString();
}

/** The query string of a spec (without page). */
function queryParams(spec: QuerySpec): URLSearchParams {
  const params = new URLSearchParams();
  const multi = (name: string, values: string[] | undefined) => {
    if (!values) return;
    if (spec.multiStyle === 'comma') params.append(name, values.join(','));
    else for (const v of values) params.append(name, v);
  };
  multi('direction', spec.direction);
  multi('type', spec.type);
  multi('transport', spec.transport);
  multi('result', spec.result);
  if (spec.view) params.append('view', spec.view);
  if (spec.recordingType) params.append('recordingType', spec.recordingType);
  if (spec.withRecording !== undefined) params.append('withRecording', String(spec.withRecording));
  if (spec.dateFrom !== undefined) params.append('dateFrom', formatDate(spec.dateFrom, spec.dateStyle));
  if (spec.dateTo !== undefined) params.append('dateTo', formatDate(spec.dateTo, spec.dateStyle));
  if (spec.sessionId !== undefined) params.append('sessionId', spec.sessionId);
  if (spec.telephonySessionId !== undefined) params.append('telephonySessionId', spec.telephonySessionId);
  if (spec.phoneNumber) params.append('phoneNumber', `${spec.phoneNumber.plus ? '+' : ''}${spec.phoneNumber.digits}`);
  if (spec.extensionNumber !== undefined) params.append('extensionNumber', spec.extensionNumber);
  if (spec.showBlocked !== undefined) params.append('showBlocked', String(spec.showBlocked));
  if (spec.showDeleted !== undefined) params.append('showDeleted', String(spec.showDeleted));
  if (spec.perPage !== undefined) params.append('perPage', spec.perPage);
  return params;
}

function effectivePerPage(perPage: string | undefined): number {
  if (perPage === undefined) return 100;
  if (perPage === 'max') return 1000;
  return Math.min(Number(perPage), 1000);
}

// ---------------------------------------------------------------------------------------------------------------
// The oracle: a plain reading of the documented semantics over the generated records

const digitsOf = (phone: string | undefined) => (phone ?? '').replace(/\D/g, '');

class Oracle {
  /** Session ids per extension id, from every record in that extension's own log. */
  private readonly sessionsOf = new Map<string, Set<string>>();

  constructor(
    readonly records: CallLogRecord[],
    readonly extensions: Extension[],
  ) {
    for (const r of records) {
      if (r.extensionId === null) continue;
      let set = this.sessionsOf.get(r.extensionId);
      if (!set) this.sessionsOf.set(r.extensionId, (set = new Set()));
      set.add(r.sessionId);
    }
  }

  /** The records of a log, regardless of filters. */
  log(extensionId: string | null): CallLogRecord[] {
    return this.records.filter((r) => r.extensionId === extensionId);
  }

  /**
   * The ids a query must return, newest first (id descending on equal start times). `ignore` reverts one
   * filter to its default (dates to unbounded) to see whether that filter changed anything.
   */
  expect(spec: QuerySpec, now: number, ignore?: FilterName): string[] {
    const s = ignore ? withoutFilter(spec, ignore) : spec;
    const dateTo = s.dateTo ?? (ignore === 'dateTo' ? Infinity : now);
    const dateFrom = s.dateFrom ?? (ignore === 'dateFrom' ? -Infinity : dateTo - DAY);
    const showBlocked = s.showBlocked ?? true;
    const showDeleted = s.showDeleted ?? false;
    const recordingType = s.recordingType ?? (s.withRecording ? 'All' : undefined);
    let involved: Set<string> | undefined;
    if (s.extensionNumber !== undefined) {
      const ext = this.extensions.find((e) => e.extensionNumber === s.extensionNumber);
      involved = (ext && this.sessionsOf.get(ext.id)) || new Set();
    }
    const out: CallLogRecord[] = [];
    for (const r of this.records) {
      if (r.extensionId !== s.target.extensionId) continue;
      if (r.startTime < dateFrom || r.startTime > dateTo) continue;
      if (r.deleted && !showDeleted) continue;
      if (!showBlocked && r.result === 'Blocked') continue;
      if (s.direction && !s.direction.includes(r.direction)) continue;
      if (s.type && !s.type.includes(r.type)) continue;
      if (s.transport && !s.transport.includes(r.transport)) continue;
      if (s.result && !s.result.includes(r.result)) continue;
      if (recordingType === 'All' && !r.recording) continue;
      if ((recordingType === 'Automatic' || recordingType === 'OnDemand') && r.recording?.type !== recordingType)
        continue;
      if (s.sessionId !== undefined && r.sessionId !== s.sessionId) continue;
      if (s.telephonySessionId !== undefined && r.telephonySessionId !== s.telephonySessionId) continue;
      if (s.phoneNumber) {
        const want = s.phoneNumber.digits;
        if (digitsOf(r.from.phoneNumber) !== want && digitsOf(r.to.phoneNumber) !== want) continue;
      }
      if (involved && !involved.has(r.sessionId)) continue;
      out.push(r);
    }
    out.sort((a, b) => b.startTime - a.startTime || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return out.map((r) => r.id);
  }
}

function withoutFilter(spec: QuerySpec, name: FilterName): QuerySpec {
  const copy: QuerySpec = { ...spec };
  delete copy[name];
  return copy;
}

function filtersUsed(spec: QuerySpec): FilterName[] {
  return FILTERS.filter((f) => spec[f] !== undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// Query generation

interface World {
  company: GeneratedCompany;
  oracle: Oracle;
  spanFrom: number;
  spanTo: number;
}

/** A record's phone numbers as digits (from and to), where present. */
function phonesOf(r: CallLogRecord): string[] {
  return [digitsOf(r.from.phoneNumber), digitsOf(r.to.phoneNumber)].filter((d) => d !== '');
}

/** The extension numbers that have a record of this record's session in their own log. */
function extensionNumbersInSession(world: World, r: CallLogRecord): string[] {
  const ids = new Set(
    world.oracle.records.filter((o) => o.sessionId === r.sessionId && o.extensionId !== null).map((o) => o.extensionId),
  );
  return world.company.extensions.filter((e) => ids.has(e.id)).map((e) => e.extensionNumber);
}

/** The most frequent phone number (digits) in a log. */
function busiestNumber(log: CallLogRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of log) for (const d of phonesOf(r)) counts.set(d, (counts.get(d) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
}

/** Each filter alone (and a few documented interplays) over the whole generated span. */
function singleFilterSpecs(world: World, target: Target, c: Choices): QuerySpec[] {
  const log = world.oracle.log(target.extensionId);
  const full = {
    target,
    multiStyle: 'repeat' as const,
    dateStyle: 'iso-ms' as const,
    dateFrom: world.spanFrom,
    dateTo: world.spanTo,
  };
  const anchor = c.pick(log);
  const number = busiestNumber(log);
  const otherExtension = world.company.extensions.find((e) => e.id !== target.extensionId && e.type === 'User');
  const sessionMates = extensionNumbersInSession(
    world,
    c.pick(log.filter((r) => extensionNumbersInSession(world, r).length > 0)),
  );
  const boundary = c.pick(log);
  return [
    { ...full },
    { ...full, direction: ['Inbound'] },
    { ...full, direction: ['Outbound'] },
    { ...full, direction: ['Inbound', 'Outbound'] },
    { ...full, direction: ['Outbound', 'Inbound'], multiStyle: 'comma' },
    { ...full, type: ['Voice'] },
    { ...full, type: ['Fax'] },
    { ...full, type: ['Voice', 'Fax'], multiStyle: 'comma' },
    { ...full, transport: ['PSTN'] },
    { ...full, transport: ['VoIP'] },
    { ...full, transport: ['PSTN', 'VoIP'] },
    { ...full, result: ['Missed'] },
    { ...full, result: ['Accepted', 'Call connected'] },
    { ...full, result: ['Voicemail', 'Missed'], multiStyle: 'comma' },
    { ...full, view: 'Detailed' },
    { ...full, view: 'Simple' },
    { ...full, recordingType: 'Automatic' },
    { ...full, recordingType: 'OnDemand' },
    { ...full, recordingType: 'All' },
    { ...full, withRecording: true },
    { ...full, withRecording: false },
    // recordingType wins over the deprecated withRecording.
    { ...full, withRecording: true, recordingType: 'OnDemand' },
    { ...full, showBlocked: false },
    { ...full, showBlocked: true },
    { ...full, showDeleted: true },
    { ...full, showDeleted: false },
    { ...full, showDeleted: true, showBlocked: false },
    { ...full, sessionId: anchor.sessionId },
    { ...full, telephonySessionId: anchor.telephonySessionId },
    { ...full, sessionId: '1' },
    { ...full, phoneNumber: { digits: number, plus: false } },
    { ...full, phoneNumber: { digits: number, plus: true } },
    { ...full, phoneNumber: { digits: '15550000000', plus: false } },
    { ...full, extensionNumber: sessionMates[0] },
    { ...full, extensionNumber: c.pick(sessionMates) },
    { ...full, extensionNumber: otherExtension?.extensionNumber ?? '101' },
    { ...full, extensionNumber: '999' },
    // Date windows: boundaries equal to a record's startTime are inclusive on both ends.
    { ...full, dateFrom: boundary.startTime, dateTo: boundary.startTime },
    { ...full, dateFrom: boundary.startTime },
    { ...full, dateTo: boundary.startTime },
    { ...full, dateFrom: boundary.startTime + 1 },
    { ...full, dateTo: boundary.startTime - 1 },
    { ...full, dateFrom: boundary.startTime - 1, dateTo: boundary.startTime + 1, dateStyle: 'offset' },
    { ...full, dateFrom: boundary.startTime, dateTo: boundary.startTime + 6 * HOUR, dateStyle: 'iso-seconds' },
    {
      ...full,
      dateFrom: Math.floor(boundary.startTime / DAY) * DAY,
      dateTo: Math.ceil(boundary.startTime / DAY) * DAY,
      dateStyle: 'day',
    },
    // dateTo alone: the window is the 24 hours before it.
    { target, multiStyle: 'repeat', dateStyle: 'iso-ms', dateTo: boundary.startTime + 12 * HOUR },
    // dateFrom alone: up to now.
    { target, multiStyle: 'repeat', dateStyle: 'iso-ms', dateFrom: world.spanTo - 2 * DAY },
    // Neither: the last 24 hours before now.
    { target, multiStyle: 'repeat', dateStyle: 'iso-ms' },
    // Paging.
    { ...full, perPage: 'max' },
    { ...full, perPage: '1000' },
    { ...full, perPage: '5000' },
    { ...full, perPage: '250' },
    { ...full, perPage: '100' },
    { ...full, perPage: '37', direction: ['Outbound'] },
    { ...full, perPage: '1', sessionId: anchor.sessionId },
  ];
}

/** A random combination of filters, most values taken from an anchor record of the log so results are not empty. */
function randomSpec(world: World, target: Target, c: Choices): QuerySpec {
  const log = world.oracle.log(target.extensionId);
  const anchor = c.chance(0.9) ? c.pick(log) : c.pick(world.oracle.records);
  const spec: QuerySpec = {
    target,
    multiStyle: c.chance(0.5) ? 'repeat' : 'comma',
    dateStyle: c.pick(['iso-ms', 'iso-ms', 'iso-seconds', 'offset', 'day'] as const),
  };
  const matching = c.chance(0.85);
  if (c.chance(0.35)) {
    spec.direction = matching
      ? c.chance(0.6)
        ? [anchor.direction]
        : ['Inbound', 'Outbound']
      : [c.pick(['Inbound', 'Outbound'])];
  }
  if (c.chance(0.25))
    spec.type = matching ? (c.chance(0.6) ? [anchor.type] : ['Fax', 'Voice']) : [c.pick(['Voice', 'Fax'])];
  if (c.chance(0.25)) spec.transport = matching ? [anchor.transport] : [c.pick(['PSTN', 'VoIP'])];
  if (c.chance(0.2)) spec.result = matching ? [anchor.result] : [c.pick(['Accepted', 'Missed', 'Voicemail'])];
  if (c.chance(0.2)) {
    spec.recordingType =
      anchor.recording && c.chance(0.8)
        ? c.chance(0.5)
          ? anchor.recording.type
          : 'All'
        : c.pick(['Automatic', 'OnDemand', 'All'] as const);
  }
  if (c.chance(0.1)) spec.withRecording = c.chance(0.5);
  if (c.chance(0.4)) spec.view = c.pick(['Simple', 'Detailed'] as const);
  if (c.chance(0.1)) spec.sessionId = c.chance(0.9) ? anchor.sessionId : c.pick(world.oracle.records).sessionId;
  if (c.chance(0.1)) spec.telephonySessionId = anchor.telephonySessionId;
  const phones = phonesOf(anchor);
  if (c.chance(0.2) && phones.length) spec.phoneNumber = { digits: c.pick(phones), plus: c.chance(0.5) };
  else if (c.chance(0.18)) {
    const mates = extensionNumbersInSession(world, anchor);
    spec.extensionNumber =
      mates.length && c.chance(0.85) ? c.pick(mates) : c.pick(world.company.extensions).extensionNumber;
  }
  if (c.chance(0.15)) spec.showBlocked = c.chance(0.5);
  if (c.chance(0.15)) spec.showDeleted = c.chance(0.5);

  const window = c.int(100);
  const t = anchor.startTime;
  const exact = (v: number) => (c.chance(0.2) ? t : v);
  if (window < 60) {
    spec.dateFrom = exact(t - c.int(3 * DAY));
    spec.dateTo = exact(t + c.int(3 * DAY));
  } else if (window < 75) {
    spec.dateFrom = world.spanFrom;
    spec.dateTo = world.spanTo;
  } else if (window < 87) {
    spec.dateTo = exact(t + c.int(20 * HOUR));
  } else if (window < 97) {
    spec.dateFrom = exact(t - c.int(2 * DAY));
  }
  if (spec.dateStyle === 'day') {
    if (spec.dateFrom !== undefined) spec.dateFrom = Math.floor(spec.dateFrom / DAY) * DAY;
    if (spec.dateTo !== undefined) spec.dateTo = Math.ceil(spec.dateTo / DAY) * DAY;
  }

  if (c.chance(0.6)) spec.perPage = c.pick(['max', '1000', '5000', '250', '100', '50', '20', '3']);
  return spec;
}

// ---------------------------------------------------------------------------------------------------------------
// Fetching through the API

interface ListBody {
  records: { id: string; legs?: unknown }[];
  paging: { page: number; perPage: number; pageStart?: number; pageEnd?: number };
  navigation: { firstPage?: { uri: string }; nextPage?: { uri: string }; previousPage?: { uri: string } };
}

/**
 * The ids of every page of a query, in order, checking each page's paging and navigation on the way. With
 * `followLinks` the next page is read from `navigation.nextPage`; otherwise `page=N` is asked for directly.
 */
async function fetchAll(server: TestServer, token: string, spec: QuerySpec, followLinks: boolean): Promise<string[]> {
  const perPage = effectivePerPage(spec.perPage);
  const ids: string[] = [];
  let url = `${server.url}${spec.target.path}?${queryParams(spec)}`;
  for (let page = 1; page <= 200; page++) {
    if (!followLinks && page > 1) {
      const params = queryParams(spec);
      params.append('page', String(page));
      url = `${server.url}${spec.target.path}?${params}`;
    }
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as ListBody;
    const where = `${url} (page ${page})`;
    assert.equal(body.paging.page, page, `paging.page of ${where}`);
    assert.equal(body.paging.perPage, perPage, `paging.perPage of ${where}`);
    assert.ok(body.records.length <= perPage, `more than perPage records on ${where}`);
    if (body.records.length) {
      assert.equal(body.paging.pageStart, (page - 1) * perPage, `paging.pageStart of ${where}`);
      assert.equal(body.paging.pageEnd, (page - 1) * perPage + body.records.length - 1, `paging.pageEnd of ${where}`);
    }
    assert.ok(body.navigation.firstPage, `navigation.firstPage of ${where}`);
    assert.equal(body.navigation.previousPage !== undefined, page > 1, `navigation.previousPage of ${where}`);
    const detailed = spec.view === 'Detailed';
    for (const r of body.records)
      assert.equal(Array.isArray(r.legs), detailed, `legs in view ${spec.view ?? 'Simple'} on ${where}`);
    ids.push(...body.records.map((r) => r.id));
    if (!body.navigation.nextPage) break;
    assert.equal(body.records.length, perPage, `a page before the last is full on ${where}`);
    url = body.navigation.nextPage.uri;
  }
  return ids;
}

function firstDifference(expected: string[], actual: string[]): string {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] !== actual[i]) return `at index ${i}: expected ${expected[i]}, got ${actual[i]}`;
  }
  return 'none';
}

interface Outcome {
  spec: QuerySpec;
  expected: string[];
  failure?: string;
}

async function runQueries(
  server: TestServer,
  world: World,
  tokens: Record<'admin' | 'user', string>,
  specs: QuerySpec[],
) {
  const outcomes: Outcome[] = [];
  let index = 0;
  const worker = async () => {
    while (index < specs.length) {
      const i = index++;
      const spec = specs[i];
      const now = Date.now();
      const expected = world.oracle.expect(spec, now);
      // A query whose pages would be many gets a bigger page (the ids are what is compared).
      if (expected.length / effectivePerPage(spec.perPage) > 25) spec.perPage = 'max';
      const outcome: Outcome = { spec, expected };
      try {
        const actual = await fetchAll(server, tokens[spec.target.who], spec, i % 2 === 1);
        if (actual.length !== expected.length || actual.some((id, k) => id !== expected[k])) {
          outcome.failure = `expected ${expected.length} ids, got ${actual.length}; first difference ${firstDifference(expected, actual)}`;
        }
      } catch (err) {
        outcome.failure = (err as Error).message;
      }
      outcomes.push(outcome);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return outcomes;
}

function describeFailures(outcomes: Outcome[]): string {
  const failed = outcomes.filter((o) => o.failure);
  return failed
    .slice(0, 8)
    .map((o) => `${o.spec.target.label} ${o.spec.target.path}?${queryParams(o.spec)}\n    ${o.failure}`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

for (const backend of await backends())
  describe(`call-log list against an independent oracle (${backend})`, () => {
    let server: TestServer;
    let world: World;
    let tokens: Record<'admin' | 'user', string>;
    let targets: Target[];
    const all: Outcome[] = [];

    before(async () => {
      server = await startTestServer({ backend, seed: SEED_OVERRIDE });
      const company = generateCompany(server.seed);
      const records = [...generateTraffic(company, server.seed)].flatMap((b) => b.records);
      world = {
        company,
        oracle: new Oracle(records, company.extensions),
        spanFrom: server.seed.endTime - server.seed.days * DAY,
        spanTo: server.seed.endTime,
      };
      const { admin, user } = server.credentials;
      tokens = { admin: await jwtAccessToken(server, admin.jwt), user: await jwtAccessToken(server, user.jwt) };

      const accountId = company.account.id;
      assert.equal(server.credentials.accountId, accountId, 'the regenerated company is the seeded one');
      const extLog = (id: string) => records.filter((r) => r.extensionId === id);
      const users = company.extensions.filter((e) => e.type === 'User');
      const busiest = [...users].sort((a, b) => extLog(b.id).length - extLog(a.id).length)[0];
      const queue = company.extensions.find((e) => e.type === 'Department');
      const withDeleted = records.find((r) => r.deleted && r.extensionId !== null)?.extensionId;
      const withBlocked = records.find((r) => r.result === 'Blocked' && r.extensionId !== null)?.extensionId;
      const extPath = (account: string, ext: string) => `${API}/account/${account}/extension/${ext}/call-log`;
      const candidates: Target[] = [
        {
          label: 'company log (admin, ~)',
          who: 'admin',
          level: 'account',
          path: `${API}/account/~/call-log`,
          extensionId: null,
        },
        {
          label: 'company log (admin, account id)',
          who: 'admin',
          level: 'account',
          path: `${API}/account/${accountId}/call-log`,
          extensionId: null,
        },
        {
          label: `busiest user ${busiest.extensionNumber} (admin)`,
          who: 'admin',
          level: 'extension',
          path: extPath('~', busiest.id),
          extensionId: busiest.id,
        },
        {
          label: 'own log (admin, ~)',
          who: 'admin',
          level: 'extension',
          path: extPath('~', '~'),
          extensionId: admin.extensionId,
        },
        {
          label: 'own log (user, ~)',
          who: 'user',
          level: 'extension',
          path: extPath('~', '~'),
          extensionId: user.extensionId,
        },
        {
          label: 'own log (user, ids)',
          who: 'user',
          level: 'extension',
          path: extPath(accountId, user.extensionId),
          extensionId: user.extensionId,
        },
      ];
      if (queue)
        candidates.push({
          label: `call queue ${queue.extensionNumber} (admin)`,
          who: 'admin',
          level: 'extension',
          path: extPath(accountId, queue.id),
          extensionId: queue.id,
        });
      if (withDeleted)
        candidates.push({
          label: 'log with a deleted record (admin)',
          who: 'admin',
          level: 'extension',
          path: extPath('~', withDeleted),
          extensionId: withDeleted,
        });
      if (withBlocked)
        candidates.push({
          label: 'log with a blocked call (admin)',
          who: 'admin',
          level: 'extension',
          path: extPath('~', withBlocked),
          extensionId: withBlocked,
        });
      targets = candidates.filter((t, i) => candidates.findIndex((o) => o.path === t.path && o.who === t.who) === i);
      for (const t of targets) assert.ok(world.oracle.log(t.extensionId).length > 0, `${t.label} has records`);
    });

    after(async () => {
      await server?.close();
    });

    test('the generated data covers what the filters select on', () => {
      const records = world.oracle.records;
      const companyLog = world.oracle.log(null);
      assert.ok(companyLog.length > 1000, 'the company log spans more than one page of 1000');
      for (const check of [
        (r: CallLogRecord) => r.direction === 'Inbound',
        (r: CallLogRecord) => r.direction === 'Outbound',
        (r: CallLogRecord) => r.type === 'Fax',
        (r: CallLogRecord) => r.transport === 'VoIP',
        (r: CallLogRecord) => r.recording?.type === 'Automatic',
        (r: CallLogRecord) => r.recording?.type === 'OnDemand',
        (r: CallLogRecord) => r.result === 'Blocked',
      ]) {
        assert.ok(companyLog.some(check), `company log has a record with ${check.toString()}`);
      }
      assert.ok(
        records.some((r) => r.deleted),
        'some extension record is deleted',
      );
    });

    test('each filter alone, at account and extension level', async () => {
      const c = new Choices(1);
      const specs = targets.flatMap((t) => singleFilterSpecs(world, t, c));
      const outcomes = await runQueries(server, world, tokens, specs);
      all.push(...outcomes);
      assert.equal(outcomes.filter((o) => o.failure).length, 0, describeFailures(outcomes));
    });

    test('random combinations of filters, paging and date forms', async () => {
      const c = new Choices(2);
      const specs: QuerySpec[] = [];
      for (let i = 0; i < 400; i++) specs.push(randomSpec(world, c.pick(targets), c));
      const outcomes = await runQueries(server, world, tokens, specs);
      all.push(...outcomes);
      assert.equal(outcomes.filter((o) => o.failure).length, 0, describeFailures(outcomes));
      const nonEmpty = outcomes.filter((o) => o.expected.length > 0).length;
      assert.ok(
        nonEmpty >= outcomes.length * 0.6,
        `only ${nonEmpty} of ${outcomes.length} random queries select records`,
      );
    });

    test('a page past the end is empty and says so', async () => {
      const spec: QuerySpec = {
        target: targets[0],
        multiStyle: 'repeat',
        dateStyle: 'iso-ms',
        dateFrom: world.spanFrom,
        dateTo: world.spanTo,
        perPage: '1000',
      };
      const params = queryParams(spec);
      params.append('page', '50');
      const res = await fetch(`${server.url}${spec.target.path}?${params}`, {
        headers: { Authorization: `Bearer ${tokens.admin}` },
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as ListBody;
      assert.deepEqual(body.records, []);
      assert.equal(body.paging.page, 50);
      assert.equal(body.navigation.nextPage, undefined);
      assert.ok(body.navigation.previousPage);
    });

    test('the queries exercised every filter on non-empty results where it made a difference', () => {
      assert.ok(all.length > 300, `${all.length} queries ran`);
      const now = Date.now();
      for (const level of ['account', 'extension'] as const) {
        for (const filter of FILTERS) {
          // Deleted records exist only in extensions' logs.
          if (level === 'account' && filter === 'showDeleted') continue;
          const biting = all.filter(
            (o) =>
              o.spec.target.level === level &&
              filtersUsed(o.spec).includes(filter) &&
              o.expected.length > 0 &&
              world.oracle.expect(o.spec, now, filter).length !== o.expected.length,
          );
          assert.ok(
            biting.length > 0,
            `no ${level}-level query where ${filter} selected a non-empty, different result`,
          );
        }
      }
      const multiPage = all.filter((o) => o.expected.length > effectivePerPage(o.spec.perPage));
      assert.ok(multiPage.length >= 10, 'several queries span more than one page');
      assert.ok(
        all.some((o) => o.expected.length > 1000),
        'some query spans more than 1000 records',
      );
    });
  });
