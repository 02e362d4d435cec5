// Durability of the telephony intake: a server killed with SIGKILL at a random moment loses no acknowledged event,
// and after the events are delivered again each session has exactly one set of records (both backends). On
// PostgreSQL, two servers given the events of the same sessions alternately also make exactly one set.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { numberPlan, type TelephonySessionEventBody } from '../src/domain/index.ts';
import { openStore, prepareRecord, type Store } from '../src/store/index.ts';
import { assembleCall, buildJournal, createTelephony } from '../src/telephony/index.ts';
import { liveRecordId } from '../src/telephony/telephony-service.ts';
import { companyDirectory } from '../src/generator/company-generator.ts';
import type { KyselyStore } from '../src/store/kysely-store.ts';
import { backends, createTestDatabase, type TestDatabase } from './support/backends.ts';
import { trafficCompany, trafficEvents } from './support/telephony-traffic.ts';

const CHILD = fileURLToPath(new URL('./support/telephony-crash-child.ts', import.meta.url));
const SESSIONS = 10;
const TRIALS = 3;
const MAX_EXTRA_TRIALS = 6;
const company = trafficCompany();
const accountId = company.account.id;

/** Simple JSON of the records the assembler builds from each session's whole stream, by session. */
function expected(events: TelephonySessionEventBody[]): Map<string, Set<string>> {
  const directory = companyDirectory(company);
  const bySession = new Map<string, TelephonySessionEventBody[]>();
  for (const e of events) bySession.set(e.telephonySessionId, [...(bySession.get(e.telephonySessionId) ?? []), e]);
  const out = new Map<string, Set<string>>();
  for (const [tsid, list] of bySession) {
    const call = assembleCall(buildJournal(list), {
      accountId,
      extension: (id) => directory.get(id),
      recordId: (ext) => liveRecordId(accountId, tsid, ext),
      numberPlan: numberPlan(),
      modifiedAt: 0,
    });
    out.set(tsid, new Set(call.records.map((r) => prepareRecord(r).simple_json)));
  }
  return out;
}

async function checkOneSetOfRecords(store: Store, events: TelephonySessionEventBody[]): Promise<void> {
  const db = (store as KyselyStore).db;
  const want = expected(events);
  const log = await store.eventLog.readAfter(0, 1_000_000, { accountId });
  for (const [tsid, records] of want) {
    const rows = await db
      .selectFrom('call_log')
      .select('simple_json')
      .where('telephony_session_id', '=', tsid)
      .execute();
    assert.deepEqual(new Set(rows.map((r) => r.simple_json)), records, `records of ${tsid}`);
    assert.equal(rows.length, records.size, `no duplicate record in ${tsid}`);
    const mine = log.filter((e) => e.sessionId === tsid);
    assert.equal(mine.filter((e) => e.topic === 'call-log-record').length, records.size, `record events of ${tsid}`);
    const sessionEvents = mine.filter((e) => e.topic === 'telephony-session');
    const count = events.filter((e) => e.telephonySessionId === tsid).length;
    assert.equal(sessionEvents.length, count, `each event of ${tsid} logged once`);
  }
}

function runChild(location: string, seed: number, killAfterMs: number): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, location, String(SESSIONS), String(seed), String(seed)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const acked = new Set<string>();
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'READY') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        else if (line.startsWith('ACK ')) acked.add(line.slice(4));
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve(acked));
  });
}

for (const backend of await backends())
  describe(`telephony intake survives kill -9 (${backend})`, () => {
    let database: TestDatabase;
    let store: Store;
    before(async () => {
      database = await createTestDatabase(backend);
      store = await openStore(database.location);
      await store.putAccount(company.account);
      await store.putExtensions(company.extensions);
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    test(`${TRIALS} trials: no acknowledged event lost, one set of records after redelivery`, async () => {
      const all: TelephonySessionEventBody[] = [];
      let interrupted = 0;
      // The kill lands after a delay that adapts: shorter when a child finished its stream before the kill, longer
      // when it was killed before its first acknowledgement, so the trials do kill a stream in its middle however
      // fast this machine ingests (up to MAX_EXTRA_TRIALS more trials until one has).
      let killAfterMs = 100;
      for (let trial = 0; trial < TRIALS || (interrupted === 0 && trial < TRIALS + MAX_EXTRA_TRIALS); trial++) {
        const seed = 500 + trial;
        const events = trafficEvents(company, SESSIONS, seed);
        all.push(...events);
        const acked = await runChild(database.location, seed, killAfterMs);
        if (acked.size > 0 && acked.size < events.length) interrupted++;
        else if (acked.size === events.length) killAfterMs = Math.max(1, Math.floor(killAfterMs / 3));
        else killAfterMs *= 2;
        const stored = await (store as KyselyStore).db
          .selectFrom('telephony_events' as never)
          .select(['telephony_session_id', 'sequence'] as never[])
          .execute();
        const durable = new Set(
          (stored as unknown as { telephony_session_id: string; sequence: number }[]).map(
            (r) => `${r.telephony_session_id} ${Number(r.sequence)}`,
          ),
        );
        for (const key of acked) assert.ok(durable.has(key), `acknowledged event ${key} is stored`);
        // The sender retries everything (as a WebHook sender would): duplicates are recognised.
        const telephony = createTelephony(store);
        for (let i = 0; i < events.length; i += 5) await telephony.ingest(accountId, events.slice(i, i + 5));
        await telephony.close();
      }
      await checkOneSetOfRecords(store, all);
      assert.ok(interrupted > 0, 'some trial was killed in the middle of its stream');
    });
  });

if ((await backends()).includes('postgres'))
  describe('two servers on one PostgreSQL', () => {
    let database: TestDatabase;
    let a: Store;
    let b: Store;
    before(async () => {
      database = await createTestDatabase('postgres');
      a = await openStore(database.location);
      b = await openStore(database.location);
      await a.putAccount(company.account);
      await a.putExtensions(company.extensions);
    });
    after(async () => {
      await a.close();
      await b.close();
      await database.drop();
    });

    test('given the events of the same sessions alternately and at once, they make one set of records', async () => {
      const events = trafficEvents(company, 16, 77);
      const one = createTelephony(a);
      const two = createTelephony(b);
      const mine = (k: number) => events.filter((_, i) => i % 2 === k);
      const send = async (t: typeof one, list: TelephonySessionEventBody[]) => {
        for (const e of list) await t.ingest(accountId, [e]);
      };
      // Each server gets every other event, both at the same time; then each gets the other's half again.
      await Promise.all([send(one, mine(0)), send(two, mine(1))]);
      await Promise.all([send(one, mine(1)), send(two, mine(0))]);
      await one.close();
      await two.close();
      await checkOneSetOfRecords(a, events);
    });
  });
