// call-log-sync (FSync/ISync) and DELETE of an extension's call log, as a client keeping a copy of a log meets
// them: what each answer holds, what the next one adds, the tokens' and permissions' failures.
//
// Clocks: the API clock (`now`) stamps sync times and deletions, while the store stamps what it writes with the
// wall clock. So the tests keep the API clock on the wall clock for writes, and put it SYNC_SAFETY_MS ahead of
// the wall clock for a sync: every write made before the sync is then out of the next ISync's safety margin.

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { MAX_SYNC_RECORDS, SYNC_SAFETY_MS } from '../src/api/call-log-sync.ts';
import type { CallLogRecord } from '../src/domain/index.ts';
import { generateCompany, generateTraffic, type SeedOptions } from '../src/generator/index.ts';
import { backends } from './support/backends.ts';
import { assertSchema } from './support/rc-schema.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { JWT_GRANT, jwtAccessToken } from './support/oauth.ts';

const API = '/restapi/v1.0';
/** A `dateFrom` before all the generated history (the list's default window is the last 24 h). */
const EVER = 'dateFrom=2000-01-01T00:00:00.000Z';
const MISSED = new Set(['Missed', 'Voicemail']);

interface RecordBody {
  id: string;
  uri: string;
  startTime: string;
  result: string;
  deleted?: boolean;
  lastModifiedTime?: string;
  legs?: unknown[];
}

interface SyncBody {
  uri: string;
  records: RecordBody[];
  syncInfo: { syncType: string; syncToken: string; syncTime: string };
}

interface ErrorBody {
  errorCode: string;
  message: string;
  errors: { errorCode: string; message: string; parameterName?: string }[];
  parameterName?: string;
}

interface Reply<T> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

/** The generated data ends shortly before the wall clock, so the log is "up to now" whatever the date. */
function recentSeed(): Partial<SeedOptions> {
  return { endTime: Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000 };
}

/** Waits until the wall clock has moved on by at least a millisecond. */
async function wallTick(): Promise<void> {
  const start = Date.now();
  while (Date.now() === start) await sleep(1);
}

async function call<T>(server: TestServer, path: string, token: string, method = 'GET'): Promise<Reply<T>> {
  const response = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: (text ? JSON.parse(text) : undefined) as T };
}

function login(
  server: TestServer,
  jwt: string,
  clientId = server.credentials.clientId,
  clientSecret = server.credentials.clientSecret,
): Promise<string> {
  return jwtAccessToken(server, jwt, { clientId, clientSecret });
}

/** `~` (the caller's own log), an extension id, or null for the company log. */
type Log = string | null;

const syncPath = (log: Log, query: string) =>
  log === null ? `${API}/account/~/call-log-sync?${query}` : `${API}/account/~/extension/${log}/call-log-sync?${query}`;
const listPath = (log: Log, query: string) =>
  log === null ? `${API}/account/~/call-log?${query}` : `${API}/account/~/extension/${log}/call-log?${query}`;

async function sync(server: TestServer, token: string, log: Log, query: string): Promise<SyncBody> {
  const reply = await call<SyncBody>(server, syncPath(log, query), token);
  assert.equal(reply.status, 200, `${syncPath(log, query)}: ${reply.text.slice(0, 300)}`);
  assertSchema('CallLogSync', reply.body);
  return reply.body;
}

const isync = (server: TestServer, token: string, log: Log, syncToken: string, extra = '') =>
  sync(server, token, log, `syncType=ISync&syncToken=${encodeURIComponent(syncToken)}${extra ? `&${extra}` : ''}`);

/** The whole log as the list shows it (newest first). */
async function fullList(server: TestServer, token: string, log: Log, query = ''): Promise<RecordBody[]> {
  const path = listPath(log, `${EVER}&perPage=1000${query ? `&${query}` : ''}`);
  const reply = await call<{ records: RecordBody[] }>(server, path, token);
  assert.equal(reply.status, 200, reply.text.slice(0, 300));
  return reply.body.records;
}

function assertError(
  reply: Reply<ErrorBody>,
  status: number,
  codes: RegExp,
  parameterName: string | undefined,
  what: string,
) {
  assert.equal(reply.status, status, `${what}: ${reply.text.slice(0, 300)}`);
  assert.match(reply.body.errorCode, codes, what);
  assert.match(reply.body.errors[0].errorCode, codes, what);
  if (parameterName !== undefined) {
    assert.equal(reply.body.parameterName, parameterName, what);
    assert.equal(reply.body.errors[0].parameterName, parameterName, what);
  }
}

