// Live-call figures: the simulator on the same machine drives Telephony.ingest (the intake the ingest endpoint
// uses) at an offered rate of calls, on SQLite and PostgreSQL. Reports sustained events/s and call ends/s
// ingested, and the latency from when an event happened to when ingest had committed it: for each call's
// connecting event (the call is then listed in active calls) and its last event (its records are then listed,
// written in that same transaction). Not a test: nothing asserts.
//
//   node --import tsx bench/live-ingest.ts [--seconds 20] [--calls-per-second 20] [--backend sqlite|postgres|both]

import { parseArgs } from 'node:util';
import type { TelephonySessionEventBody } from '../src/domain/index.ts';
import { generateCompany } from '../src/generator/company-generator.ts';
import { companyFromDirectory, startSimulator } from '../src/generator/live-simulator.ts';
import { openStore } from '../src/store/index.ts';
import { createTelephony } from '../src/telephony/index.ts';
import { createTestDatabase, type BackendName } from '../test/support/backends.ts';

/** Simulated time runs this much faster than the wall clock, so calls of minutes end within seconds. */
const SPEED = 60;

function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function run(backend: BackendName, seconds: number, callsPerSecond: number) {
  const database = await createTestDatabase(backend);
  const store = await openStore(database.location);
  const company = generateCompany({ seed: 1, extensions: 100, days: 1, callsPerDay: 10, endTime: Date.now() });
  await store.putAccount(company.account);
  await store.putExtensions(company.extensions);
  const telephony = createTelephony(store);
  const expected = new Map<string, number>();
  const seen = new Map<string, number>();
  const connected = new Set<string>();
  const startLatency: number[] = [];
  const endLatency: number[] = [];
  let events = 0;
  let ends = 0;
  let measuring = false;
  let wallStart = 0;
  const ingest = async (accountId: string, bodies: TelephonySessionEventBody[]) => {
    const result = await telephony.ingest(accountId, bodies);
    const done = Date.now();
    if (!measuring) return result;
    events += bodies.length;
    for (const b of bodies) {
      const happened = wallStart + (Date.parse(b.eventTime) - wallStart) / SPEED;
      const tsid = b.telephonySessionId;
      const count = (seen.get(tsid) ?? 0) + 1;
      seen.set(tsid, count);
      const party = b.parties[0];
      if (party.extensionId && party.status.code === 'Answered' && !connected.has(tsid)) {
        connected.add(tsid);
        startLatency.push(done - happened);
      }
      if (count === expected.get(tsid)) {
        ends++;
        endLatency.push(done - happened);
      }
    }
    return result;
  };
  const simulated = companyFromDirectory(company.account, company.extensions, 1);
  wallStart = Date.now();
  const simulator = startSimulator({
    ingest,
    company: simulated,
    callsPerMinute: (callsPerSecond * 60) / SPEED,
    speed: SPEED,
    onCall: (c) => expected.set(c.telephonySessionId, c.events),
    onError: (err) => process.stderr.write(`ingest: ${(err as Error).message}\n`),
  });
  // Warm-up: calls last minutes of simulated time; wait until ends come at a steady rate.
  await new Promise((r) => setTimeout(r, 8000));
  measuring = true;
  const rssStart = process.memoryUsage().rss;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (Date.now() - t0) / 1000;
  const backlog = simulator.stats().pending;
  await simulator.stop();
  await telephony.close();
  await store.close();
  await database.drop();
  return {
    backend,
    offeredCallsPerSecond: callsPerSecond,
    seconds: Math.round(elapsed),
    eventsPerSecond: Math.round(events / elapsed),
    callEndsPerSecond: Math.round((ends / elapsed) * 10) / 10,
    connectToListedMs: { p50: quantile(startLatency, 0.5), p99: quantile(startLatency, 0.99), n: startLatency.length },
    endToRecordMs: { p50: quantile(endLatency, 0.5), p99: quantile(endLatency, 0.99), n: endLatency.length },
    pendingEventsAtEnd: backlog,
    rssMiB: { start: Math.round(rssStart / 2 ** 20), end: Math.round(process.memoryUsage().rss / 2 ** 20) },
  };
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    'calls-per-second': { type: 'string', default: '20' },
    backend: { type: 'string', default: 'both' },
  },
});
const backends: BackendName[] = values.backend === 'both' ? ['sqlite', 'postgres'] : [values.backend as BackendName];
for (const backend of backends) {
  const figures = await run(backend, Number(values.seconds), Number(values['calls-per-second']));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
