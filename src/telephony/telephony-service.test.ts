// The Telephony facade on SQLite and PostgreSQL: events in order, shuffled and duplicated give the same records
// (a property test), the event log rows, active calls and presence while a call is live, the telephony session
// read, closing sessions whose events stopped, and rejecting bad bodies with nothing stored.

import { test, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ApiError, type CallLogRecord, type TelephonySessionEventBody } from '../domain/index.ts';
import { prepareRecord, type Store } from '../store/index.ts';
import { backends, suiteStore } from '../../test/support/backends.ts';
import type { KyselyStore } from '../store/kysely-store.ts';
import { companyDirectory, generateCompany, type GeneratedCompany } from '../generator/company-generator.ts';
import { GeneratedIds } from '../generator/generated-ids.ts';
import { SeededRandom } from '../domain/index.ts';
import { TrafficWorld } from '../generator/traffic-parties.ts';
import { scriptScenario, type ScriptWorld } from '../generator/traffic-scripts.ts';
import { SCENARIO_SHARES, type Scenario } from '../generator/traffic-mix.ts';
import { sessionsOf } from '../generator/session-script.ts';
import { assembleCall, buildJournal, createTelephony, type Telephony } from './index.ts';
import { liveRecordId } from './telephony-service.ts';
import { numberPlan } from '../domain/index.ts';

const NOW = Date.UTC(2026, 10, 27, 15, 0, 0);
const START = Date.UTC(2026, 10, 25, 18, 0, 0); // a Wednesday, 10:00 in the company's zone

interface Fixture {
  company: GeneratedCompany;
  world: ScriptWorld;
}

function fixture(seed: number): Fixture {
  const company = generateCompany({ seed, extensions: 12, days: 1, callsPerDay: 10, endTime: NOW });
  const rng = new SeededRandom(seed, 5);
  return {
    company,
    world: { rng, ids: new GeneratedIds(rng), accountId: company.account.id, world: new TrafficWorld(company, rng) },
  };
}

/** The records the assembler builds from the whole stream, as the store keeps them (Detailed JSON by id). */
function expectedRecords(f: Fixture, events: TelephonySessionEventBody[], now: number): Map<string, string> {
  const directory = companyDirectory(f.company);
  const tsid = events[0].telephonySessionId;
  const call = assembleCall(buildJournal(events), {
    accountId: f.company.account.id,
    extension: (id) => directory.get(id),
    recordId: (ext) => liveRecordId(f.company.account.id, tsid, ext),
    numberPlan: numberPlan(),
    modifiedAt: now,
  });
  return new Map(call.records.map((r) => [r.id, prepareRecord(r).detailed_json]));
}

async function storedRecords(store: Store, telephonySessionId: string): Promise<Map<string, string>> {
  const rows = await (store as KyselyStore).db
    .selectFrom('call_log')
    .select(['id', 'detailed_json'])
    .where('telephony_session_id', '=', telephonySessionId)
    .execute();
  return new Map(rows.map((r) => [r.id, r.detailed_json]));
}