const ids = (records: { id: string }[]) => records.map((r) => r.id);
const time = (r: RecordBody) => Date.parse(r.startTime);

function assertNewestFirst(records: RecordBody[], what: string): void {
  for (let i = 1; i < records.length; i++) {
    assert.ok(time(records[i - 1]) >= time(records[i]), `${what}: ${records[i - 1].id} before ${records[i].id}`);
  }
}

/** The generated records of one log, as the store was seeded with them. */
function generatedRecords(seed: SeedOptions, extensionId: string | null): CallLogRecord[] {
  const out: CallLogRecord[] = [];
  for (const batch of generateTraffic(generateCompany(seed), seed)) {
    for (const r of batch.records) if (r.extensionId === extensionId) out.push(r);
  }
  return out;
}

/** The record as a source writes it again after a change: a newer lastModifiedTime. */
function touched(r: CallLogRecord): CallLogRecord {
  return { ...structuredClone(r), lastModifiedTime: Math.max(r.lastModifiedTime + 1000, Date.now()) };
}

/** A copy of `model` as a brand-new call in the same log. */
function newCall(model: CallLogRecord, id: string, startTime: number): CallLogRecord {
  const copy = structuredClone(model);
  return {
    ...copy,
    id,
    sessionId: `9${id.replace(/\D/g, '')}0001`,
    telephonySessionId: `s-${id}`,
    startTime,
    lastModifiedTime: startTime + copy.durationMs + 1000,
    deleted: false,
    legs: copy.legs.map((leg) => ({ ...leg, startTime })),
  };
}

