// CPU per event of live ingest in one process, without HTTP: the live simulator's traffic (a fixed seed) through
// Telephony.ingest on a fresh database, on a simulated clock, so the same events go in whatever the machine's load.
// Each tick is 100 ms of wall-clock time at --calls-per-second, split over 4 concurrent ingest calls by session (as
// bench/live-ingest.ts posts them). Reports the process's CPU ms per event over the ticks after a warm-up: the
// figure to compare between checkouts on a loaded machine (SQLite without reader threads, so no checkpointer
// thread either: the event loop's work only).
//
//   node --import tsx bench/ingest-cpu.ts [--backend sqlite|postgres] [--calls-per-second 500] [--ticks 400]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TelephonySessionEventBody } from '../src/domain/index.ts';
import { generateCompany } from '../src/generator/company-generator.ts';
import { companyFromDirectory, startSimulator } from '../src/generator/live-simulator.ts';
import { openStore } from '../src/store/index.ts';
import { createTelephony } from '../src/telephony/index.ts';
import { createTestDatabase, type BackendName } from '../test/support/backends.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'sqlite' },
    'calls-per-second': { type: 'string', default: '500' },
    ticks: { type: 'string', default: '400' },
    extensions: { type: 'string', default: '2000' },
  },
});
const TICK_MS = 100;
const WARM_UP_TICKS = 100;
const SPEED = 60;
const ticks = Number(values.ticks);
const dir = mkdtempSync(join(tmpdir(), 'ingest-cpu-'));
const database =
  values.backend === 'sqlite'
    ? { location: join(dir, 'ringlog.db'), drop: () => Promise.resolve() }
    : await createTestDatabase(values.backend as BackendName);
const store = await openStore(database.location);
const generated = generateCompany({
  seed: 1,
  extensions: Number(values.extensions),
  days: 1,
  callsPerDay: 1,
  endTime: Date.UTC(2026, 10, 1),
});
await store.putAccount(generated.account);
await store.putExtensions(generated.extensions);
const company = companyFromDirectory(generated.account, generated.extensions, 1);
let clock = Date.UTC(2026, 10, 2, 15);
const telephony = createTelephony(store, { now: () => clock });
let tick = 0;
let events = 0;
let cpu0 = process.cpuUsage();
let done: () => void;
const finished = new Promise<void>((resolve) => (done = resolve));
const simulator = startSimulator({
  company,
  callsPerMinute: (Number(values['calls-per-second']) * 60) / SPEED,
  speed: SPEED,
  // Each tick of the simulator reads its clock once: every tick is TICK_MS later.
  now: () => (clock += TICK_MS),
  tickMs: 1,
  onError: (err) => process.stderr.write(`ingest: ${(err as Error).message}\n`),
  ingest: async (accountId, bodies) => {
    const parts: TelephonySessionEventBody[][] = [[], [], [], []];
    for (const b of bodies) parts[parseInt(b.telephonySessionId.slice(2, 9), 16) % 4].push(b);
    await Promise.all(parts.filter((p) => p.length).map((p) => telephony.ingest(accountId, p)));
    tick++;
    if (tick === WARM_UP_TICKS) cpu0 = process.cpuUsage();
    if (tick > WARM_UP_TICKS) events += bodies.length;
    if (tick === WARM_UP_TICKS + ticks) done();
    return { accepted: bodies.length, duplicates: 0 };
  },
});
await finished;
const cpu = process.cpuUsage(cpu0);
await simulator.stop();
await telephony.close();
await store.close();
await database.drop();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    backend: values.backend,
    ticks,
    events,
    eventsPerTick: Math.round(events / ticks),
    cpuMsPerEvent: Number(((cpu.user + cpu.system) / 1000 / events).toFixed(4)),
  }),
);
