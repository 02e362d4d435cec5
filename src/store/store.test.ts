// Tests for the Store on SQLite and PostgreSQL: migrations on reopen, idempotent and monotonic record upserts, the
// list query (ordering, paging, every filter, views) and agreement with the domain's reference semantics,
// per-log record lookup, tokens, settings, recordings and directory lookups.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  phoneDigits,
  prepareRecordJson,
  withBase,
  type CallLogQuery,
  type CallLogRecord,
  type Extension,
  type RecordingMeta,
} from '../domain/index.ts';
import { sql } from 'kysely';
import { openStore, type Store, type StoredToken } from './index.ts';
import { openPostgresStore } from './postgres-store.ts';
import { backends, createTestDatabase, type TestDatabase } from '../../test/support/backends.ts';
import { runStateRegister, tokenRegister } from '../sync/checkpoint.ts';
import { answeredCall, compareNewestFirst, matchesFilter } from '../../test/support/call-log-reference.ts';

const T0 = Date.UTC(2024, 4, 20, 12, 0, 0);
const MINUTE = 60_000;
/** The call of the test records and their legs: answered, 42 seconds. */
const ANSWERED_CALL = answeredCall(42);
const HOUR = 60 * MINUTE;

let database: TestDatabase;
let file: string;
let store: Store;

