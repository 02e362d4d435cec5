// Every report recomputed by brute force over the generated records (the definitions of docs/reports.md applied
// to each record's fields and legs, without the store's report columns), on both backends, before and after late
// updates, deletions and retention change the data.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallLogLeg, CallLogRecord, Extension } from '../src/domain/index.ts';
import { generateCompany, generateTraffic, type GeneratedCompany } from '../src/generator/index.ts';
import { runReport, parseReportRequest, type ReportRow, LocalClock } from '../src/reports/index.ts';
import { openStore, ReportStore, TelephonyStore, type Store } from '../src/store/index.ts';
import { sql, type CompiledQuery } from 'kysely';
import type { KyselyStore } from '../src/store/kysely-store.ts';
import { HISTOGRAM_FROM_RECORDS } from '../src/store/report-histogram.ts';
import { CONTACTS_FROM_RECORDS } from '../src/store/report-contacts.ts';
import { candidateWindows, DEFAULT_RECONCILE_RULES } from '../src/reports/reconcile.ts';
import { backends, createTestDatabase, type TestDatabase } from './support/backends.ts';

/** How many reports `body` runs are answered from the value histograms (not by the plain path's fallback). */
async function histogramAnswersDuring(body: () => Promise<void>): Promise<number> {
  type Answer = (...args: unknown[]) => Promise<unknown>;
  const proto = ReportStore.prototype as unknown as { percentilesFromHistogram: Answer };
  const original = proto.percentilesFromHistogram;
  let answers = 0;
  proto.percentilesFromHistogram = async function (this: unknown, ...args: unknown[]) {
    const answer = await original.apply(this, args);
    if (answer !== null) answers += 1;
    return answer;
  };
  try {
    await body();
  } finally {
    proto.percentilesFromHistogram = original;
  }
  return answers;
}

const DAY = 86_400_000;
const END = Date.UTC(2025, 2, 14); // spans the change to daylight saving time in Los Angeles (2025-03-09)
const OPTIONS = { seed: 7, extensions: 12, days: 12, callsPerDay: 70, endTime: END };
const TZ = 'America/Los_Angeles';

// ---- the brute force: definitions applied to whole records ----------------------------------------------------

const answered = (r: { result: string }) => r.result === 'Accepted' || r.result === 'Call connected';
const offered = (r: CallLogRecord) => r.direction === 'Inbound' && r.type === 'Voice' && r.result !== 'Blocked';
const sec = (ms: number) => Math.round(ms) / 1000;
const avg = (total: number, n: number) => (n ? Math.round(total / n) / 1000 : null);
const pct = (a: number, b: number) => (b ? Math.round((a / b) * 10000) / 100 : null);

function answerLeg(r: CallLogRecord): CallLogLeg | undefined {
  if (!answered(r)) return undefined;
  for (const l of r.legs) if (l.legType === 'Hunting' && answered(l)) return l;
  for (const l of r.legs) if (!l.master && l.legType !== 'TransferCall' && answered(l)) return l;
  for (const l of r.legs) if (l.master) return l;
  return r.legs[0];
}
const answerAt = (r: CallLogRecord) =>
  Math.min(Math.max(answerLeg(r)!.startTime, r.startTime), r.startTime + r.durationMs);
const talkOf = (r: CallLogRecord) => (answered(r) ? r.startTime + r.durationMs - answerAt(r) : 0);
const waitOf = (r: CallLogRecord) => answerAt(r) - r.startTime;
const agentOf = (r: CallLogRecord) => (answered(r) ? (answerLeg(r)?.extensionId ?? r.extensionId) : null);
function contactOf(r: CallLogRecord): string | null {
  const p = r.direction === 'Inbound' ? r.from : r.to;
  if (p.extensionId !== undefined || p.extensionNumber !== undefined || !p.phoneNumber) return null;
  return p.phoneNumber.replace(/\D/g, '') || null;
}
const entryOf = (r: CallLogRecord) => (r.legs.find((l) => l.master) ?? r.legs[0])?.extensionId ?? null;

