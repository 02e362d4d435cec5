// What a server holds of its open sessions is only a hint: when another server (another store connection on the
// same database) has added events to a session, the next event is assembled from all the stored events, not from
// the stale copy. And ingest calls made at once share transactions yet each answers only once its events are
// stored (both backends).

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { numberPlan, SeededRandom, type TelephonySessionEventBody } from '../domain/index.ts';
import { openStore, prepareRecord, type Store } from '../store/index.ts';
import type { KyselyStore } from '../store/kysely-store.ts';
import { backends, createTestDatabase, type TestDatabase } from '../../test/support/backends.ts';
import { companyDirectory, generateCompany } from '../generator/company-generator.ts';
import { GeneratedIds } from '../generator/generated-ids.ts';
import { TrafficWorld } from '../generator/traffic-parties.ts';
import { scriptScenario, type ScriptWorld } from '../generator/traffic-scripts.ts';
import type { Scenario } from '../generator/traffic-mix.ts';
import { assembleCall, buildJournal, createTelephony } from './index.ts';
import { liveRecordId } from './telephony-service.ts';

const NOW = Date.UTC(2026, 10, 27, 15, 0, 0);
const START = Date.UTC(2026, 10, 25, 18, 0, 0);
const company = generateCompany({ seed: 9, extensions: 12, days: 1, callsPerDay: 10, endTime: NOW });
const accountId = company.account.id;
const rng = new SeededRandom(9, 5);
const world: ScriptWorld = { rng, ids: new GeneratedIds(rng), accountId, world: new TrafficWorld(company, rng) };
const SCENARIOS: Scenario[] = ['inboundDirect', 'inboundQueue', 'outbound', 'internal'];

function expected(events: TelephonySessionEventBody[]): Set<string> {
  const directory = companyDirectory(company);
  const tsid = events[0].telephonySessionId;
  const call = assembleCall(buildJournal(events), {
    accountId,
    extension: (id) => directory.get(id),
    recordId: (ext) => liveRecordId(accountId, tsid, ext),
    numberPlan: numberPlan(),
    modifiedAt: 0,
  });
  return new Set(call.records.map((r) => prepareRecord(r).simple_json));
}

async function stored(store: Store, tsid: string): Promise<Set<string>> {
  const rows = await (store as KyselyStore).db
    .selectFrom('call_log')
    .select('simple_json')
    .where('telephony_session_id', '=', tsid)
    .execute();
  return new Set(rows.map((r) => r.simple_json));
}