for (const backend of await backends()) {
  describe(`call-log-sync FSync (${backend})`, () => {
    let server: TestServer;
    let clock = Date.now();
    let admin: string;

    before(async () => {
      server = await startTestServer({ backend, now: () => clock, seed: recentSeed() });
      admin = await login(server, server.credentials.admin.jwt);
      await wallTick();
      clock = Date.now() + SYNC_SAFETY_MS;
    });
    after(() => server.close());

    test('returns the newest recordCount records, as the list shows them in the same view', async () => {
      for (const log of ['~', null]) {
        for (const view of ['Simple', 'Detailed']) {
          const what = `${log ?? 'company'} ${view}`;
          const body = await sync(server, admin, log, `syncType=FSync&recordCount=7&view=${view}`);
          const list = await fullList(server, admin, log, `view=${view}`);
          assert.ok(list.length > 7, what);
          assert.deepEqual(body.records, list.slice(0, 7), what);
          assert.equal(body.syncInfo.syncType, 'FSync', what);
          assert.equal(body.syncInfo.syncTime, new Date(clock).toISOString(), what);
          assert.ok(body.syncInfo.syncToken.length > 0, what);
          const uri = new URL(body.uri);
          assert.equal(uri.origin, server.url, what);
          const extension = log === null ? '' : `/extension/${server.credentials.admin.extensionId}`;
          assert.equal(uri.pathname, `${API}/account/${server.credentials.accountId}${extension}/call-log-sync`, what);
          if (view === 'Detailed')
            assert.ok(
              body.records.every((r) => Array.isArray(r.legs)),
              what,
            );
          else
            assert.ok(
              body.records.every((r) => r.legs === undefined),
              what,
            );
        }
      }
    });

    test('FSync is the default syncType', async () => {
      const body = await sync(server, admin, '~', 'recordCount=2');
      assert.equal(body.syncInfo.syncType, 'FSync');
      assert.deepEqual(ids(body.records), ids((await fullList(server, admin, '~')).slice(0, 2)));
    });

    test(`recordCount above ${MAX_SYNC_RECORDS} returns ${MAX_SYNC_RECORDS} records`, async () => {
      const list = await fullList(server, admin, null);
      assert.ok(list.length > MAX_SYNC_RECORDS, `the company log has ${list.length} records`);
      const body = await sync(server, admin, null, 'syncType=FSync&recordCount=1000');
      assert.deepEqual(body.records, list.slice(0, MAX_SYNC_RECORDS));
    });

    test('a missing or invalid recordCount is 400 CMN-101 recordCount', async () => {
      for (const log of ['~', null]) {
        for (const query of [
          'syncType=FSync',
          'syncType=FSync&recordCount=0',
          'syncType=FSync&recordCount=abc',
          'syncType=FSync&recordCount=-5',
          'syncType=FSync&recordCount=2.5',
          'recordCount=',
        ]) {
          const reply = await call<ErrorBody>(server, syncPath(log, query), admin);
          assertError(reply, 400, /^CMN-101$/, 'recordCount', `${log ?? 'company'} ${query}`);
        }
        const token = (await sync(server, admin, log, 'recordCount=1')).syncInfo.syncToken;
        for (const recordCount of ['0', 'abc']) {
          const query = `syncType=ISync&syncToken=${encodeURIComponent(token)}&recordCount=${recordCount}`;
          const reply = await call<ErrorBody>(server, syncPath(log, query), admin);
          assertError(reply, 400, /^CMN-101$/, 'recordCount', `ISync ${log ?? 'company'} recordCount=${recordCount}`);
        }
      }
    });

    test('statusGroup=Missed returns only missed calls and voicemail, newest first', async () => {
      for (const log of ['~', null]) {
        const missed = (await fullList(server, admin, log)).filter((r) => MISSED.has(r.result));
        assert.ok(missed.length > 0, 'the log has missed calls');
        const body = await sync(server, admin, log, 'syncType=FSync&recordCount=250&statusGroup=Missed');
        assert.deepEqual(body.records, missed.slice(0, 250), log ?? 'company');
        const all = await sync(server, admin, log, 'syncType=FSync&recordCount=20&statusGroup=All');
        assert.deepEqual(ids(all.records), ids((await fullList(server, admin, log)).slice(0, 20)));
      }
      const reply = await call<ErrorBody>(server, syncPath('~', 'recordCount=5&statusGroup=Nope'), admin);
      assertError(reply, 400, /^CMN-101$/, 'statusGroup', 'statusGroup=Nope');
    });

    test('dateFrom bounds the frame', async () => {
      const list = await fullList(server, admin, '~');
      assert.ok(list.length > 12);
      const dateFrom = list[9].startTime;
      const body = await sync(server, admin, '~', `syncType=FSync&recordCount=250&dateFrom=${dateFrom}`);
      assert.deepEqual(ids(body.records), ids(list.filter((r) => time(r) >= Date.parse(dateFrom))));
      assert.ok(body.records.length >= 10);
      const future = new Date(clock + 3_600_000).toISOString();
      const reply = await call<ErrorBody>(server, syncPath('~', `recordCount=5&dateFrom=${future}`), admin);
      assertError(reply, 400, /^CMN-101$/, 'dateFrom', 'dateFrom in the future');
    });

    test('the view is fixed at FSync: ISync answers in it whatever view it asks for', async () => {
      for (const [fixed, asked] of [
        ['Detailed', 'Simple'],
        ['Simple', 'Detailed'],
      ]) {
        const first = await sync(server, admin, '~', `syncType=FSync&recordCount=3&view=${fixed}`);
        const next = await isync(server, admin, '~', first.syncInfo.syncToken, `recordCount=3&view=${asked}`);
        assert.equal(next.syncInfo.syncType, 'ISync');
        assert.deepEqual(next.records, (await fullList(server, admin, '~', `view=${fixed}`)).slice(3, 6), fixed);
      }
    });

    test('statusGroup is kept for ISync', async () => {
      const missed = (await fullList(server, admin, null)).filter((r) => MISSED.has(r.result));
      assert.ok(missed.length > 8);
      const first = await sync(server, admin, null, 'syncType=FSync&recordCount=3&statusGroup=Missed');
      const next = await isync(server, admin, null, first.syncInfo.syncToken, 'recordCount=5');
      assert.deepEqual(next.records, missed.slice(3, 8));
    });
  });

  describe(`call-log-sync ISync (${backend})`, () => {
    let server: TestServer;
    let clock = Date.now();
    let admin: string;
    /** The admin log's records as written (generated, then by the tests), by id. */
    const adminRecords = new Map<string, CallLogRecord>();
    let serial = 0;

    /** The API clock for a write: the wall clock, after everything synced so far. */
    async function writeClock(): Promise<void> {
      await wallTick();
      clock = Date.now();
    }
    /** The API clock for a sync: past the safety margin of every write so far. */
    async function syncClock(): Promise<void> {
      await wallTick();
      clock = Date.now() + SYNC_SAFETY_MS;
    }
    const newId = () => `syncnew${++serial}`;

    before(async () => {
      server = await startTestServer({ backend, now: () => clock, seed: recentSeed() });
      admin = await login(server, server.credentials.admin.jwt);
      for (const r of generatedRecords(server.seed, server.credentials.admin.extensionId)) adminRecords.set(r.id, r);
    });
    after(() => server.close());

    const model = (id: string) => {
      const found = adminRecords.get(id);
      assert.ok(found, `record ${id} of the admin log`);
      return found;
    };
    /** Writes records of the admin log through the store, as any source does. */
    async function write(records: CallLogRecord[]): Promise<void> {
      await server.store.upsertRecords(records);
      for (const r of records) adminRecords.set(r.id, r);
    }

    test('returns exactly what was written since the last sync; deleted records only with showDeleted', async () => {
      await syncClock();
      const list = await fullList(server, admin, '~', 'view=Detailed');
      assert.ok(list.length >= 12, `the admin log has ${list.length} records`);
      const first = await sync(server, admin, '~', 'syncType=FSync&recordCount=5&view=Detailed');

      await writeClock();
      const fresh = newCall(model(list[0].id), newId(), Date.now() - 30_000);
      const changed = touched(model(list[7].id));
      await write([fresh, changed]);
      const deleteTime = clock;
      const doomed = list.slice(-3);
      const del = await call(
        server,
        `${API}/account/~/extension/~/call-log?dateTo=${list[list.length - 4].startTime}`,
        admin,
        'DELETE',
      );
      assert.equal(del.status, 204, del.text);

      await syncClock();
      const next = await isync(server, admin, '~', first.syncInfo.syncToken);
      assert.equal(next.syncInfo.syncType, 'ISync');
      assert.equal(next.syncInfo.syncTime, new Date(clock).toISOString());
      assert.deepEqual(new Set(ids(next.records)), new Set([fresh.id, changed.id]));
      assertNewestFirst(next.records, 'ISync');
      const mine = next.records.find((r) => r.id === changed.id);
      assert.equal(mine?.lastModifiedTime, new Date(changed.lastModifiedTime).toISOString());
      assert.ok(
        next.records.every((r) => Array.isArray(r.legs)),
        'the Detailed view of the FSync',
      );

      const withDeleted = await isync(server, admin, '~', first.syncInfo.syncToken, 'showDeleted=true');
      assert.deepEqual(new Set(ids(withDeleted.records)), new Set([fresh.id, changed.id, ...ids(doomed)]));
      for (const r of withDeleted.records) {
        const gone = doomed.some((d) => d.id === r.id);
        assert.equal(r.deleted, gone ? true : undefined, r.id);
        if (gone) assert.equal(r.lastModifiedTime, new Date(deleteTime).toISOString(), r.id);
      }

      await writeClock();
      await write([model(list[3].id)]); // the same record again, not newer: not a change
      await syncClock();
      const quiet = await isync(server, admin, '~', next.syncInfo.syncToken);
      assert.deepEqual(quiet.records, []);
      const quietDeleted = await isync(server, admin, '~', withDeleted.syncInfo.syncToken, 'showDeleted=true');
      assert.deepEqual(quietDeleted.records, []);
    });

    test('a write just before a sync comes again in the next ISync: nothing is lost while it commits', async () => {
      await syncClock();
      const list = await fullList(server, admin, '~');
      const first = await sync(server, admin, '~', 'syncType=FSync&recordCount=1');
      await writeClock();
      const fresh = newCall(model(list[0].id), newId(), Date.now() - 10_000);
      const writeStarted = Date.now();
      await write([fresh]);
      clock = writeStarted + SYNC_SAFETY_MS - 1; // the write is within the safety margin of this sync
      const next = await isync(server, admin, '~', first.syncInfo.syncToken);
      assert.deepEqual(ids(next.records), [fresh.id]);
      await syncClock();
      const again = await isync(server, admin, '~', next.syncInfo.syncToken);
      assert.deepEqual(ids(again.records), [fresh.id]);
      await syncClock();
      assert.deepEqual((await isync(server, admin, '~', again.syncInfo.syncToken)).records, []);
    });

    test('records that started in the same second as the end of the frame are not skipped', async () => {
      await writeClock();
      const newest = (await fullList(server, admin, '~'))[0];
      const second = Math.floor(Date.now() / 1000) * 1000 - 5000;
      const twins = [newCall(model(newest.id), newId(), second), newCall(model(newest.id), newId(), second)];
      await write(twins);
      await syncClock();
      const first = await sync(server, admin, '~', 'syncType=FSync&recordCount=1');
      assert.equal(first.records.length, 1);
      assert.ok(
        twins.some((t) => t.id === first.records[0].id),
        'the newest record is one of the twins',
      );
      await syncClock();
      const next = await isync(server, admin, '~', first.syncInfo.syncToken, 'recordCount=5');
      const seen = [...ids(first.records), ...ids(next.records)];
      for (const twin of twins) assert.ok(seen.includes(twin.id), `${twin.id} is in ${seen.join(',')}`);
      assert.deepEqual(seen, ids((await fullList(server, admin, '~')).slice(0, 6)), 'the six newest, each once');
    });

    test('changes at the company level come through the account-level ISync', async () => {
      await syncClock();
      const company = await fullList(server, admin, null);
      const first = await sync(server, admin, null, 'syncType=FSync&recordCount=2');
      await writeClock();
      const companyRecords = generatedRecords(server.seed, null);
      const modelRecord = companyRecords.find((r) => r.id === company[0].id);
      assert.ok(modelRecord);
      const fresh = newCall(modelRecord, newId(), Date.now() - 20_000);
      await server.store.upsertRecords([fresh]);
      await syncClock();
      const next = await isync(server, admin, null, first.syncInfo.syncToken);
      assert.deepEqual(ids(next.records), [fresh.id]);
      const extensionSync = await sync(server, admin, '~', 'syncType=FSync&recordCount=1');
      assert.notEqual(extensionSync.records[0]?.id, fresh.id, 'the company record is not in an extension log');
    });

    test('ISync keeps the statusGroup of the FSync for changes', async () => {
      await syncClock();
      const list = await fullList(server, admin, '~');
      const missed = list.find((r) => MISSED.has(r.result));
      const answered = list.find((r) => !MISSED.has(r.result));
      assert.ok(missed && answered);
      const first = await sync(server, admin, '~', 'syncType=FSync&recordCount=1&statusGroup=Missed');
      await writeClock();
      const changes = [touched(model(missed.id)), touched(model(answered.id))];
      await write(changes);
      await syncClock();
      const next = await isync(server, admin, '~', first.syncInfo.syncToken);
      assert.deepEqual(ids(next.records), [missed.id]);
    });

    test('recordCount on ISync adds older records beyond the frame, each once', async () => {
      await syncClock();
      const list = await fullList(server, admin, '~');
      assert.ok(list.length > 25);
      const answers: RecordBody[][] = [];
      let body = await sync(server, admin, '~', 'syncType=FSync&recordCount=5');
      answers.push(body.records);
      for (const recordCount of [10, 10, 250, 5]) {
        await syncClock();
        body = await isync(server, admin, '~', body.syncInfo.syncToken, `recordCount=${recordCount}`);
        const oldestSoFar = Math.min(...answers.flat().map(time));
        for (const r of body.records) assert.ok(time(r) < oldestSoFar, `${r.id} is older than the frame`);
        answers.push(body.records);
      }
      assert.deepEqual(
        answers.map((a) => a.length),
        [5, 10, 10, list.length - 25, 0],
      );
      assert.deepEqual(answers.flat(), list);
    });

    test('a changed record older than the frame comes once in an ISync that also extends the frame', async () => {
      await syncClock();
      const list = await fullList(server, admin, '~');
      const first = await sync(server, admin, '~', 'syncType=FSync&recordCount=5');
      await writeClock();
      const changed = touched(model(list[7].id));
      await write([changed]);
      await syncClock();
      const next = await isync(server, admin, '~', first.syncInfo.syncToken, 'recordCount=10');
      const answer = ids(next.records);
      assert.equal(answer.filter((id) => id === changed.id).length, 1, `${changed.id} once in ${answer.join(',')}`);
      assert.equal(new Set(answer).size, answer.length, 'no record twice');
      for (const r of list.slice(5, 15)) assert.ok(answer.includes(r.id), `${r.id} extends the frame`);
    });

    test(`more than ${MAX_SYNC_RECORDS} changes: fresh records first, then 400 CLG-104; a new FSync works`, async () => {
      await syncClock();
      const list = await fullList(server, admin, '~');
      const first = await sync(server, admin, '~', 'syncType=FSync&recordCount=5');
      await writeClock();
      const modelRecord = model(list[0].id);
      // Newer than every record of the log, so none of them is also older than the frame (the seeded calls of the
      // last hour vary with the time of day), and a millisecond apart, so all start before now.
      const base = time(list[0]) + 1;
      const written = new Set<string>();
      const batch = (n: number) =>
        Array.from({ length: n }, () => {
          const record = newCall(modelRecord, newId(), base + serial);
          written.add(record.id);
          return record;
        });
      await write(batch(MAX_SYNC_RECORDS - 10));
      await syncClock();
      const full = await isync(server, admin, '~', first.syncInfo.syncToken, 'recordCount=40');
      assert.equal(full.records.length, MAX_SYNC_RECORDS);
      const older = full.records.filter((r) => !written.has(r.id));
      assert.deepEqual(ids(older), ids(list.slice(5, 15)), 'the fresh records take priority over older ones');

      await writeClock();
      await write(batch(11));
      await syncClock();
      const reply = await call<ErrorBody>(
        server,
        syncPath('~', `syncType=ISync&syncToken=${encodeURIComponent(first.syncInfo.syncToken)}`),
        admin,
      );
      assertError(reply, 400, /^CLG-104$/, 'syncToken', 'too many changes');
      assert.match(reply.body.message, /max sync record number limit is exceeded/);

      const again = await sync(server, admin, '~', 'syncType=FSync&recordCount=250');
      assert.deepEqual(ids(again.records), ids((await fullList(server, admin, '~')).slice(0, 250)));
      await syncClock();
      const quiet = await isync(server, admin, '~', again.syncInfo.syncToken);
      assert.deepEqual(quiet.records, []);
    });

    test(`more than ${MAX_SYNC_RECORDS} changes in the company log: 400 CLG-101`, async () => {
      await syncClock();
      const company = await fullList(server, admin, null);
      const modelRecord = generatedRecords(server.seed, null).find((r) => r.id === company[company.length - 1].id);
      assert.ok(modelRecord);
      const first = await sync(server, admin, null, 'syncType=FSync&recordCount=5');
      await writeClock();
      const base = Date.now() - 7_200_000;
      await server.store.upsertRecords(
        Array.from({ length: MAX_SYNC_RECORDS + 1 }, (_, i) => newCall(modelRecord, newId(), base + i * 1000)),
      );
      await syncClock();
      const reply = await call<ErrorBody>(
        server,
        syncPath(null, `syncType=ISync&syncToken=${encodeURIComponent(first.syncInfo.syncToken)}`),
        admin,
      );
      assertError(reply, 400, /^CLG-101$/, 'syncToken', 'too many changes in the company log');
      assert.match(reply.body.message, /max sync record number limit is exceeded/);
    });
  });

  describe(`call-log-sync tokens and permissions (${backend})`, () => {
    let server: TestServer;
    let clock = Date.now();
    let admin: string;
    let user: string;

    before(async () => {
      server = await startTestServer({ backend, now: () => clock, seed: recentSeed() });
      admin = await login(server, server.credentials.admin.jwt);
      user = await login(server, server.credentials.user.jwt);
      await wallTick();
      clock = Date.now() + SYNC_SAFETY_MS;
    });
    after(() => server.close());

    const isyncReply = (token: string, log: Log, syncToken: string) =>
      call<ErrorBody>(server, syncPath(log, `syncType=ISync&syncToken=${encodeURIComponent(syncToken)}`), token);

    test('a token of another log is 400 CLG-10x for syncToken', async () => {
      const userLog = server.credentials.user.extensionId;
      const ofUser = (await sync(server, admin, userLog, 'recordCount=1')).syncInfo.syncToken;
      const ofAdmin = (await sync(server, admin, '~', 'recordCount=1')).syncInfo.syncToken;
      const ofCompany = (await sync(server, admin, null, 'recordCount=1')).syncInfo.syncToken;
      assertError(await isyncReply(admin, '~', ofUser), 400, /^CLG-104$/, 'syncToken', "another extension's token");
      assertError(await isyncReply(admin, '~', ofCompany), 400, /^CLG-104$/, 'syncToken', "the company log's token");
      assertError(await isyncReply(admin, null, ofAdmin), 400, /^CLG-101$/, 'syncToken', "an extension's token");
      assert.equal((await isyncReply(admin, userLog, ofUser)).status, 200, 'the token works on its own log');
    });

    test('a tampered or garbage token is 400 CLG-10x for syncToken', async () => {
      const good = (await sync(server, admin, '~', 'recordCount=1')).syncInfo.syncToken;
      const [payload, signature] = good.split('.');
      const frame = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = (changes: Record<string, unknown>) =>
        `${Buffer.from(JSON.stringify({ ...frame, ...changes })).toString('base64url')}.${signature}`;
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
      const bad = [
        forged({ t: 0 }),
        forged({ e: server.credentials.user.extensionId }),
        forged({ v: 'Detailed' }),
        `${payload}.${flip(signature, 3)}`,
        `${flip(payload, 5)}.${signature}`,
        'garbage',
        'a.b',
        '.',
        `${good}x`,
      ];
      for (const token of bad) {
        assertError(
          await isyncReply(admin, '~', token),
          400,
          /^CLG-10[1-5]$/,
          'syncToken',
          `token ${token.slice(0, 40)}`,
        );
      }
      for (const token of ['garbage', forged({ t: 0 })]) {
        assertError(
          await isyncReply(admin, null, token),
          400,
          /^CLG-10[1-5]$/,
          'syncToken',
          `company: ${token.slice(0, 40)}`,
        );
      }
      const missing = await call<ErrorBody>(server, syncPath('~', 'syncType=ISync'), admin);
      assert.equal(missing.status, 400, missing.text);
      assert.equal(missing.body.parameterName, 'syncToken');
    });

    test("a user syncs their own log; the company log and others' logs are 403", async () => {
      const first = await sync(server, user, '~', 'syncType=FSync&recordCount=3');
      assert.deepEqual(first.records, (await fullList(server, user, '~')).slice(0, 3));
      const next = await isync(server, user, '~', first.syncInfo.syncToken);
      assert.deepEqual(next.records, []);
      const explicit = await sync(server, user, server.credentials.user.extensionId, 'recordCount=1');
      assert.equal(explicit.records.length, 1);

      const company = await call<ErrorBody>(server, syncPath(null, 'syncType=FSync&recordCount=3'), user);
      assert.equal(company.status, 403, company.text);
      assert.equal(company.body.errors[0].errorCode, 'CMN-408');
      const companyISync = await isyncReply(user, null, first.syncInfo.syncToken);
      assert.equal(companyISync.status, 403, companyISync.text);
      const other = await call<ErrorBody>(
        server,
        syncPath(server.credentials.admin.extensionId, 'syncType=FSync&recordCount=3'),
        user,
      );
      assert.equal(other.status, 403, other.text);
      assert.equal(other.body.errors[0].errorCode, 'CMN-419');
    });
  });

  describe(`DELETE extension call log (${backend})`, () => {
    let server: TestServer;
    let clock = Date.now();
    let admin: string;
    let user: string;
    const deletePath = (log: string, query = '') =>
      `${API}/account/~/extension/${log}/call-log${query ? `?${query}` : ''}`;

    before(async () => {
      server = await startTestServer({ backend, now: () => clock, seed: recentSeed() });
      admin = await login(server, server.credentials.admin.jwt);
      user = await login(server, server.credentials.user.jwt);
      clock = Date.now() + 60_000;
    });
    after(() => server.close());

    test('deletes the records before dateTo: hidden from the list, shown deleted with showDeleted', async () => {
      const earlier = await fullList(server, admin, '~', 'view=Detailed&showDeleted=true');
      const company = await fullList(server, admin, null, 'view=Detailed&showDeleted=true');
      const userLog = await fullList(server, admin, server.credentials.user.extensionId, 'view=Detailed');
      const live = earlier.filter((r) => !r.deleted);
      assert.ok(live.length > 10);
      const dateTo = live[Math.floor(live.length / 2)].startTime;
      const kept = earlier.filter((r) => time(r) >= Date.parse(dateTo));
      const gone = earlier.filter((r) => time(r) < Date.parse(dateTo));
      clock += 1000;

      const reply = await call(server, deletePath('~', `dateTo=${dateTo}`), admin, 'DELETE');
      assert.equal(reply.status, 204, reply.text);
      assert.equal(reply.text, '');

      assert.deepEqual(
        await fullList(server, admin, '~', 'view=Detailed'),
        kept.filter((r) => !r.deleted),
      );
      const shown = await fullList(server, admin, '~', 'view=Detailed&showDeleted=true');
      assert.deepEqual(ids(shown), ids(earlier));
      for (const r of shown) {
        const was = earlier.find((b) => b.id === r.id)!;
        if (time(r) >= Date.parse(dateTo)) {
          assert.deepEqual(r, was, `${r.id} after dateTo is untouched`);
        } else if (!was.deleted) {
          assert.equal(r.deleted, true, r.id);
          assert.equal(r.lastModifiedTime, new Date(clock).toISOString(), r.id);
          assert.deepEqual(
            { ...r, lastModifiedTime: undefined, deleted: undefined },
            { ...was, lastModifiedTime: undefined, deleted: undefined },
            `${r.id} is otherwise unchanged`,
          );
        }
      }
      assert.ok(gone.length > 0);
      const simple = await fullList(server, admin, '~', 'showDeleted=true');
      // After dateTo a record is as it was: the seeded log has records deleted before this test.
      const wasDeleted = new Map(earlier.map((r) => [r.id, r.deleted]));
      for (const r of simple) {
        assert.equal(r.deleted, time(r) < Date.parse(dateTo) ? true : wasDeleted.get(r.id), r.id);
      }

      assert.deepEqual(
        await fullList(server, admin, null, 'view=Detailed&showDeleted=true'),
        company,
        'the company log is untouched',
      );
      assert.deepEqual(
        await fullList(server, admin, server.credentials.user.extensionId, 'view=Detailed'),
        userLog,
        "another extension's log is untouched",
      );
      const fsync = await sync(server, admin, '~', 'recordCount=250');
      assert.deepEqual(ids(fsync.records), ids(kept.filter((r) => !r.deleted)), 'FSync leaves deleted records out');
    });

    test('without dateTo deletes the whole log up to now', async () => {
      const reply = await call(server, deletePath('~'), admin, 'DELETE');
      assert.equal(reply.status, 204, reply.text);
      assert.deepEqual(await fullList(server, admin, '~'), []);
      assert.ok((await fullList(server, admin, '~', 'showDeleted=true')).every((r) => r.deleted === true));
    });

    test('an invalid dateTo is 400 CMN-101 dateTo', async () => {
      const reply = await call<ErrorBody>(server, deletePath('~', 'dateTo=yesterday'), user, 'DELETE');
      assertError(reply, 400, /^CMN-101$/, 'dateTo', 'dateTo=yesterday');
      assert.ok((await fullList(server, user, '~')).length > 0);
    });

    test('an app without EditCallLog is 403 CMN-401 and deletes nothing', async () => {
      const clientId = 'read-only-app';
      const clientSecret = 'read-only-secret';
      await server.store.putApp({
        clientId,
        clientSecret,
        name: 'read only',
        permissions: ['ReadCallLog', 'ReadCallRecording'],
        grantTypes: [JWT_GRANT],
        issueRefreshTokens: false,
      });
      const readOnly = await login(server, server.credentials.user.jwt, clientId, clientSecret);
      const earlier = await fullList(server, user, '~');
      const reply = await call<ErrorBody>(server, deletePath('~'), readOnly, 'DELETE');
      assert.equal(reply.status, 403, reply.text);
      assert.equal(reply.body.errors[0].errorCode, 'CMN-401');
      assert.deepEqual(await fullList(server, user, '~'), earlier);
    });

    test("a user may delete their own log but not another extension's", async () => {
      const adminLog = server.credentials.admin.extensionId;
      const theirs = await fullList(server, admin, adminLog, 'showDeleted=true');
      const reply = await call<ErrorBody>(server, deletePath(adminLog), user, 'DELETE');
      assert.equal(reply.status, 403, reply.text);
      assert.deepEqual(await fullList(server, admin, adminLog, 'showDeleted=true'), theirs);

      const own = await call(server, deletePath(server.credentials.user.extensionId), user, 'DELETE');
      assert.equal(own.status, 204, own.text);
      assert.deepEqual(await fullList(server, user, '~'), []);
    });

    test('DELETE on the company call log is 405 and deletes nothing', async () => {
      const company = await fullList(server, admin, null, 'showDeleted=true');
      const reply = await call<ErrorBody>(server, `${API}/account/~/call-log`, admin, 'DELETE');
      assert.equal(reply.status, 405, reply.text);
      assert.match(reply.headers.get('allow') ?? '', /GET/);
      assert.ok(!/DELETE/.test(reply.headers.get('allow') ?? ''));
      assert.deepEqual(await fullList(server, admin, null, 'showDeleted=true'), company);
    });
  });
}