for (const backend of await backends())
  describe(`store (${backend})`, () => {
    before(async () => {
      database = await createTestDatabase(backend);
      file = database.location;
      store = await openStore(file);
    });

    after(async () => {
      await store.close();
      await database.drop();
    });

    let seq = 0;

    /** A fresh account id, so that each test reads only its own records. */
    function freshAccount(): string {
      seq += 1;
      return String(800000000000 + seq);
    }

    /** A call-log record with sensible defaults; fields given override them. */
    function record(accountId: string, overrides: Partial<CallLogRecord> = {}): CallLogRecord {
      seq += 1;
      const startTime = overrides.startTime ?? T0 - HOUR;
      return {
        id: `R${seq}x${accountId.slice(-4)}`,
        accountId,
        extensionId: '62000001',
        sessionId: String(500000000 + seq),
        telephonySessionId: `s-a${seq}`,
        startTime,
        ...ANSWERED_CALL,
        from: { phoneNumber: '+16505550100', name: 'Caller' },
        to: { phoneNumber: '+16505550101', extensionNumber: '101' },
        transport: 'PSTN',
        legs: [],
        lastModifiedTime: startTime + MINUTE,
        deleted: false,
        ...overrides,
      };
    }

    /** A list query over a whole day around T0 with the API's defaults; fields given override them. */
    function query(accountId: string, overrides: Partial<CallLogQuery> = {}): CallLogQuery {
      return {
        accountId,
        extensionId: '62000001',
        dateFrom: T0 - 24 * HOUR,
        dateTo: T0,
        showBlocked: true,
        showDeleted: false,
        view: 'Simple',
        page: 1,
        perPage: 100,
        ...overrides,
      };
    }

    /** The ids of a page, in order. */
    async function ids(q: CallLogQuery, s: Store = store): Promise<string[]> {
      const page = await s.listRecords(q);
      return page.records.map((r) => r.id);
    }

    function extension(
      accountId: string,
      overrides: Partial<Extension> & Pick<Extension, 'id' | 'extensionNumber'>,
    ): Extension {
      return {
        accountId,
        name: `Ext ${overrides.extensionNumber}`,
        type: 'User',
        status: 'Enabled',
        role: 'user',
        phoneNumbers: [],
        ...overrides,
      };
    }

    function token(overrides: Partial<StoredToken> & Pick<StoredToken, 'hash' | 'sessionId'>): StoredToken {
      return {
        kind: 'access',
        clientId: 'client',
        accountId: '1',
        extensionId: '2',
        scope: ['ReadCallLog', 'ReadCallRecording'],
        issuedAt: T0,
        expiresAt: T0 + HOUR,
        endpointId: 'endpoint',
        ...overrides,
      };
    }

    // ---- migrations ----

    test('reopening the database keeps its data and reapplies no migration', async () => {
      const account = freshAccount();
      const r = record(account);
      await store.upsertRecords([r]);
      await store.initSetting('reopen-check', 'kept');
      const before = await store.countRecords();
      await store.close();

      store = await openStore(file);
      await store.close();
      store = await openStore(file);

      assert.equal(await store.countRecords(), before);
      assert.equal(await store.getSetting('reopen-check'), 'kept');
      assert.deepEqual(await ids(query(account)), [r.id]);
    });

    // ---- upsert ----

    test('upserting the same record twice stores it once', async () => {
      const account = freshAccount();
      const r = record(account);
      const count = await store.countRecords();
      await store.upsertRecords([r]);
      await store.upsertRecords([r]);
      assert.equal(await store.countRecords(), count + 1);
      assert.deepEqual(await ids(query(account)), [r.id]);
    });

    test('an update with a newer lastModifiedTime replaces the record', async () => {
      const account = freshAccount();
      const r = record(account, { result: 'Missed' });
      await store.upsertRecords([r]);
      await store.upsertRecords([{ ...r, result: 'Accepted', duration: 99, lastModifiedTime: r.lastModifiedTime + 1 }]);
      const [{ json }] = (await store.listRecords(query(account))).records;
      const served = JSON.parse(json) as { result: string; duration: number };
      assert.equal(served.result, 'Accepted');
      assert.equal(served.duration, 99);
    });

    test('an update that moves the start time moves the record', async () => {
      const account = freshAccount();
      const a = record(account, { startTime: T0 - 3 * HOUR });
      const b = record(account, { startTime: T0 - 2 * HOUR });
      await store.upsertRecords([a, b]);
      assert.deepEqual(await ids(query(account)), [b.id, a.id]);
      await store.upsertRecords([{ ...a, startTime: T0 - HOUR, lastModifiedTime: a.lastModifiedTime + 1 }]);
      assert.deepEqual(await ids(query(account)), [a.id, b.id]);
    });

    test('an update with an older or equal lastModifiedTime is ignored', async () => {
      const account = freshAccount();
      const r = record(account, { result: 'Accepted' });
      await store.upsertRecords([r]);
      await store.upsertRecords([{ ...r, result: 'Missed', lastModifiedTime: r.lastModifiedTime - 1 }]);
      await store.upsertRecords([{ ...r, result: 'Busy', lastModifiedTime: r.lastModifiedTime }]);
      const [{ json }] = (await store.listRecords(query(account))).records;
      assert.equal((JSON.parse(json) as { result: string }).result, 'Accepted');
    });

    test('within one batch the newest version of a record wins, whatever the order', async () => {
      const account = freshAccount();
      const v1 = record(account, { result: 'Missed' });
      const v2 = { ...v1, result: 'Accepted' as const, lastModifiedTime: v1.lastModifiedTime + 5 };
      await store.upsertRecords([v2, v1]);
      const [{ json }] = (await store.listRecords(query(account))).records;
      assert.equal((JSON.parse(json) as { result: string }).result, 'Accepted');
      await store.upsertRecords([
        { ...v1, id: `${v1.id}b` },
        { ...v2, id: `${v1.id}b` },
      ]);
      const page = await store.listRecords(query(account));
      assert.equal(page.records.length, 2);
      for (const { json: j } of page.records) assert.equal((JSON.parse(j) as { result: string }).result, 'Accepted');
    });

    test('a record can be marked deleted by a newer update', async () => {
      const account = freshAccount();
      const r = record(account);
      await store.upsertRecords([r]);
      await store.upsertRecords([{ ...r, deleted: true, lastModifiedTime: r.lastModifiedTime + 1 }]);
      assert.deepEqual(await ids(query(account)), []);
      const [{ json }] = (await store.listRecords(query(account, { showDeleted: true }))).records;
      assert.equal((JSON.parse(json) as { deleted?: boolean }).deleted, true);
    });

    test('upserting many records in one call stores them all', async () => {
      const account = freshAccount();
      const many = Array.from({ length: 1203 }, (_, i) => record(account, { startTime: T0 - (i + 1) * 1000 }));
      await store.upsertRecords(many);
      const page = await store.listRecords(query(account, { perPage: 1000 }));
      assert.equal(page.records.length, 1000);
      assert.equal(page.hasMore, true);
      const rest = await store.listRecords(query(account, { perPage: 1000, page: 2 }));
      assert.equal(rest.records.length, 203);
      assert.equal(rest.hasMore, false);
    });

    test('upsertRecordBatches writes every batch, a later batch updating an earlier one, in one transaction', async () => {
      const account = freshAccount();
      const a = record(account, { startTime: T0 - 2 * HOUR });
      const b = record(account, { startTime: T0 - HOUR });
      const c = record(account, { startTime: T0 - MINUTE });
      const newerA = { ...a, result: 'Missed' as const, lastModifiedTime: a.lastModifiedTime + 1 };
      await store.upsertRecordBatches([[a, b], [], [newerA, c]]);
      const listed = (await store.listRecords(query(account))).records.map(
        ({ json }) => JSON.parse(json) as { id: string; result: string },
      );
      assert.deepEqual(
        listed.map((r) => [r.id, r.result]),
        [
          [c.id, c.result],
          [b.id, b.result],
          [a.id, 'Missed'],
        ],
      );

      const failing = freshAccount();
      function* batches(): Generator<CallLogRecord[]> {
        yield [record(failing)];
        yield [record(failing)];
        throw new Error('generator failed');
      }
      await assert.rejects(store.upsertRecordBatches(batches()), /generator failed/);
      assert.deepEqual(await ids(query(failing)), []);
    });

    // ---- ordering and paging ----

    test('records list newest first, ties broken by id (descending)', async () => {
      const account = freshAccount();
      const old = record(account, { id: 'M-old', startTime: T0 - 5 * HOUR });
      const tieA = record(account, { id: 'M-tie-a', startTime: T0 - 2 * HOUR });
      const tieB = record(account, { id: 'M-tie-b', startTime: T0 - 2 * HOUR });
      const newest = record(account, { id: 'M-new', startTime: T0 - MINUTE });
      await store.upsertRecords([tieA, old, newest, tieB]);
      assert.deepEqual(await ids(query(account)), ['M-new', 'M-tie-b', 'M-tie-a', 'M-old']);
      assert.deepEqual(
        await ids(query(account)),
        [tieA, old, newest, tieB].sort(compareNewestFirst).map((r) => r.id),
      );
    });

    test('pages split the list without overlap and say whether more follow', async () => {
      const account = freshAccount();
      const records = Array.from({ length: 5 }, (_, i) => record(account, { startTime: T0 - HOUR, id: `P${i}` }));
      await store.upsertRecords(records);
      const all = await ids(query(account));
      assert.equal(all.length, 5);
      const pages = [];
      for (let page = 1; page <= 4; page++) pages.push(await store.listRecords(query(account, { page, perPage: 2 })));
      assert.deepEqual(
        pages.map((p) => p.records.length),
        [2, 2, 1, 0],
      );
      assert.deepEqual(
        pages.map((p) => p.hasMore),
        [true, true, false, false],
      );
      const paged = pages.flatMap((p) => p.records.map(({ json }) => (JSON.parse(json) as { id: string }).id));
      assert.deepEqual(paged, all);
    });

    test("a listed record's start time and id are the ones its JSON says", async () => {
      const account = freshAccount();
      await store.upsertRecords([record(account, { startTime: T0 - 1500 }), record(account, { startTime: T0 - 500 })]);
      for (const view of ['Simple', 'Detailed'] as const) {
        const { records } = await store.listRecords(query(account, { view }));
        assert.equal(records.length, 2);
        for (const { startTime, id, json } of records) {
          const wire = JSON.parse(json) as { id: string; startTime: string };
          assert.equal(id, wire.id);
          assert.equal(startTime, Date.parse(wire.startTime));
        }
      }
    });

    test('a page exactly filled has no more after it', async () => {
      const account = freshAccount();
      await store.upsertRecords([record(account), record(account)]);
      const page = await store.listRecords(query(account, { perPage: 2 }));
      assert.equal(page.records.length, 2);
      assert.equal(page.hasMore, false);
    });

    // ---- filters ----

    test('date bounds are inclusive', async () => {
      const account = freshAccount();
      const atFrom = record(account, { startTime: T0 - 2 * HOUR });
      const atTo = record(account, { startTime: T0 - HOUR });
      const before = record(account, { startTime: T0 - 2 * HOUR - 1 });
      const after = record(account, { startTime: T0 - HOUR + 1 });
      await store.upsertRecords([atFrom, atTo, before, after]);
      assert.deepEqual(await ids(query(account, { dateFrom: T0 - 2 * HOUR, dateTo: T0 - HOUR })), [atTo.id, atFrom.id]);
    });

    test('direction, type and transport filters', async () => {
      const account = freshAccount();
      const inVoicePstn = record(account, { direction: 'Inbound', type: 'Voice', transport: 'PSTN' });
      const outFaxVoip = record(account, { direction: 'Outbound', type: 'Fax', transport: 'VoIP' });
      await store.upsertRecords([inVoicePstn, outFaxVoip]);
      assert.deepEqual(await ids(query(account, { direction: ['Outbound'] })), [outFaxVoip.id]);
      assert.deepEqual(await ids(query(account, { direction: ['Inbound'] })), [inVoicePstn.id]);
      assert.equal((await ids(query(account, { direction: ['Inbound', 'Outbound'] }))).length, 2);
      assert.deepEqual(await ids(query(account, { type: ['Fax'] })), [outFaxVoip.id]);
      assert.deepEqual(await ids(query(account, { type: ['Voice'] })), [inVoicePstn.id]);
      assert.deepEqual(await ids(query(account, { transport: ['VoIP'] })), [outFaxVoip.id]);
      assert.deepEqual(await ids(query(account, { transport: ['PSTN'] })), [inVoicePstn.id]);
      assert.deepEqual(await ids(query(account, { direction: ['Inbound'], type: ['Fax'] })), []);
    });

    test('recordingType All, Automatic and OnDemand', async () => {
      const account = freshAccount();
      const automatic = record(account, { recording: { id: `${account}1`, type: 'Automatic' } });
      const onDemand = record(account, { recording: { id: `${account}2`, type: 'OnDemand' } });
      const none = record(account);
      await store.upsertRecords([automatic, onDemand, none]);
      assert.deepEqual(
        (await ids(query(account, { recordingType: 'All' }))).sort(),
        [automatic.id, onDemand.id].sort(),
      );
      assert.deepEqual(await ids(query(account, { recordingType: 'Automatic' })), [automatic.id]);
      assert.deepEqual(await ids(query(account, { recordingType: 'OnDemand' })), [onDemand.id]);
      assert.equal((await ids(query(account))).length, 3);
    });

    test('sessionId and telephonySessionId filters', async () => {
      const account = freshAccount();
      const a = record(account, { sessionId: '111', telephonySessionId: 's-111' });
      const b = record(account, { sessionId: '222', telephonySessionId: 's-222' });
      await store.upsertRecords([a, b]);
      assert.deepEqual(await ids(query(account, { sessionId: '111' })), [a.id]);
      assert.deepEqual(await ids(query(account, { telephonySessionId: 's-222' })), [b.id]);
      assert.deepEqual(await ids(query(account, { sessionId: '333' })), []);
    });

    test('phoneNumber matches the digits of from or to', async () => {
      const account = freshAccount();
      const fromIt = record(account, {
        from: { phoneNumber: '+1 (650) 555-0199' },
        to: { phoneNumber: '+16505550101' },
      });
      const toIt = record(account, { from: { phoneNumber: '+16505550101' }, to: { phoneNumber: '+16505550199' } });
      const neither = record(account, { from: { phoneNumber: '+16505550101' }, to: { extensionNumber: '101' } });
      await store.upsertRecords([fromIt, toIt, neither]);
      assert.deepEqual((await ids(query(account, { phoneNumber: '16505550199' }))).sort(), [fromIt.id, toIt.id].sort());
      assert.deepEqual(await ids(query(account, { phoneNumber: '16505550000' })), []);
    });

    test('extensionNumber keeps records of the sessions in which that extension has a record', async () => {
      const account = freshAccount();
      const e101 = extension(account, { id: `${account}01`, extensionNumber: '101' });
      const e102 = extension(account, { id: `${account}02`, extensionNumber: '102' });
      await store.putExtensions([e101, e102]);
      // Session 1: 101 calls 102. Session 2: 101 calls out alone.
      const s1Company = record(account, { extensionId: null, sessionId: '9001' });
      const s1Of101 = record(account, { extensionId: e101.id, sessionId: '9001' });
      const s1Of102 = record(account, { extensionId: e102.id, sessionId: '9001' });
      const s2Company = record(account, { extensionId: null, sessionId: '9002' });
      const s2Of101 = record(account, { extensionId: e101.id, sessionId: '9002' });
      await store.upsertRecords([s1Company, s1Of101, s1Of102, s2Company, s2Of101]);

      const company = (extensionNumber: string) => ids(query(account, { extensionId: null, extensionNumber }));
      assert.deepEqual(await company('102'), [s1Company.id]);
      assert.deepEqual((await company('101')).sort(), [s1Company.id, s2Company.id].sort());
      assert.deepEqual(await company('999'), []);
      assert.deepEqual(await ids(query(account, { extensionId: e101.id, extensionNumber: '102' })), [s1Of101.id]);
    });

    test("extensionNumber looks only at the account's own extensions", async () => {
      const account = freshAccount();
      const other = freshAccount();
      await store.putExtensions([extension(other, { id: `${other}07`, extensionNumber: '107' })]);
      const mine = record(account, { extensionId: null, sessionId: '9101' });
      const theirs = record(other, { extensionId: `${other}07`, sessionId: '9101' });
      await store.upsertRecords([mine, theirs]);
      assert.deepEqual(await ids(query(account, { extensionId: null, extensionNumber: '107' })), []);
    });

    test('deleted records are listed only with showDeleted', async () => {
      const account = freshAccount();
      const live = record(account);
      const gone = record(account, { deleted: true });
      await store.upsertRecords([live, gone]);
      assert.deepEqual(await ids(query(account)), [live.id]);
      assert.deepEqual((await ids(query(account, { showDeleted: true }))).sort(), [live.id, gone.id].sort());
    });

    test('blocked calls are hidden only with showBlocked false', async () => {
      const account = freshAccount();
      const ok = record(account);
      const blocked = record(account, { result: 'Blocked' });
      await store.upsertRecords([ok, blocked]);
      assert.equal((await ids(query(account))).length, 2);
      assert.deepEqual(await ids(query(account, { showBlocked: false })), [ok.id]);
    });

    test('the store lists exactly what the domain filter and order select', async () => {
      const account = freshAccount();
      const e101 = extension(account, { id: `${account}01`, extensionNumber: '101' });
      await store.putExtensions([e101]);
      const numbers = ['+16505550100', '+16505550101', '+14155550123'];
      const records: CallLogRecord[] = [];
      for (let i = 0; i < 60; i++) {
        records.push(
          record(account, {
            id: `C${String(i % 7)}-${i}`,
            extensionId: i % 3 === 0 ? null : i % 3 === 1 ? e101.id : `${account}02`,
            sessionId: String(7000 + (i % 11)),
            telephonySessionId: `s-${7000 + (i % 11)}`,
            startTime: T0 - (i % 13) * HOUR,
            direction: i % 2 ? 'Inbound' : 'Outbound',
            type: i % 5 === 0 ? 'Fax' : 'Voice',
            transport: i % 4 === 0 ? 'VoIP' : 'PSTN',
            result: i % 6 === 0 ? 'Blocked' : 'Accepted',
            deleted: i % 9 === 0,
            recording: i % 4 === 1 ? { id: `${account}${i}`, type: i % 8 === 1 ? 'Automatic' : 'OnDemand' } : undefined,
            from: { phoneNumber: numbers[i % 3] },
            to: { phoneNumber: numbers[(i + 1) % 3] },
          }),
        );
      }
      await store.upsertRecords(records);
      const involved101 = (r: CallLogRecord) =>
        records.some((o) => o.sessionId === r.sessionId && o.extensionId === e101.id);

      const queries: Partial<CallLogQuery>[] = [
        { extensionId: e101.id },
        { extensionId: null },
        { extensionId: e101.id, showDeleted: true },
        { extensionId: null, showBlocked: false, direction: ['Inbound'] },
        { extensionId: null, type: ['Fax'], transport: ['VoIP'], showDeleted: true },
        { extensionId: null, recordingType: 'All' },
        { extensionId: e101.id, recordingType: 'OnDemand', showDeleted: true },
        { extensionId: null, phoneNumber: phoneDigits(numbers[1])!, showDeleted: true },
        { extensionId: e101.id, phoneNumber: phoneDigits(numbers[2])! },
        { extensionId: null, extensionNumber: '101' },
        { extensionId: `${account}02`, extensionNumber: '101', showDeleted: true },
        { extensionId: null, sessionId: '7003', showDeleted: true },
        { extensionId: null, dateFrom: T0 - 6 * HOUR, dateTo: T0 - 2 * HOUR },
      ];
      for (const overrides of queries) {
        const q = query(account, overrides);
        const expected = records
          .filter((r) => matchesFilter(r, q, involved101))
          .sort(compareNewestFirst)
          .map((r) => r.id);
        assert.ok(expected.length > 0, `the query ${JSON.stringify(overrides)} selects something`);
        assert.deepEqual(await ids(q), expected, JSON.stringify(overrides));
      }
    });

    // ---- views and logs ----

    test('the Simple and Detailed views are the prepared JSON of each view', async () => {
      const account = freshAccount();
      const r = record(account, {
        billing: { costIncluded: 0, costPurchased: 0.01 },
        legs: [
          {
            startTime: T0 - HOUR,
            ...ANSWERED_CALL,
            from: { phoneNumber: '+16505550100' },
            to: { phoneNumber: '+16505550101' },
            transport: 'PSTN',
            legType: 'Accept',
            master: true,
          },
        ],
      });
      await store.upsertRecords([r]);
      const [{ json: simple }] = (await store.listRecords(query(account, { view: 'Simple' }))).records;
      const [{ json: detailed }] = (await store.listRecords(query(account, { view: 'Detailed' }))).records;
      assert.equal(simple, prepareRecordJson(r).simple);
      assert.equal(detailed, prepareRecordJson(r).detailed);
      const s = JSON.parse(withBase(simple, 'http://h:1')) as Record<string, unknown>;
      const d = JSON.parse(withBase(detailed, 'http://h:1')) as Record<string, unknown>;
      assert.equal('legs' in s, false);
      assert.equal((d.legs as unknown[]).length, 1);
      assert.ok(String(s.uri).startsWith(`http://h:1/restapi/v1.0/account/${account}/extension/`));
      assert.ok(String(d.uri).endsWith('?view=Detailed'));
    });

    test('company-level records and extension logs are listed separately', async () => {
      const account = freshAccount();
      const company = record(account, { extensionId: null });
      const ext1 = record(account, { extensionId: '62000001' });
      const ext2 = record(account, { extensionId: '62000002' });
      await store.upsertRecords([company, ext1, ext2]);
      assert.deepEqual(await ids(query(account, { extensionId: null })), [company.id]);
      assert.deepEqual(await ids(query(account, { extensionId: '62000001' })), [ext1.id]);
      assert.deepEqual(await ids(query(account, { extensionId: '62000002' })), [ext2.id]);
      assert.deepEqual(await ids(query(freshAccount(), { extensionId: null })), []);
    });

    test('getRecords returns only the records of the given log, in the view asked', async () => {
      const account = freshAccount();
      const other = freshAccount();
      const company = record(account, { extensionId: null });
      const mine = record(account, { extensionId: '62000001' });
      const theirs = record(account, { extensionId: '62000002' });
      const otherAccount = record(other, { extensionId: '62000001' });
      await store.upsertRecords([company, mine, theirs, otherAccount]);
      const all = [company.id, mine.id, theirs.id, otherAccount.id, 'no-such-id'];

      const ext = await store.getRecords(account, '62000001', all, 'Simple');
      assert.deepEqual([...ext.keys()], [mine.id]);
      assert.equal(ext.get(mine.id), prepareRecordJson(mine).simple);

      const co = await store.getRecords(account, null, all, 'Detailed');
      assert.deepEqual([...co.keys()], [company.id]);
      assert.equal(co.get(company.id), prepareRecordJson(company).detailed);

      assert.equal((await store.getRecords(account, '62000001', [], 'Simple')).size, 0);
    });

    // ---- tokens ----

    test('putTokens and getToken round-trip a token', async () => {
      const t = token({ hash: 'h-roundtrip', sessionId: 'sess-roundtrip', kind: 'refresh' });
      await store.putTokens([t]);
      assert.deepEqual(await store.getToken('h-roundtrip'), t);
      assert.equal(await store.getToken('h-unknown'), null);
    });

    test('getTokenWithOwner returns the token with the extension it was issued to', async () => {
      const owner = extension('1', {
        id: '62000777',
        extensionNumber: '777',
        role: 'admin',
        phoneNumbers: ['+16505550777'],
      });
      await store.putExtensions([owner]);
      const t = token({ hash: 'h-owner', sessionId: 'sess-owner', extensionId: owner.id });
      const orphan = token({ hash: 'h-orphan', sessionId: 'sess-orphan', extensionId: '62000778', kind: 'refresh' });
      await store.putTokens([t, orphan]);
      assert.deepEqual(await store.getTokenWithOwner('h-owner'), { token: t, owner });
      assert.deepEqual(await store.getTokenWithOwner('h-orphan'), { token: orphan, owner: null });
      assert.equal(await store.getTokenWithOwner('h-unknown'), null);
    });

    test('takeTokenSession removes the whole session and only the first take wins', async () => {
      await store.putTokens([
        token({ hash: 'h-take-access', sessionId: 'sess-take', kind: 'access' }),
        token({ hash: 'h-take-refresh', sessionId: 'sess-take', kind: 'refresh' }),
        token({ hash: 'h-take-other', sessionId: 'sess-other' }),
      ]);
      const [first, second] = await Promise.all([
        store.takeTokenSession('h-take-refresh'),
        store.takeTokenSession('h-take-refresh'),
      ]);
      assert.equal([first, second].filter((t) => t !== null).length, 1);
      assert.equal((first ?? second)?.hash, 'h-take-refresh');
      assert.equal(await store.takeTokenSession('h-take-refresh'), null);
      assert.equal(await store.getToken('h-take-access'), null);
      assert.notEqual(await store.getToken('h-take-other'), null);
    });

    test('revokeSession removes every token of the session and no other', async () => {
      await store.putTokens([
        token({ hash: 'h-rev-1', sessionId: 'sess-rev' }),
        token({ hash: 'h-rev-2', sessionId: 'sess-rev', kind: 'refresh' }),
        token({ hash: 'h-rev-keep', sessionId: 'sess-rev-keep' }),
      ]);
      await store.revokeSession('sess-rev');
      assert.equal(await store.getToken('h-rev-1'), null);
      assert.equal(await store.getToken('h-rev-2'), null);
      assert.notEqual(await store.getToken('h-rev-keep'), null);
      await store.revokeSession('sess-none');
    });

    test('deleteExpiredTokens removes tokens expired before now and counts them', async () => {
      const far = T0 + 1000 * 24 * HOUR;
      const deleted0 = await store.deleteExpiredTokens(far - 10 * HOUR);
      assert.ok(deleted0 >= 0);
      await store.putTokens([
        token({ hash: 'h-exp-old', sessionId: 's-exp', expiresAt: far - 2 * HOUR }),
        token({ hash: 'h-exp-older', sessionId: 's-exp', expiresAt: far - 3 * HOUR }),
        token({ hash: 'h-exp-live', sessionId: 's-exp', expiresAt: far + HOUR }),
      ]);
      assert.equal(await store.deleteExpiredTokens(far), 2);
      assert.equal(await store.getToken('h-exp-old'), null);
      assert.notEqual(await store.getToken('h-exp-live'), null);
      assert.equal(await store.deleteExpiredTokens(far), 0);
    });

    if (backend === 'postgres') {
      test('PostgreSQL prepares each query text once per connection and reuses it', async () => {
        const one = await openPostgresStore(file, { poolSize: 1 });
        try {
          await one.getAccount('800000000001');
          await one.getAccount('800000000002');
          const { rows } = await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements where statement like ${'%from "accounts"%'}`.execute(one.db);
          assert.equal(rows.length, 1, JSON.stringify(rows));
          assert.match(rows[0].name, /^rl_/);
        } finally {
          await one.close();
        }
      });
    }

    // ---- settings ----

    test('initSetting keeps the first value', async () => {
      assert.equal(await store.getSetting('first-wins'), null);
      assert.equal(await store.initSetting('first-wins', 'one'), 'one');
      assert.equal(await store.initSetting('first-wins', 'two'), 'one');
      assert.equal(await store.getSetting('first-wins'), 'one');
    });

    // ---- sync runs as the operator sees them ----

    test('the operator reads each sync login’s last run state, and nothing of its other sync state', async () => {
      assert.deepEqual(await store.operator.syncRuns(), []);
      await runStateRegister(store, 'a1').write(JSON.stringify({ state: 'running', at: 5, pacer: null }));
      await runStateRegister(store, 'a1').write(JSON.stringify({ state: 'finished', at: 9, pacer: null }));
      await runStateRegister(store, 'b2').write(JSON.stringify({ state: 'running', at: 7, pacer: null }));
      await runStateRegister(store, 'c3').write('not json');
      await tokenRegister(store, 'a1').write(JSON.stringify({ state: 'running', at: 1 }));
      const runs = (await store.operator.syncRuns()).sort((x, y) => x.login.localeCompare(y.login));
      assert.deepEqual(runs, [
        { login: 'a1', state: 'finished', at: 9 },
        { login: 'b2', state: 'running', at: 7 },
      ]);
    });

    // ---- recordings ----

    function recording(
      accountId: string,
      overrides: Partial<RecordingMeta> & Pick<RecordingMeta, 'id'>,
    ): RecordingMeta {
      return {
        accountId,
        type: 'Automatic',
        contentType: 'audio/mpeg',
        duration: 61,
        blobKey: null,
        createdAt: T0,
        ...overrides,
      };
    }

    test('recordings are upserted and read back within their account', async () => {
      const account = freshAccount();
      const rec = recording(account, { id: `${account}77` });
      await store.upsertRecordings([rec]);
      assert.deepEqual(await store.getRecording(account, rec.id), rec);
      assert.equal(await store.getRecording(freshAccount(), rec.id), null);
      assert.equal(await store.getRecording(account, 'none'), null);

      const updated = { ...rec, blobKey: `recording/${rec.id}`, contentType: 'audio/wav' as const, duration: 62 };
      await store.upsertRecordings([updated]);
      assert.deepEqual(await store.getRecording(account, rec.id), updated);
    });

    test("logHasRecording says whether the extension's log holds a record with the recording", async () => {
      const account = freshAccount();
      const recId = `${account}88`;
      await store.upsertRecords([
        record(account, { extensionId: '62000001', recording: { id: recId, type: 'OnDemand' } }),
        record(account, { extensionId: null, recording: { id: recId, type: 'OnDemand' } }),
      ]);
      assert.equal(await store.logHasRecording(account, '62000001', recId), true);
      assert.equal(await store.logHasRecording(account, '62000002', recId), false);
      assert.equal(await store.logHasRecording(account, '62000001', 'other'), false);
      assert.equal(await store.logHasRecording(freshAccount(), '62000001', recId), false);
    });

    // ---- directory ----

    test('accounts are found by main number digits; extensions by direct number and by extension number', async () => {
      const account = freshAccount();
      const other = freshAccount();
      await store.putAccount({ id: account, name: 'Acme', mainNumber: '+14155550100', createdAt: T0 });
      await store.putAccount({ id: other, name: 'Other', mainNumber: '+14155550200', createdAt: T0 });
      const e101 = extension(account, { id: `${account}01`, extensionNumber: '101', phoneNumbers: ['+14155550111'] });
      const e102 = extension(account, {
        id: `${account}02`,
        extensionNumber: '102',
        role: 'admin',
        phoneNumbers: ['+14155550122', '+14155550123'],
      });
      const o101 = extension(other, { id: `${other}01`, extensionNumber: '101', phoneNumbers: ['+14155550211'] });
      await store.putExtensions([e101, e102, o101]);

      assert.equal((await store.findAccountByMainNumber('14155550100'))?.id, account);
      assert.equal((await store.findAccountByMainNumber('14155550200'))?.id, other);
      assert.equal(await store.findAccountByMainNumber('1415555010'), null);

      assert.deepEqual(await store.findExtensionByDirectNumber('14155550123'), e102);
      assert.deepEqual(await store.findExtensionByDirectNumber('14155550111'), e101);
      assert.equal(await store.findExtensionByDirectNumber('1415555011'), null);
      assert.equal(await store.findExtensionByDirectNumber('14155550100'), null);

      assert.deepEqual(await store.findExtensionByNumber(account, '101'), e101);
      assert.deepEqual(await store.findExtensionByNumber(other, '101'), o101);
      assert.equal(await store.findExtensionByNumber(account, '999'), null);

      assert.deepEqual(await store.listExtensions(account), [e101, e102]);
    });
  });