for (const backend of await backends())
  describe(`telephony intake (${backend})`, () => {
    let store: Store;
    let telephony: Telephony & { sweep(): Promise<number> };
    let clock = NOW;
    const f = fixture(3);
    const accountId = f.company.account.id;

    after(() => telephony.close()); // registered first, so it runs before the store closes
    suiteStore(backend, async (opened) => {
      store = opened;
      await store.putAccount(f.company.account);
      await store.putExtensions(f.company.extensions);
      telephony = createTelephony(store, { now: () => clock, sessionTimeoutMs: 3600_000 });
    });

    test('events delivered one by one in order give the assembler records, and the event log rows', async () => {
      const scenarios: Scenario[] = [
        'inboundDirect',
        'inboundQueue',
        'outbound',
        'internal',
        'faxIn',
        'inboundBlocked',
      ];
      for (let i = 0; i < 24; i++) {
        const script = scriptScenario(f.world, scenarios[i % scenarios.length], START + i * 600_000);
        const events = script.events();
        const before = await store.eventLog.lastId();
        for (const e of events)
          assert.deepEqual(await telephony.ingest(accountId, [e]), { accepted: 1, duplicates: 0 });
        const expected = expectedRecords(f, events, clock);
        assert.ok(expected.size >= 2);
        assert.deepEqual(await storedRecords(store, script.telephonySessionId), expected);
        const logged = await store.eventLog.readAfter(before, 1000);
        const sessionRows = logged.filter((r) => r.topic === 'telephony-session');
        assert.deepEqual(
          sessionRows.map((r) => JSON.parse(r.body) as unknown),
          events.map((e) => JSON.parse(JSON.stringify(e)) as unknown),
        );
        const recordRows = logged.filter((r) => r.topic === 'call-log-record');
        assert.equal(recordRows.length, expected.size);
        for (const row of recordRows) {
          const record = JSON.parse(row.body) as CallLogRecord;
          assert.equal(row.sessionId, script.telephonySessionId);
          assert.deepEqual(row.extensionIds, record.extensionId === null ? [] : [record.extensionId]);
          assert.equal(prepareRecord(record).detailed_json, expected.get(record.id));
        }
      }
    });

    test('events posted at once, while the directory is looked up, enter the event log in the order they came', async () => {
      // A fresh intake has no directory cached: each request looks it up, and the first look-up is the slowest.
      let lookups = 0;
      const slowFirst = Object.create(store) as Store;
      slowFirst.listExtensions = async (id: string) => {
        const wait = lookups++ === 0 ? 150 : 0;
        await new Promise((resolve) => setTimeout(resolve, wait));
        return store.listExtensions(id);
      };
      const fresh = createTelephony(slowFirst, { now: () => clock, sessionTimeoutMs: 3600_000 });
      try {
        const events = scriptScenario(f.world, 'inboundQueue', START + 3 * 86_400_000).events();
        const before = await store.eventLog.lastId();
        const answers = await Promise.all(events.map((e) => fresh.ingest(accountId, [e])));
        assert.deepEqual(
          answers,
          events.map(() => ({ accepted: 1, duplicates: 0 })),
        );
        const logged = (await store.eventLog.readAfter(before, 1000)).filter((r) => r.topic === 'telephony-session');
        assert.deepEqual(
          logged.map((r) => (JSON.parse(r.body) as TelephonySessionEventBody).sequence),
          events.map((e) => e.sequence),
        );
      } finally {
        await fresh.close();
      }
    });

    test('property: shuffled, duplicated and batched delivery gives the records of ordered delivery', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          fc.integer({ min: 1, max: 4 }),
          fc.constantFrom(...SCENARIO_SHARES.map(([scenario]) => scenario)),
          async (seed, batch, scenario) => {
            const sessions = sessionsOf(scriptScenario(f.world, scenario, START + 86_400_000 + n++ * 60_000));
            // A scenario's sessions (a warm transfer has two) are delivered mixed together.
            const bySession = sessions.map((script) => script.events());
            const events = bySession.flat();
            const rng = new SeededRandom(seed, 1);
            const stream = [...events, ...events.filter(() => rng.chance(0.3))];
            for (let i = stream.length - 1; i > 0; i--) {
              const k = rng.int(i + 1);
              [stream[i], stream[k]] = [stream[k], stream[i]];
            }
            let accepted = 0;
            for (let i = 0; i < stream.length; i += batch) {
              accepted += (await telephony.ingest(accountId, stream.slice(i, i + batch))).accepted;
            }
            assert.equal(accepted, events.length);
            for (const own of bySession)
              assert.deepEqual(await storedRecords(store, own[0].telephonySessionId), expectedRecords(f, own, clock));
          },
        ),
        { numRuns: 33, seed: 7 },
      );
    });

    test('a live call is listed in active calls and presence while it goes on, then with its final result', async () => {
      const g = fixture(3);
      // Find a direct inbound call answered at the desk.
      let events: TelephonySessionEventBody[] = [];
      for (let i = 0; i < 200; i++) {
        const candidate = scriptScenario(g.world, 'inboundDirect', START + 2 * 86_400_000 + i * 60_000).events();
        const desk = candidate.find((e) => e.parties[0].id.endsWith('-2') && e.parties[0].status.code === 'Answered');
        const mobile = candidate.some((e) => e.parties[0].id.endsWith('-3'));
        if (desk && !mobile && candidate.length < 9) {
          events = candidate;
          break;
        }
      }
      assert.ok(events.length > 0, 'a desk-answered call');
      const tsid = events[0].telephonySessionId;
      const userId = events.find((e) => e.parties[0].extensionId)?.parties[0].extensionId as string;
      const answeredAt = events.findIndex((e) => e.parties[0].status.code === 'Answered' && e.parties[0].extensionId);
      await telephony.ingest(accountId, events.slice(0, answeredAt));
      let presence = await telephony.presence(accountId, userId, clock);
      assert.equal(presence.telephonyStatus, 'Ringing');
      assert.equal(presence.activeCalls[0].telephonySessionId, tsid);
      assert.equal((await telephony.activeCalls(accountId, userId, clock)).length, 0, 'ringing is not active');
      await telephony.ingest(accountId, [events[answeredAt]]);
      const live = await telephony.activeCalls(accountId, userId, clock);
      assert.equal(live.length, 1);
      assert.equal(live[0].result, 'In Progress');
      assert.equal(live[0].telephonySessionId, tsid);
      const company = await telephony.activeCalls(accountId, null, clock);
      assert.ok(company.some((r) => r.telephonySessionId === tsid && r.extensionId === null));
      presence = await telephony.presence(accountId, userId, clock);
      assert.equal(presence.telephonyStatus, 'CallConnected');
      const session = await telephony.session(accountId, tsid);
      assert.equal(session?.id, tsid);
      assert.ok(session?.parties.some((p) => p.status.code === 'Answered'));
      await telephony.ingest(accountId, events.slice(answeredAt + 1));
      const ended = await telephony.activeCalls(accountId, userId, clock);
      assert.equal(ended.length, 1);
      assert.equal(ended[0].result, 'Accepted');
      const gone = await telephony.activeCalls(accountId, userId, ended[0].startTime + ended[0].durationMs + 121_000);
      assert.equal(gone.length, 0);
      assert.equal(await telephony.session(accountId, 's-unknown'), null);
    });

    test('a session whose events stop is closed after the timeout with the records of what happened', async () => {
      const script = scriptScenario(f.world, 'outbound', START + 3 * 86_400_000);
      const events = script.events();
      const answered = events.findIndex((e) => e.parties[0].status.code === 'Answered' && e.parties[0].extensionId);
      const partial = answered >= 0 ? events.slice(0, answered + 1) : events.slice(0, 3);
      await telephony.ingest(accountId, partial);
      assert.equal((await storedRecords(store, script.telephonySessionId)).size, 0);
      clock += 3600_001;
      await telephony.sweep();
      const records = [...(await storedRecords(store, script.telephonySessionId)).values()].map(
        (j) => JSON.parse(j) as { result: string; durationMs: number },
      );
      assert.equal(records.length, 2);
      // The call was cut at its last event: answered calls are connected, others were abandoned while ringing.
      for (const r of records) assert.equal(r.result, answered >= 0 ? 'Call connected' : 'Hang Up');
      // A late event of a closed session is kept but changes nothing.
      const late = events[events.length - 1];
      assert.deepEqual(await telephony.ingest(accountId, [late]), {
        accepted: partial.includes(late) ? 0 : 1,
        duplicates: partial.includes(late) ? 1 : 0,
      });
      assert.equal((await storedRecords(store, script.telephonySessionId)).size, 2);
    });

    test('a bad body is refused with the field named, and nothing of the batch is stored', async () => {
      const script = scriptScenario(f.world, 'internal', START + 4 * 86_400_000);
      const [good] = script.events();
      const bad = { ...good, sequence: 99, parties: [{ ...good.parties[0], status: { code: 'Ringing' } }] };
      const before = await store.eventLog.lastId();
      await assert.rejects(
        telephony.ingest(accountId, [good, bad as unknown as TelephonySessionEventBody]),
        (err: unknown) =>
          err instanceof ApiError &&
          err.status === 400 &&
          err.detail.errorCode === 'CMN-101' &&
          err.detail.parameterName === 'body[1].parties[0].status.code',
      );
      assert.equal(await store.eventLog.lastId(), before);
      assert.equal(await telephony.session(accountId, script.telephonySessionId), null);
    });
  });
