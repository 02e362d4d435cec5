// The live simulator: the same seed gives the same calls and events; events go out when they happen (a call is
// live for its duration); through the real Telephony intake calls show in active calls, then in the call log.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TelephonySessionEventBody } from '../domain/index.ts';
import type { Store } from '../store/index.ts';
import { createTelephony } from '../telephony/index.ts';
import { backends, suiteStore } from '../../test/support/backends.ts';
import type { KyselyStore } from '../store/kysely-store.ts';
import { generateCompany } from './company-generator.ts';
import { companyFromDirectory, startSimulator } from './live-simulator.ts';

const T0 = Date.UTC(2026, 10, 25, 18, 0, 0);
const company = generateCompany({ seed: 5, extensions: 15, days: 1, callsPerDay: 10, endTime: T0 });

/** Runs a simulator on a hand-moved clock for `steps` steps of `stepMs` (wall); returns what it sent, in order. */
async function run(seed: number, steps: number, stepMs: number, speed: number) {
  let clock = T0;
  const sent: { at: number; body: TelephonySessionEventBody }[] = [];
  const sim = startSimulator({
    ingest: (_account, bodies) => {
      for (const body of bodies) sent.push({ at: T0 + (clock - T0) * speed, body });
      return Promise.resolve({ accepted: bodies.length, duplicates: 0 });
    },
    company,
    callsPerMinute: 30,
    seed,
    speed,
    now: () => clock,
    tickMs: 1,
  });
  for (let i = 0; i < steps; i++) {
    clock += stepMs;
    await sleep(3);
  }
  await sim.stop();
  return { sent, stats: sim.stats() };
}

test('the same seed gives the same calls and events; each event is sent once its time has come', async () => {
  const a = await run(4, 60, 1000, 10);
  const b = await run(4, 60, 1000, 10);
  assert.ok(a.stats.calls >= 100, `calls started: ${a.stats.calls}`);
  assert.ok(a.sent.length > a.stats.calls * 3);
  const strip = (s: typeof a.sent) => s.map((e) => e.body);
  const common = Math.min(a.sent.length, b.sent.length);
  assert.ok(common > a.sent.length * 0.9);
  assert.deepEqual(strip(a.sent).slice(0, common), strip(b.sent).slice(0, common));
  const other = await run(5, 20, 1000, 10);
  assert.notDeepEqual(strip(other.sent).slice(0, 20), strip(a.sent).slice(0, 20));
  for (const { at, body } of a.sent) {
    const time = Date.parse(body.eventTime);
    assert.ok(time <= at, 'no event is sent before it happens');
    assert.ok(at - time <= 10 * 1000 + 100, 'nor long after (one step of simulated time)');
  }
  // Per session, sequences come in order: the call unfolds over time, not in one burst.
  const bySession = new Map<string, number[]>();
  for (const { body } of a.sent)
    bySession.set(body.telephonySessionId, [...(bySession.get(body.telephonySessionId) ?? []), body.sequence]);
  for (const seqs of bySession.values())
    assert.deepEqual(
      seqs,
      [...seqs].sort((x, y) => x - y),
    );
});

test("wallTime maps an event's simulated time back to the wall-clock time it was due", async () => {
  // The wall clock reads later on each look, as if building the world took time before the simulated clock starts.
  let clock = T0;
  const looked = () => (clock += 7);
  const sent: { wall: number; time: number }[] = [];
  const sim = startSimulator({
    ingest: (_account, bodies) => {
      for (const body of bodies) sent.push({ wall: clock, time: Date.parse(body.eventTime) });
      return Promise.resolve({ accepted: bodies.length, duplicates: 0 });
    },
    company,
    callsPerMinute: 30,
    seed: 3,
    speed: 10,
    now: looked,
    tickMs: 1,
  });
  for (let i = 0; i < 40; i++) {
    clock += 1000;
    await sleep(3);
  }
  await sim.stop();
  assert.ok(sent.length > 50, `events sent: ${sent.length}`);
  for (const { wall, time } of sent) {
    const due = sim.wallTime(time);
    assert.ok(due <= wall, 'sent no earlier than due');
    assert.ok(wall - due <= 1000 + 7 * 3, `sent within one step of being due (${wall - due} ms late)`);
  }
});

test('inFlight: up to that many ticks are sent before the first is answered, and no more', async (t) => {
  let clock = T0;
  const waiting: (() => void)[] = [];
  let calls = 0;
  const sim = startSimulator({
    ingest: (_account, bodies) => {
      calls++;
      return new Promise((resolve) => waiting.push(() => resolve({ accepted: bodies.length, duplicates: 0 })));
    },
    company,
    callsPerMinute: 600,
    seed: 3,
    speed: 10,
    now: () => clock,
    tickMs: 1,
    inFlight: 3,
  });
  const answerAll = () => waiting.splice(0).forEach((answer) => answer());
  // Stopped whatever happens, so a failing check does not leave the simulator running.
  t.after(async () => {
    const stopping = sim.stop();
    answerAll();
    await stopping;
  });
  for (let i = 0; i < 30; i++) {
    clock += 1000;
    await sleep(3);
  }
  assert.equal(calls, 3, 'three ticks on their way, none answered');
  answerAll();
  for (let i = 0; i < 30 && calls < 6; i++) {
    clock += 1000;
    await sleep(3);
  }
  assert.equal(calls, 6, 'three more once those were answered');
  const stopped = sim.stop();
  let done = false;
  void stopped.then(() => (done = true));
  await sleep(10);
  assert.equal(done, false, 'stop waits for the ticks on their way');
  answerAll();
  await stopped;
});

for (const backend of await backends())
  describe(`simulated traffic through the intake (${backend})`, () => {
    let store: Store;
    suiteStore(backend, async (opened) => {
      store = opened;
      await store.putAccount(company.account);
      await store.putExtensions(company.extensions);
    });

    test('calls are active while they go on and in the call log once they end', async () => {
      const telephony = createTelephony(store);
      const simulated = companyFromDirectory(company.account, await store.listExtensions(company.account.id), 2);
      const ended = new Set<string>();
      const sim = startSimulator({
        ingest: (accountId, bodies) => telephony.ingest(accountId, bodies),
        company: simulated,
        callsPerMinute: 120,
        seed: 2,
        speed: 60,
        onCall: (c) => ended.add(c.telephonySessionId),
      });
      const db = (store as KyselyStore).db;
      const records = () => db.selectFrom('call_log').select(['telephony_session_id', 'extension_id']).execute();
      // Polls (the machine may be slow): first a call in progress, then finished calls in the call log.
      let sawActive = false;
      for (let i = 0; i < 300 && !sawActive; i++) {
        await sleep(100);
        const active = await telephony.activeCalls(company.account.id, null, Date.now());
        sawActive = active.some((r) => r.result === 'In Progress');
      }
      let rows = await records();
      for (let i = 0; i < 300 && rows.length === 0; i++) {
        await sleep(100);
        rows = await records();
      }
      await sim.stop();
      await telephony.close();
      assert.ok(sawActive, 'some call was In Progress');
      assert.ok(rows.length > 0, 'finished calls reached the call log');
      for (const r of rows) assert.ok(ended.has(r.telephony_session_id));
      assert.ok(
        rows.some((r) => r.extension_id === ''),
        'with company records',
      );
    });
  });