function nearestRank(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

interface Scope {
  from: number;
  to: number;
  log: string | null;
  clock: LocalClock;
  businessOnly?: boolean;
}

/** A contact number with calls in `day` (a whole UTC day) of report_contact. */
async function contactOfDay(db: KyselyStore['db'], day: number): Promise<string> {
  const row = await sql<{ contact_digits: string }>`
    select contact_digits from report_contact where start_time = ${day} and n > 0 limit 1`.execute(db);
  return row.rows[0].contact_digits;
}

/** Adds `delta` faxes (and calls) to a contact's row of `day` in report_contact. */
async function bumpContactDay(db: KyselyStore['db'], day: number, contact: string, delta: number): Promise<void> {
  await sql`update report_contact set faxes = faxes + ${delta}, n = n + ${delta}
    where start_time = ${day} and contact_digits = ${contact}`.execute(db);
}

function inScope(records: CallLogRecord[], s: Scope): CallLogRecord[] {
  return records.filter(
    (r) =>
      !r.deleted &&
      r.extensionId === s.log &&
      r.startTime >= s.from &&
      r.startTime < s.to &&
      (s.businessOnly === undefined ||
        s.clock.isBusinessTime(r.startTime, { days: [1, 2, 3, 4, 5], start: 480, end: 1080 }) === s.businessOnly),
  );
}

function bruteOutcomes(rs: CallLogRecord[]): ReportRow {
  const off = rs.filter(offered);
  const ans = off.filter(answered).length;
  const vm = off.filter((r) => r.result === 'Voicemail').length;
  const ab = off.filter((r) => r.result === 'Abandoned').length;
  const out = rs.filter((r) => r.direction === 'Outbound' && r.type === 'Voice');
  return {
    key: 'all',
    calls: rs.length,
    inbound: rs.filter((r) => r.direction === 'Inbound').length,
    offered: off.length,
    answered: ans,
    answerRate: pct(ans, off.length),
    missed: off.length - ans - vm - ab,
    voicemail: vm,
    abandoned: ab,
    blocked: rs.filter((r) => r.direction === 'Inbound' && r.result === 'Blocked').length,
    outbound: out.length,
    connected: out.filter(answered).length,
    faxes: rs.filter((r) => r.type === 'Fax').length,
  };
}

function bruteStats(key: string, metric: string, values: number[]): ReportRow {
  const total = values.reduce((a, b) => a + b, 0);
  const at = (p: number) => {
    const v = nearestRank(values, p);
    return v === null ? null : sec(v);
  };
  return {
    key,
    metric,
    calls: values.length,
    total: sec(total),
    average: avg(total, values.length),
    p50: at(50),
    p90: at(90),
    p95: at(95),
    max: at(100),
  };
}

function bruteDurations(rs: CallLogRecord[]): ReportRow[] {
  const voice = rs.filter((r) => r.type === 'Voice');
  const ans = voice.filter(answered);
  return [
    bruteStats('all', 'talk', ans.map(talkOf)),
    bruteStats('all', 'wait', ans.filter((r) => r.direction === 'Inbound').map(waitOf)),
    bruteStats(
      'all',
      'duration',
      voice.map((r) => r.durationMs),
    ),
  ];
}

function bruteVolumeByDay(rs: CallLogRecord[], s: Scope): ReportRow[] {
  const days = new Map<string, CallLogRecord[]>();
  // Every local day from the one holding `from` to the one holding `to - 1`.
  for (let t = s.from; t < s.to; t += 3_600_000) days.set(localDate(t, s.clock), []);
  for (const r of rs) days.get(localDate(r.startTime, s.clock))!.push(r);
  return [...days].map(([key, list]) => ({
    key,
    calls: list.length,
    inbound: list.filter((r) => r.direction === 'Inbound').length,
    outbound: list.filter((r) => r.direction === 'Outbound').length,
    voice: list.filter((r) => r.type === 'Voice').length,
    fax: list.filter((r) => r.type === 'Fax').length,
    answered: list.filter((r) => r.type === 'Voice' && answered(r)).length,
  }));
}

function localDate(t: number, clock: LocalClock): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: clock.timeZone, dateStyle: 'short' }).format(t);
  return parts;
}

function localWeek(t: number, clock: LocalClock): string {
  const d = localDate(t, clock);
  const day = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return new Date(day - ((new Date(day).getUTCDay() + 6) % 7) * DAY).toISOString().slice(0, 10);
}

function localHour(t: number, clock: LocalClock): string {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone: clock.timeZone, hour: '2-digit', hourCycle: 'h23' });
  return `${localDate(t, clock)} ${hour.format(t)}:00`;
}

/** Rows per group of `label` (every local bucket of the period listed when `everyBucket`), sorted by key. */
function bruteGrouped(
  rs: CallLogRecord[],
  s: Scope,
  label: (r: CallLogRecord) => string,
  bucket: ((t: number) => string) | null,
  rows: (list: CallLogRecord[]) => ReportRow[],
): ReportRow[] {
  const groups = new Map<string, CallLogRecord[]>();
  if (bucket) for (let t = s.from; t < s.to; t += 3_600_000) groups.set(bucket(t), []);
  for (const r of rs) {
    const key = label(r);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([key, list]) => rows(list).map((row) => ({ ...row, key })));
}