for (const backend of await backends())
  describe(`open sessions held in memory (${backend})`, () => {
    let database: TestDatabase;
    let a: Store;
    let b: Store;
    before(async () => {
      database = await createTestDatabase(backend);
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

    test('a server assembles from the store once another server has added to a session it holds', async () => {
      const one = createTelephony(a, { now: () => NOW });
      const two = createTelephony(b, { now: () => NOW });
      let checked = 0;
      for (let i = 0; i < 12; i++) {
        const script = scriptScenario(world, SCENARIOS[i % SCENARIOS.length], START + i * 600_000);
        const events = script.events();
        if (events.length < 4) continue;
        const middle = Math.floor(events.length / 2);
        // One server takes the first half and holds it; the other takes one event in the middle; the first the rest.
        for (const e of events.slice(0, middle)) await one.ingest(accountId, [e]);
        await two.ingest(accountId, [events[middle]]);
        for (const e of events.slice(middle + 1)) await one.ingest(accountId, [e]);
        assert.deepEqual(await stored(a, script.telephonySessionId), expected(events), `records of call ${i}`);
        const active = await one.activeCalls(accountId, null, NOW);
        assert.ok(
          !active.some((r) => r.telephonySessionId === script.telephonySessionId && r.result === 'In Progress'),
        );
        checked++;
      }
      assert.ok(checked >= 6);
      await one.close();
      await two.close();
    });

    test('a stream that begins mid-call (its first events never came) is still taken', async () => {
      const telephony = createTelephony(a, { now: () => NOW });
      let cut = 0;
      for (let i = 0; i < 40; i++) {
        const events = scriptScenario(world, 'inboundDirect', START + 2 * 86_400_000 + i * 600_000).events();
        // From the first event of a FindMe party (an extension's Outbound party of an inbound call) on, if any.
        const from = events.findIndex((e) => e.parties.some((p) => p.extensionId && p.direction === 'Outbound'));
        if (from <= 0) continue;
        cut++;
        for (const e of events.slice(from)) await telephony.ingest(accountId, [e]);
        await telephony.activeCalls(accountId, null, NOW);
      }
      assert.ok(cut > 0, 'some call had a FindMe party');
      await telephony.close();
    });

    test('ingest calls made at once are each answered only once their events are stored', async () => {
      const telephony = createTelephony(a, { now: () => NOW });
      const reader = (b as KyselyStore).db;
      const streams = Array.from({ length: 8 }, (_, i) =>
        scriptScenario(world, SCENARIOS[i % SCENARIOS.length], START + 86_400_000 + i * 600_000).events(),
      );
      const all = streams.flat();
      const missing: string[] = [];
      await Promise.all(
        all.map((e) =>
          telephony.ingest(accountId, [e]).then(async (result) => {
            assert.deepEqual(result, { accepted: 1, duplicates: 0 });
            const row = await reader
              .selectFrom('telephony_events' as never)
              .select('sequence' as never)
              .where('telephony_session_id' as never, '=', e.telephonySessionId as never)
              .where('sequence' as never, '=', e.sequence as never)
              .executeTakeFirst();
            if (!row) missing.push(`${e.telephonySessionId} ${e.sequence}`);
          }),
        ),
      );
      assert.deepEqual(missing, []);
      for (const events of streams) assert.deepEqual(await stored(a, events[0].telephonySessionId), expected(events));
      if (backend === 'postgres') {
        // Rows written by one transaction share its id (xmin): the events of many calls went in fewer transactions.
        const ids = streams.map((s) => s[0].telephonySessionId);
        const { rows } = await sql<{ n: string }>`
          select count(distinct xmin::text) as n from telephony_events
          where telephony_session_id in (${sql.join(ids)})`.execute(reader);
        assert.ok(Number(rows[0].n) < all.length, `${rows[0].n} transactions for ${all.length} ingest calls`);
      }
      await telephony.close();
    });
    test('records are stamped changed_at after the locks a group waited for, not when it began', async () => {
      let clock = NOW;
      const telephony = createTelephony(a, { now: () => clock });
      const events = scriptScenario(world, 'outbound', START + 3 * 86_400_000).events();
      const tsid = events[0].telephonySessionId;
      for (const e of events.slice(0, -1)) await telephony.ingest(accountId, [e]);
      const held = (b as KyselyStore).db;
      let ending: Promise<unknown>;
      if (backend === 'postgres') {
        // Another server's transaction holds the session's row: the last event's group waits for it.
        await held.transaction().execute(async (trx) => {
          await sql`select 1 from telephony_sessions where telephony_session_id = ${tsid} for update`.execute(trx);
          ending = telephony.ingest(accountId, [events[events.length - 1]]);
          await new Promise((r) => setTimeout(r, 300));
          clock = NOW + 60_000;
        });
      } else {
        // SQLite has no row lock to wait at; the clock moves between the group's start and its writes instead.
        let calls = 0;
        const moving = createTelephony(a, { now: () => (calls++ === 0 ? NOW : NOW + 60_000) });
        ending = moving.ingest(accountId, [events[events.length - 1]]).finally(() => moving.close());
      }
      await ending!;
      const rows = await held
        .selectFrom('call_log')
        .select('changed_at')
        .where('telephony_session_id', '=', tsid)
        .execute();
      assert.ok(rows.length > 0, 'the call ended: its records are written');
      for (const r of rows) assert.equal(Number(r.changed_at), NOW + 60_000);
      await telephony.close();
    });
  });

test('an entry of an earlier version never replaces a later one (commits told out of order)', async () => {
  const { OpenSessions } = await import('./open-sessions.ts');
  const open = new OpenSessions(10);
  open.set('a', 's', { version: 5, events: [], presence: new Map() });
  open.set('a', 's', { version: 3, events: [], presence: new Map() });
  assert.equal(open.current('a', 's', 5)?.version, 5);
  assert.equal(open.current('a', 's', 3), undefined);
});
