// The deterministic company and call traffic behind `ringlog seed`: a company of users and call queues, and
// its call log over a span of days, yielded day by day. Same options, byte-identical output.

import type { Account, CallLogRecord, Extension, RecordingMeta, Role } from '../domain/index.ts';
import {
  COMPANY_SUFFIXES,
  COMPANY_TRADES,
  COMPANY_WORDS,
  CITIES,
  FIRST_NAMES,
  LAST_NAMES,
  LOCAL_CITY_COUNT,
  QUEUE_CATALOGUE,
} from './company-catalogue.ts';
import type { DirectoryEntry } from '../telephony/index.ts';
import { GeneratedIds } from './generated-ids.ts';
import { DAY_MS, SeededRandom } from '../domain/index.ts';
import { callStartTimes, COMPANY_TIME_ZONE } from './traffic-calendar.ts';
import { TrafficWorld, usNumber } from './traffic-parties.ts';
import { callAssembler, settleRecords } from './scripted-call.ts';
import { scriptSession, type ScriptWorld } from './traffic-scripts.ts';
import { sessionsOf } from './session-script.ts';

export interface SeedOptions {
  seed: number;
  /** Number of users (User extensions); the call queues come on top. At least 2. */
  extensions: number;
  days: number;
  /** Average number of calls (sessions) on a weekday. */
  callsPerDay: number;
  /** Epoch ms; the data covers [endTime - days * 86400000, endTime). */
  endTime: number;
}

export interface CallQueue {
  extensionId: string;
  /** User extensions the queue rings, in rotation order. */
  memberIds: string[];
  autoRecord: boolean;
}

export interface UserCallSettings {
  extensionId: string;
  /** Every call the user answers is recorded. */
  autoRecord: boolean;
  /** Mobile number FindMe rings alongside the desk phone, or null. */
  findMeNumber: string | null;
}

export interface GeneratedCompany {
  account: Account;
  /** Users first (101 is an admin, 102 a regular user, ...), then the call queues (Department extensions). */
  extensions: Extension[];
  /** IANA zone of the company clock that shapes business hours. */
  timeZone: string;
  /** Call handling of each user, in the order of `extensions`. */
  users: UserCallSettings[];
  queues: CallQueue[];
  /** Numbers on the company block list (E.164). */
  blockedNumbers: string[];
}

export interface TrafficBatch {
  records: CallLogRecord[];
  recordings: RecordingMeta[];
  /** The day (0 = the first) whose calls these are. */
  day: number;
  /** Whether this is the day's last batch. */
  endsDay: boolean;
}

/**
 * A batch is cut after the call that brings it to this many records (a call's records and recording stay in one
 * batch), so memory does not grow with the calls per day.
 */
export const TRAFFIC_BATCH_RECORDS = 2_000;

const COMPANY_STREAM = 1;
const TRAFFIC_STREAM = 2;

/** Company shape: extra admins, auto-recorded and FindMe users, queue count and size, block list length. */
export const COMPANY_SHAPE = {
  extraAdminShare: 0.03,
  autoRecordUserShare: 0.15,
  findMeUserShare: 0.2,
  queues: (users: number) => Math.min(QUEUE_CATALOGUE.length, 2 + Math.floor(users / 50)),
  queueSize: (users: number) => Math.min(12, Math.max(2, Math.round(users * 0.08) + 2)),
  blockedNumbers: (users: number) => 10 + Math.floor(users / 20),
} as const;

function validate(opts: SeedOptions): void {
  const wholeAtLeast = (value: number, min: number) => Number.isInteger(value) && value >= min;
  if (!Number.isFinite(opts.seed)) throw new RangeError('seed must be a finite number');
  if (!wholeAtLeast(opts.extensions, 2)) throw new RangeError('extensions must be an integer of at least 2');
  if (!wholeAtLeast(opts.days, 0)) throw new RangeError('days must be a non-negative integer');
  if (!(opts.callsPerDay >= 0 && Number.isFinite(opts.callsPerDay)))
    throw new RangeError('callsPerDay must be a non-negative number');
  if (!Number.isFinite(opts.endTime)) throw new RangeError('endTime must be epoch milliseconds');
}

/** Numbers unique within the company, in the 650 area code. */
class NumberPlan {
  private readonly used = new Set<string>();
  constructor(private readonly rng: SeededRandom) {}