function bruteAgents(records: CallLogRecord[], s: Scope, users: Extension[]): ReportRow[] {
  const company = inScope(records, { ...s, log: null });
  return users.map((u) => {
    const rs = inScope(records, { ...s, log: u.id });
    const off = rs.filter(offered);
    const ans = off.filter(answered);
    const out = rs.filter((r) => r.direction === 'Outbound' && r.type === 'Voice');
    const con = out.filter(answered);
    const talk = [...ans, ...con].reduce((a, r) => a + talkOf(r), 0);
    const handled = ans.length + con.length;
    return {
      extensionId: u.id,
      extensionNumber: u.extensionNumber,
      name: u.name,
      offered: off.length,
      answered: ans.length,
      missed: off.length - ans.length,
      outbound: out.length,
      connected: con.length,
      handled,
      talk: sec(talk),
      averageHandle: avg(talk, handled),
      transfersIn: rs.filter((r) => r.action === 'Transfer').length,
      transfersOut: company.filter((r) => agentOf(r) === u.id && r.legs.some((l) => l.legType === 'TransferCall'))
        .length,
    };
  });
}

function bruteQueues(records: CallLogRecord[], s: Scope, queues: Extension[], sla: number): ReportRow[] {
  const company = inScope(records, { ...s, log: null });
  return queues.map((q) => {
    const calls = company.filter((r) => r.direction === 'Inbound' && r.type === 'Voice' && entryOf(r) === q.id);
    const ans = calls.filter(answered);
    const ab = calls.filter((r) => r.result === 'Abandoned');
    const vm = calls.filter((r) => r.result === 'Voicemail').length;
    const inSla = ans.filter((r) => waitOf(r) <= sla * 1000).length;
    return {
      extensionId: q.id,
      extensionNumber: q.extensionNumber,
      name: q.name,
      offered: calls.length,
      answered: ans.length,
      abandoned: ab.length,
      voicemail: vm,
      missed: calls.length - ans.length - ab.length - vm,
      averageSpeedOfAnswer: avg(
        ans.reduce((a, r) => a + waitOf(r), 0),
        ans.length,
      ),
      answeredInSla: inSla,
      serviceLevel: pct(inSla, calls.length),
      averageAbandonWait: avg(
        ab.reduce((a, r) => a + r.durationMs, 0),
        ab.length,
      ),
      talk: sec(ans.reduce((a, r) => a + talkOf(r), 0)),
    };
  });
}

function bruteContacts(rs: CallLogRecord[], unit: number, minimum: number): Map<string, ReportRow> {
  const out = new Map<string, ReportRow>();
  for (const r of rs) {
    const c = contactOf(r);
    if (c === null) continue;
    const row = out.get(c) ?? {
      contact: `+${c}`,
      calls: 0,
      faxes: 0,
      inbound: 0,
      outbound: 0,
      answered: 0,
      talk: 0,
      billable: 0,
    };
    out.set(c, row);
    const add = (k: string, n = 1) => (row[k] = (row[k] as number) + n);
    if (r.type === 'Fax') {
      add('faxes');
      continue;
    }
    add('calls');
    add(r.direction === 'Inbound' ? 'inbound' : 'outbound');
    if (answered(r)) {
      add('answered');
      const talk = talkOf(r);
      add('talk', talk);
      if (talk > 0) add('billable', Math.max(minimum, Math.ceil(talk / (unit * 1000)) * unit));
    }
  }
  for (const row of out.values()) row.talk = sec(row.talk as number);
  return out;
}

// ---- the tests ------------------------------------------------------------------------------------------------

// SQLite both as `ringlog serve` opens it (reports read on two reader threads, their parts at once) and on one
// connection (`ringlog report`, any store opened without readers).
const variants = (await backends()).flatMap((backend) =>
  (backend === 'sqlite' ? [2, 0] : [0]).map((readers) => ({ backend, readers })),
);
/** The SQL texts `fn` runs where the store's reports read (its reads: SQLite's reader threads where it has them). */
async function readsDuring(store: Store, fn: () => Promise<unknown>): Promise<string[]> {
  const executor = (store as KyselyStore).reads.getExecutor();
  const run = executor.executeQuery.bind(executor);
  const seen: string[] = [];
  executor.executeQuery = ((query: CompiledQuery) => {
    seen.push(query.sql);
    return run(query);
  }) as typeof executor.executeQuery;
  try {
    await fn();
  } finally {
    executor.executeQuery = run;
  }
  return seen;
}