  next(areaCode = '650'): string {
    for (;;) {
      const n = usNumber(this.rng, areaCode);
      if (!this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
  }
}

/** Increasing numeric ids in RingCentral's 12-digit style (ending like the account's id). */
class ExtensionIds {
  private current: number;
  constructor(
    private readonly rng: SeededRandom,
    accountNumber: number,
  ) {
    this.current = accountNumber + 1000 * (1000 + rng.int(1000));
  }

  next(): string {
    this.current += 1000 * (1 + this.rng.int(5));
    return String(this.current);
  }
}

function companyName(rng: SeededRandom): string {
  return `${rng.pick(COMPANY_WORDS)} ${rng.pick(COMPANY_TRADES)} ${rng.pick(COMPANY_SUFFIXES)}`;
}

function personName(rng: SeededRandom, taken: Set<string>): string {
  let name = '';
  for (let i = 0; i < 20; i++) {
    name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    if (!taken.has(name)) break;
  }
  taken.add(name);
  return name;
}

/** Indexes (into the user list) of the admins: 0 (extension 101) and a few from 103 on, never 102. */
function adminIndexes(rng: SeededRandom, users: number): Set<number> {
  const admins = new Set([0]);
  const extra = Math.min(users - 2, Math.round(users * COMPANY_SHAPE.extraAdminShare));
  while (admins.size < extra + 1) admins.add(2 + rng.int(users - 2));
  return admins;
}

/** The company of `opts.extensions` users and a few call queues. Deterministic for `opts.seed`. */
export function generateCompany(opts: SeedOptions): GeneratedCompany {
  validate(opts);
  const rng = new SeededRandom(opts.seed, COMPANY_STREAM);
  const accountNumber = 400_000_000_000 + rng.int(100_000_000) * 1000 + 8;
  const accountId = String(accountNumber);
  const numbers = new NumberPlan(rng);
  const extIds = new ExtensionIds(rng, accountNumber);
  const firstDay = opts.endTime - opts.days * DAY_MS;
  const account: Account = {
    id: accountId,
    name: companyName(rng),
    mainNumber: numbers.next(),
    createdAt: Math.floor((firstDay - (30 + rng.int(700)) * DAY_MS) / 1000) * 1000,
  };
  const admins = adminIndexes(rng, opts.extensions);
  const taken = new Set<string>();
  const extensions: Extension[] = [];
  const users: UserCallSettings[] = [];
  for (let i = 0; i < opts.extensions; i++) {
    const role: Role = admins.has(i) ? 'admin' : 'user';
    const ext: Extension = {
      id: extIds.next(),
      accountId,
      extensionNumber: String(101 + i),
      name: personName(rng, taken),
      type: 'User',
      status: 'Enabled',
      role,
      phoneNumbers: [numbers.next()],
    };
    extensions.push(ext);
    users.push({
      extensionId: ext.id,
      autoRecord: rng.chance(COMPANY_SHAPE.autoRecordUserShare),
      findMeNumber: rng.chance(COMPANY_SHAPE.findMeUserShare)
        ? usNumber(rng, rng.pick(CITIES.slice(0, LOCAL_CITY_COUNT)).areaCode)
        : null,
    });
  }
  const queues = makeQueues(rng, opts.extensions, extensions, { accountId, numbers, extIds });
  const blockedNumbers = Array.from({ length: COMPANY_SHAPE.blockedNumbers(opts.extensions) }, () =>
    usNumber(rng, rng.pick(CITIES).areaCode),
  );
  return { account, extensions, timeZone: COMPANY_TIME_ZONE, users, queues, blockedNumbers };
}

/** Department extensions numbered after the users' next hundred, each with members drawn among users 102 and up. */
function makeQueues(
  rng: SeededRandom,
  userCount: number,
  extensions: Extension[],
  ctx: { accountId: string; numbers: NumberPlan; extIds: ExtensionIds },
): CallQueue[] {
  const base = (Math.floor((100 + userCount) / 100) + 1) * 100;
  const candidates = extensions.slice(1).map((e) => e.id);
  const size = Math.min(candidates.length, COMPANY_SHAPE.queueSize(userCount));
  return QUEUE_CATALOGUE.slice(0, COMPANY_SHAPE.queues(userCount)).map((q, i) => {
    const ext: Extension = {
      id: ctx.extIds.next(),
      accountId: ctx.accountId,
      extensionNumber: String(base + 1 + i),
      name: q.name,
      type: 'Department',
      status: 'Enabled',
      role: 'user',
      phoneNumbers: [ctx.numbers.next()],
    };
    extensions.push(ext);
    const pool = [...candidates];
    const memberIds = Array.from({ length: size }, () => pool.splice(rng.int(pool.length), 1)[0]);
    return { extensionId: ext.id, memberIds, autoRecord: q.autoRecord };
  });
}

/**
 * Yields the company's call log in chronological batches, one per 24 h from the start of the span, so
 * 1,000,000 records never sit in memory at once. Sessions still running (records not final) at endTime are left out.
 */
export function generateTraffic(company: GeneratedCompany, opts: SeedOptions): Generator<TrafficBatch> {
  validate(opts);
  return dailyBatches(company, opts);
}

function* dailyBatches(company: GeneratedCompany, opts: SeedOptions): Generator<TrafficBatch> {
  const rng = new SeededRandom(opts.seed, TRAFFIC_STREAM);
  const ctx: ScriptWorld = {
    rng,
    ids: new GeneratedIds(rng),
    accountId: company.account.id,
    world: new TrafficWorld(company, rng),
  };
  const assembler = callAssembler(company.account.id, companyDirectory(company));
  const firstDay = opts.endTime - opts.days * DAY_MS;
  for (let day = 0; day < opts.days; day++) {
    const from = firstDay + day * DAY_MS;
    let batch: TrafficBatch = { records: [], recordings: [], day, endsDay: false };
    for (const start of callStartTimes(rng, from, from + DAY_MS, opts.callsPerDay)) {
      for (const script of sessionsOf(scriptSession(ctx, start))) {
        // A linked session (a warm transfer's consultation) that starts on the next day is left out of the day.
        if (script.start >= from + DAY_MS) continue;
        const { records, recording } = assembler.assemble(script);
        if (!settleRecords(rng, opts.endTime, records, recording)) continue;
        for (const record of records) batch.records.push(record);
        if (recording) batch.recordings.push(recording);
      }
      if (batch.records.length >= TRAFFIC_BATCH_RECORDS) {
        yield batch;
        batch = { records: [], recordings: [], day, endsDay: false };
      }
    }
    yield { ...batch, endsDay: true };
  }
}

/** The company's extensions as the assembler looks them up. */
export function companyDirectory(company: GeneratedCompany): Map<string, DirectoryEntry> {
  return new Map(
    company.extensions.map((e) => [e.id, { extensionNumber: e.extensionNumber, name: e.name, type: e.type }]),
  );
}