for (const { backend, readers } of variants) {
  describe(`reports against brute force (${backend}${readers ? `, ${readers} reader threads` : ''})`, () => {
    let db: TestDatabase;
    let store: Store;
    let company: GeneratedCompany;
    let records: CallLogRecord[];
    let accountId: string;
    const users = () => company.extensions.filter((e) => e.type === 'User');
    const queues = () => company.extensions.filter((e) => e.type === 'Department');
    const from = END - OPTIONS.days * DAY;
    const clock = new LocalClock(TZ);

    const run = (params: Record<string, string>) =>
      runReport(store, accountId, parseReportRequest({ timeZone: TZ, ...params }));
    const iso = (t: number) => new Date(t).toISOString();
    const whole = { from: iso(from), to: iso(END) };

    before(async () => {
      db = await createTestDatabase(backend);
      store = await openStore(db.location, { readers });
      company = generateCompany(OPTIONS);
      accountId = company.account.id;
      records = [...generateTraffic(company, OPTIONS)].flatMap((b) => b.records);
      await store.putAccount(company.account);
      await store.putExtensions(company.extensions);
      await store.upsertRecords(records);
    });
    after(async () => {
      await store.close();
      await db.drop();
    });

    /** The value histograms (report-histogram.ts) hold what the records give, row for row (both backends). */
    const checkHistogram = async () => {
      const db = (store as KyselyStore).db;
      // PostgreSQL hands bigints and sums over as strings: compare numbers.
      const values = (rows: Record<string, unknown>[]) =>
        rows.map((r) => Object.values(r).map((v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v)));
      const kept = await sql<Record<string, unknown>>`
        select account_id, extension_id, grain, start_time, metric, direction, bucket, n, total from report_histogram
        where n <> 0 or total <> 0 order by 1, 2, 3, 4, 5, 6, 7`.execute(db);
      const fresh = await sql<Record<string, unknown>>`
        select * from (${sql.raw(HISTOGRAM_FROM_RECORDS)}) as fresh order by 1, 2, 3, 4, 5, 6, 7`.execute(db);
      assert.ok(fresh.rows.length > 100);
      assert.deepEqual(values(kept.rows), values(fresh.rows));
    };

    /** The per-contact days (report-contacts.ts) hold what the records give, row for row (both backends). */
    const checkContactDays = async () => {
      const db = (store as KyselyStore).db;
      // PostgreSQL hands bigints and sums over as strings: compare numbers.
      const values = (rows: Record<string, unknown>[]) =>
        rows.map((r) => Object.values(r).map((v, i) => (i === 0 || i === 2 ? v : Number(v))));
      const kept = await sql<Record<string, unknown>>`
        select * from report_contact where n <> 0 or talk_ms <> 0 or billed_1 <> 0 order by 1, 2, 3`.execute(db);
      const fresh = await sql<Record<string, unknown>>`${sql.raw(CONTACTS_FROM_RECORDS)}`.execute(db);
      assert.ok(fresh.rows.length > 100);
      assert.deepEqual(values(kept.rows), values(fresh.rows));
    };

    /** `contacts` with each rounding (with and without a minimum the per-contact days can answer) vs brute force. */
    const checkContacts = async (rs: CallLogRecord[], period: { from: string; to: string }) => {
      for (const [rounding, unit, minimum] of [
        ['second', 1, 0],
        ['minute', 60, 60],
        ['6s', 6, 30],
      ] as const) {
        const contacts = await run({ report: 'contacts', rounding, minimum: String(minimum), ...period });
        const expected = bruteContacts(rs, unit, minimum);
        assert.equal(contacts.rows.length, expected.size);
        for (const row of contacts.rows) {
          const { amount, ...rest } = row;
          assert.equal(amount, null);
          assert.deepEqual(rest, expected.get(String(row.contact).slice(1)), `${rounding}, minimum ${minimum}`);
        }
      }
    };

    const checkAll = async () => {
      await checkHistogram();
      await checkContactDays();
      const scope: Scope = { from, to: END, log: null, clock };
      const rs = inScope(records, scope);
      assert.ok(rs.length > 300, 'enough company records to be meaningful');

      assert.deepEqual((await run({ report: 'outcomes', ...whole })).rows, [bruteOutcomes(rs)]);
      assert.deepEqual((await run({ report: 'durations', ...whole })).rows, bruteDurations(rs));
      assert.deepEqual((await run({ report: 'volume', by: 'day', ...whole })).rows, bruteVolumeByDay(rs, scope));
      assert.deepEqual((await run({ report: 'agents', ...whole })).rows, bruteAgents(records, scope, users()));
      assert.deepEqual(
        (await run({ report: 'queues', sla: '15', ...whole })).rows,
        bruteQueues(records, scope, queues(), 15),
      );

      // Groupings by local hour, week and month (buckets computed in SQL from the zone's offsets) and by a field.
      const week = (t: number) => localWeek(t, clock);
      const month = (t: number) => localDate(t, clock).slice(0, 7);
      const hour = (t: number) => localHour(t, clock);
      for (const [by, bucket] of [
        ['week', week],
        ['month', month],
        ['hour', hour],
      ] as const) {
        const label = (r: CallLogRecord) => bucket(r.startTime);
        // (The hour the clock skips at the change to daylight saving time is listed, empty: compare hours with calls.)
        const withCalls = (rows: ReportRow[]) => (by === 'hour' ? rows.filter((r) => r.calls !== 0) : rows);
        assert.deepEqual(
          withCalls((await run({ report: 'outcomes', by, ...whole })).rows),
          withCalls(bruteGrouped(rs, scope, label, bucket, (list) => [bruteOutcomes(list)])),
          `outcomes by ${by}`,
        );
      }
      // In UTC the rollup's whole days line up with days, weeks and months, and its ten-day periods with none of them.
      const utc: Scope = { ...scope, clock: new LocalClock('UTC') };
      assert.deepEqual(
        (await run({ report: 'volume', by: 'day', timeZone: 'UTC', ...whole })).rows,
        bruteVolumeByDay(rs, utc),
        'volume by UTC day',
      );
      for (const [by, bucket] of [
        ['week', (t: number) => localWeek(t, utc.clock)],
        ['month', (t: number) => localDate(t, utc.clock).slice(0, 7)],
      ] as const) {
        assert.deepEqual(
          (await run({ report: 'outcomes', by, timeZone: 'UTC', ...whole })).rows,
          bruteGrouped(
            rs,
            utc,
            (r) => bucket(r.startTime),
            bucket,
            (list) => [bruteOutcomes(list)],
          ),
          `outcomes by UTC ${by}`,
        );
      }
      assert.deepEqual(
        (await run({ report: 'durations', by: 'week', ...whole })).rows,
        bruteGrouped(rs, scope, (r) => week(r.startTime), week, bruteDurations),
      );
      assert.deepEqual(
        (await run({ report: 'durations', by: 'type', ...whole })).rows,
        bruteGrouped(rs, scope, (r) => r.type, null, bruteDurations),
      );
      // Percentiles from the company log's value histograms: by direction, and by UTC day (days line up). Both must
      // be answered by the histograms (the plain path gives the same figures, so count the answers).
      const answers = await histogramAnswersDuring(async () => {
        assert.deepEqual(
          (await run({ report: 'durations', by: 'direction', ...whole })).rows,
          bruteGrouped(rs, scope, (r) => r.direction, null, bruteDurations),
        );
        const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);
        assert.deepEqual(
          (await run({ report: 'durations', by: 'day', timeZone: 'UTC', ...whole })).rows,
          bruteGrouped(rs, scope, (r) => utcDay(r.startTime), utcDay, bruteDurations),
        );
      });
      assert.equal(answers, 2, 'durations answered from report_histogram');
      assert.deepEqual(
        (await run({ report: 'outcomes', by: 'result', ...whole })).rows,
        bruteGrouped(
          rs,
          scope,
          (r) => r.result,
          null,
          (list) => [bruteOutcomes(list)],
        ),
      );

      // Local midnights: whole UTC days from report_contact, the partial ones from the records.
      await checkContacts(rs, whole);

      // Business hours in the company's zone, one user's log, one queue.
      const business = inScope(records, { ...scope, businessOnly: true });
      const after = inScope(records, { ...scope, businessOnly: false });
      assert.deepEqual((await run({ report: 'outcomes', hours: 'business', ...whole })).rows, [
        bruteOutcomes(business),
      ]);
      assert.deepEqual((await run({ report: 'outcomes', hours: 'after', ...whole })).rows, [bruteOutcomes(after)]);
      const user = users()[1];
      assert.deepEqual((await run({ report: 'outcomes', extension: user.extensionNumber, ...whole })).rows, [
        bruteOutcomes(inScope(records, { ...scope, log: user.id })),
      ]);
      const queue = queues()[0];
      const viaQueue = rs.filter((r) => entryOf(r) === queue.id);
      assert.deepEqual((await run({ report: 'outcomes', queue: queue.id, ...whole })).rows, [bruteOutcomes(viaQueue)]);
      const members = await run({ report: 'queue-members', queue: queue.id, ...whole });
      const answeredViaQueue = viaQueue.filter((r) => r.type === 'Voice' && r.direction === 'Inbound' && answered(r));
      assert.equal(
        members.rows.reduce((a, r) => a + (r.answered as number), 0),
        answeredViaQueue.length,
      );
      for (const row of members.rows) {
        const mine = answeredViaQueue.filter((r) => agentOf(r) === row.extensionId);
        assert.equal(row.answered, mine.length);
        assert.equal(row.talk, sec(mine.reduce((a, r) => a + talkOf(r), 0)));
      }
    };

    it('every report equals the brute-force figures over the generated records', async () => {
      await checkAll();
    });

    it('contacts reads whole UTC days from report_contact and the partial ones from the records', async () => {
      const db = (store as KyselyStore).db;
      const start = from + 2 * DAY + 5 * 3_600_000 + 1234;
      const end = from + 8 * DAY + 17 * 3_600_000;
      const period = { from: iso(start), to: iso(end) };
      await checkContacts(inScope(records, { from: start, to: end, log: null, clock }), period);
      // A changed row of a whole day shows in the report: it is read (and a minimum above the unit is not).
      const day = Math.ceil(start / DAY) * DAY;
      const contact = await contactOfDay(db, day);
      const faxesOf = async (minimum: string) =>
        (await run({ report: 'contacts', minimum, ...period })).rows.find((r) => r.contact === `+${contact}`)!.faxes;
      const before = [await faxesOf('0'), await faxesOf('30')];
      // Reconcile's count of the period's outside calls takes its whole days from the same rows.
      const outside = () =>
        store.reports.count({ accountId, logs: [null], dateFrom: start, dateTo: end - 1, external: true });
      const counted = inScope(records, { from: start, to: end, log: null, clock }).filter((r) => contactOf(r) !== null);
      assert.equal(await outside(), counted.length);
      await bumpContactDay(db, day, contact, 1000);
      try {
        assert.deepEqual([await faxesOf('0'), await faxesOf('30')], [Number(before[0]) + 1000, before[1]]);
        assert.equal(await outside(), counted.length + 1000);
      } finally {
        await bumpContactDay(db, day, contact, -1000);
      }
    });

    it('contacts reads its whole days in two ranges of numbers where SQLite reads on two threads', async () => {
      const seen = await readsDuring(store, () =>
        run({ report: 'contacts', from: iso(from + 2 * DAY + 1234), to: iso(from + 8 * DAY) }),
      );
      const days = seen.filter((text) => /from report_contact/.test(text));
      const ranges = days.filter((text) => /contact_digits (<|>=) \?/.test(text));
      // Each number in one range only: brute force above checks the sums.
      if (backend === 'sqlite' && readers > 1) assert.equal(ranges.length, 2, days.join('\n'));
      else assert.equal(ranges.length, 0, days.join('\n'));
    });

    it('contacts of a period that is a small part of a long archive reads its records by time (SQLite)', async () => {
      const db = (store as KyselyStore).db;
      // A company record three years back makes the period below (two and a half days, one of them whole) under 1/30
      // of the log's span.
      const model = records.find((r) => r.extensionId === null && contactOf(r) !== null)!;
      const old: CallLogRecord = { ...model, id: `${model.id}0ld`, startTime: from - 3 * 365 * DAY };
      await store.upsertRecords([old]);
      try {
        const start = from + 3 * DAY + 5 * 3_600_000;
        const end = from + 5 * DAY + 17 * 3_600_000;
        const period = { from: iso(start), to: iso(end) };
        await checkContacts(inScope(records, { from: start, to: end, log: null, clock }), period);
        // A changed row of its whole day shows only where report_contact is read: PostgreSQL (keyed by time, it
        // reads it for any period), not SQLite (by time from the records).
        const day = Math.ceil(start / DAY) * DAY;
        const contact = await contactOfDay(db, day);
        const faxes = async () =>
          (await run({ report: 'contacts', ...period })).rows.find((r) => r.contact === `+${contact}`)!.faxes;
        const before = Number(await faxes());
        await bumpContactDay(db, day, contact, 1000);
        try {
          assert.equal(await faxes(), backend === 'sqlite' ? before : before + 1000);
        } finally {
          await bumpContactDay(db, day, contact, -1000);
        }
      } finally {
        assert.equal(await store.purgeLog({ accountId, extensionId: null }, from - DAY, 100), 1);
      }
    });

    it('an unbounded period is answered; a time grouping past 10,000 buckets is refused with a 400 naming the limit', async () => {
      const unbounded = { from: '1970-01-02', to: '2100-01-01' };
      const scope: Scope = { from: Date.UTC(1970, 0, 2), to: Date.UTC(2100, 0, 1), log: null, clock };
      assert.deepEqual((await run({ report: 'outcomes', ...unbounded })).rows, [
        bruteOutcomes(inScope(records, scope)),
      ]);
      const months = await run({ report: 'volume', by: 'month', ...unbounded });
      assert.equal(months.rows.length, 130 * 12);
      assert.equal(
        months.rows.reduce((n, r) => n + Number(r.calls), 0),
        inScope(records, scope).length,
      );
      await assert.rejects(run({ report: 'volume', by: 'hour', ...unbounded }), (e: Error & { status?: number }) => {
        assert.equal(e.status, 400);
        assert.match(e.message, /Parameter \[by\] value is invalid: at most 10,000 hour buckets/);
        return true;
      });
    });

    it('a 3-day window in local days (dates mean local midnight) counts only what started in it', async () => {
      const res = await run({ report: 'outcomes', from: '2025-03-08', to: '2025-03-11' });
      const start = Date.UTC(2025, 2, 8, 8); // PST midnight
      const end = Date.UTC(2025, 2, 11, 7); // PDT midnight
      assert.equal(res.from, iso(start));
      assert.equal(res.to, iso(end));
      assert.deepEqual(res.rows, [bruteOutcomes(inScope(records, { from: start, to: end, log: null, clock }))]);
      const days = await run({ report: 'volume', by: 'day', from: '2025-03-08', to: '2025-03-11' });
      assert.deepEqual(
        days.rows.map((r) => r.key),
        ['2025-03-08', '2025-03-09', '2025-03-10'],
      );
    });

    it('a period starting and ending inside an hour adds its partial hours to its whole hours and days', async () => {
      // Reports read whole days and hours from the rollup and the partial hours from the records.
      const start = from + 3 * DAY + 37 * 60_000 + 12_345;
      const end = from + 9 * DAY + 13 * 3_600_000 + 59 * 60_000 + 1;
      const scope: Scope = { from: start, to: end, log: null, clock };
      const res = await run({ report: 'outcomes', from: iso(start), to: iso(end) });
      assert.deepEqual(res.rows, [bruteOutcomes(inScope(records, scope))]);
      assert.deepEqual(
        (await run({ report: 'durations', from: iso(start), to: iso(end) })).rows,
        bruteDurations(inScope(records, scope)),
      );
      const hours = await run({ report: 'volume', by: 'hour', from: iso(start), to: iso(end) });
      assert.equal(
        hours.rows.reduce((n, r) => n + Number(r.calls), 0),
        inScope(records, scope).length,
      );
    });

    /** A late update of an answered record: it becomes a missed call, `laterMs` newer. */
    const missedLater = (target: CallLogRecord, laterMs: number): CallLogRecord => ({
      ...target,
      result: 'Missed',
      legs: target.legs.map((l) => ({ ...l, result: l.master ? 'Missed' : l.result })),
      lastModifiedTime: target.lastModifiedTime + laterMs,
    });

    it('late updates, deletions and retention are reflected', async () => {
      // A late update: a company record's answered call becomes a missed one (newer lastModifiedTime).
      const target = records.find((r) => r.extensionId === null && r.direction === 'Inbound' && answered(r))!;
      const updated = missedLater(target, 60_000);
      // A stale update (older lastModifiedTime) must change nothing.
      const other = records.find((r) => r.extensionId === null && r.id !== target.id && answered(r))!;
      const stale: CallLogRecord = { ...other, result: 'Missed', lastModifiedTime: other.lastModifiedTime - 1 };
      await store.upsertRecords([updated, stale]);
      records = records.map((r) => (r.id === target.id ? updated : r));

      // An owner deletes their log up to a day; retention purges the company log's first two days.
      const user = users()[2];
      const cut = from + 5 * DAY;
      await store.deleteLogRecords(accountId, user.id, cut, END);
      records = records.map((r) => (r.extensionId === user.id && r.startTime < cut ? { ...r, deleted: true } : r));
      await store.purgeLog({ accountId, extensionId: null }, from + 2 * DAY, 100_000);
      records = records.filter((r) => !(r.extensionId === null && r.startTime < from + 2 * DAY));

      await checkAll();
    });

    it('records the session assembler writes (a new one, a late update) are reflected', async () => {
      const tables = new TelephonyStore(store);
      const target = records.find((r) => r.extensionId === null && r.direction === 'Inbound' && answered(r))!;
      const updated = missedLater(target, 120_000);
      const fresh: CallLogRecord = { ...target, id: `${target.id}9` };
      await tables.transaction((trx) => tables.writeRecords(trx, [updated, fresh], [], END));
      records = [...records.map((r) => (r.id === target.id ? updated : r)), fresh];
      await checkAll();
    });

    it('reconciles a file with shifted times, reformatted numbers, missing and extra calls', async () => {
      const window = { from: iso(END - 2 * DAY), to: iso(END) };
      const outside = inScope(records, { from: END - 2 * DAY, to: END, log: null, clock }).filter(
        (r) => contactOf(r) !== null,
      );
      assert.ok(outside.length > 20);
      const kept = outside.filter((_, i) => i % 5 !== 0); // every fifth call is missing from the file
      const format = (digits: string, i: number) =>
        i % 3 === 0
          ? `(${digits.slice(1, 4)}) ${digits.slice(4, 7)}-${digits.slice(7)}`
          : i % 3 === 1
            ? `+${digits}`
            : `001${digits}`.replace(/^001/, '00');
      const lines = kept.map((r, i) => {
        const shift = ((i % 7) - 3) * 9_000; // up to 27 s either way
        const digits = contactOf(r)!;
        const number = digits.length === 11 && digits.startsWith('1') ? format(digits, i) : `+${digits}`;
        return `${iso(r.startTime + shift)},${JSON.stringify(number)},${Math.round(r.durationMs / 1000) + (i % 3) - 1}`;
      });
      lines.push(`${iso(END - DAY)},+15550000000,60`); // a call ringlog never saw
      const csv = ['Start Time,Phone Number,Duration', ...lines].join('\n');
      const rows = csv.split('\n').map((line, i) => ({ cells: splitCsv(line), line: i + 1 }));
      const { externalCallsFromCsv } = await import('../src/reports/index.ts');
      const res = await runReport(
        store,
        accountId,
        parseReportRequest({ report: 'reconcile', timeZone: TZ, ...window }),
        externalCallsFromCsv(rows),
      );
      const by = (status: string) => res.rows.filter((r) => r.status === status);
      assert.equal(by('matched').length, kept.length);
      assert.deepEqual(
        by('matched')
          .map((r) => r.recordId)
          .sort(),
        kept.map((r) => r.id).sort(),
      );
      assert.deepEqual(
        by('only-in-ringlog')
          .map((r) => r.recordId)
          .sort(),
        outside
          .filter((_, i) => i % 5 === 0)
          .map((r) => r.id)
          .sort(),
      );
      assert.deepEqual(
        by('only-in-file').map((r) => r.fileNumber),
        ['+15550000000'],
      );

      // Tighter tolerances than the shifts leave the shifted calls unmatched.
      const strict = await runReport(
        store,
        accountId,
        parseReportRequest({ report: 'reconcile', timeZone: TZ, timeTolerance: '5', ...window }),
        externalCallsFromCsv(rows),
      );
      assert.ok(strict.rows.filter((r) => r.status === 'matched').length < kept.length);
    });

    it("reconcile's candidates are the same read in time order and along the contact index (SQLite's two plans)", async () => {
      const q = { accountId, logs: [null], dateFrom: END - 3 * DAY, dateTo: END - 1 };
      const outside = inScope(records, { from: q.dateFrom, to: END, log: null, clock }).filter(
        (r) => contactOf(r) !== null,
      );
      // Every third outside call, 20 s late; windows of a minute either way.
      const calls = outside
        .filter((_, i) => i % 3 === 0)
        .map((r, i) => ({ line: i + 2, startTime: r.startTime + 20_000, number: `+${contactOf(r)}` }));
      const windows = candidateWindows(
        calls,
        { ...DEFAULT_RECONCILE_RULES, timeToleranceSeconds: 60 },
        q.dateFrom,
        q.dateTo,
      );
      const inWindow = outside.filter((r) =>
        windows.some((w) => w.digits === contactOf(r) && r.startTime >= w.from && r.startTime <= w.to),
      );
      assert.ok(inWindow.length >= calls.length);
      for (const [outsideCalls, index] of [
        [0, 'call_log_report'],
        [1e12, 'call_log_contact'],
      ] as const) {
        const seen = await readsDuring(store, async () => {
          const found = await store.reports.outsideCandidates(q, windows, outsideCalls);
          assert.deepEqual(found.map((c) => c.id).sort(), inWindow.map((r) => r.id).sort());
        });
        if (backend === 'sqlite')
          assert.ok(
            seen.some((text) => text.includes(`indexed by ${index}`)),
            seen.join('\n'),
          );
      }
    });
  });
}

/** Splits one CSV line (quoted fields without embedded quotes). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)) {
    if (m.index === line.length && m[0] === '') break;
    out.push(m[2] ?? m[1]);
  }
  return out;
}
