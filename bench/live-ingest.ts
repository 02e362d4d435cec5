// Live-call figures (issue 12): `ringlog serve` in a child process, the live simulator in this process posting its
// events to the ingest endpoint (each 20 ms tick's events split over --connections concurrent requests), on SQLite
// and PostgreSQL. Reports events/s and call ends/s acknowledged; p50/p99 from an event happening to its
// acknowledgement; and, for a sample of calls read back through the API while the load runs, p50/p99 of call start
// (first Answered party) → listed in the extension's active calls, and of call end (last event) → record listed in
// the company call log; and p50/p99 of each of those read-back requests (probeRequestMs: how long an API read waits
// while the ingest runs). The server's RSS is sampled over the run. Not a test: nothing asserts.
//
// Simulated time runs --speed times faster than the wall clock (calls of minutes end in seconds); event times are
// mapped back onto the wall clock before they are sent, so "ended 120 s ago" and the sweep mean what they say.
//
//   npm run build && node --import tsx bench/live-ingest.ts [--minutes 1] [--calls-per-second 500]
//     [--backend sqlite|postgres|both] [--extensions 2000] [--connections 4] [--speed 60] [--probe-every 50]

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { TelephonySessionEventBody } from '../src/domain/index.ts';
import { companyFromDirectory, startSimulator } from '../src/generator/live-simulator.ts';
import { percentile } from '../src/reports/index.ts';
import { openStore } from '../src/store/index.ts';
import { createTestDatabase, type BackendName } from '../test/support/backends.ts';
import { readMemory } from './process-memory.ts';
import { adminToken, ringlogCredentials, ROOT, startRinglogServer } from './ringlog-cli.ts';

const WARM_UP_MS = 10_000;
const PROBE_POLL_MS = 20;
const PROBE_GIVE_UP_MS = 30_000;
const RSS_EVERY_MS = 5_000;

/** Nearest-rank p50 and p99 of `values` (ms, rounded), null for none, and how many there are. */
function spread(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => {
    const v = percentile(sorted, p);
    return v === null ? null : Math.round(v);
  };
  return { p50: at(50), p99: at(99), n: values.length };
}
/** A number of the session's id that spreads sessions evenly (its random hex part). */
const sessionNumber = (tsid: string) => parseInt(tsid.slice(2, 9), 16);
/** CPU seconds (user + system) a process has used, from /proc/PID/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * PostgreSQL's side of a run: CPU seconds of the database's backends (server processes of its connections and its
 * autovacuum workers, sampled every second so backends that come and go are counted), the transactions committed,
 * and at the end each telephony/event-log/call-log table's rows, dead rows and size. Same machine only (/proc).
 */
async function watchPostgres(location: string) {
  const url = new URL(location);
  const datname = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const base = new Map<number, number>();
  const last = new Map<number, number>();
  let started = false;
  const commits = async () =>
    Number(
      (
        await client.query<{ xact_commit: string }>('select xact_commit from pg_stat_database where datname = $1', [
          datname,
        ])
      ).rows[0].xact_commit,
    );
  const sample = async () => {
    const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [
      datname,
    ]);
    for (const { pid } of rows) {
      try {
        const cpu = cpuSeconds(pid);
        if (!base.has(pid)) base.set(pid, started ? 0 : cpu);
        last.set(pid, cpu);
      } catch {
        // exited between the query and the read
      }
    }
  };
  await sample();
  started = true;
  const commits0 = await commits();
  const timer = setInterval(() => void sample().catch(() => undefined), 1000);
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      let cpu = 0;
      for (const [pid, value] of last) cpu += value - (base.get(pid) ?? 0);
      const transactions = (await commits()) - commits0;
      const db = new pg.Client({ connectionString: location });
      await db.connect();
      const { rows } = await db.query<{ relname: string; live: string; dead: string; mib: string }>(
        `select relname, n_live_tup as live, n_dead_tup as dead,
                round(pg_total_relation_size(relid) / 1048576.0) as mib
           from pg_stat_user_tables where relname like 'telephony%' or relname in ('event_log', 'call_log')
          order by relname`,
      );
      await db.end();
      await client.end();
      const tables = Object.fromEntries(
        rows.map((r) => [r.relname, { live: Number(r.live), dead: Number(r.dead), mib: Number(r.mib) }]),
      );
      return { cpuSeconds: cpu, transactions, tables };
    },
  };
}

interface Options {
  minutes: number;
  callsPerSecond: number;
  extensions: number;
  connections: number;
  speed: number;
  probeEvery: number;
  inFlight: number;
}

async function run(backend: BackendName, o: Options) {
  const database = await createTestDatabase(backend);
  const ringlog = `${ROOT}/bin/ringlog.js`;
  const seeded = spawnSync(
    process.execPath,
    [
      ringlog,
      'seed',
      '--db',
      database.location,
      '--extensions',
      String(o.extensions),
      '--days',
      '1',
      '--calls-per-day',
      '20',
    ],
    { encoding: 'utf8' },
  );
  if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr}`);
  const store = await openStore(database.location);
  const [account] = await store.listAccounts();
  const company = companyFromDirectory(account, await store.listExtensions(account.id), 1);
  await store.close();
  const server = await startRinglogServer(database.location);
  const token = await adminToken(server.url, await ringlogCredentials(database.location));
  const headers = { authorization: `Bearer ${token}` };
  const ingestUrl = `${server.url}/ringlog/v1/account/${account.id}/telephony/events`;

  // Set once the simulator has started: its clock starts after it has built its world, not before.
  let wallOf = (simulated: number) => simulated;
  const expected = new Map<string, number>();
  const seen = new Map<string, number>();
  const started = new Set<string>();
  const ackStart: number[] = [];
  const ackEnd: number[] = [];
  const listedStart: number[] = [];
  const listedEnd: number[] = [];
  /** Each ingest request's round trip, and each event's wait before its request was sent (simulator and client). */
  const requestMs: number[] = [];
  const sendLag: number[] = [];
  /** Each probe request's round trip: how long a read of the API waits while the ingest runs. */
  const readMs: number[] = [];
  let probesMissed = 0;
  let errors = 0;
  let events = 0;
  let ends = 0;
  let measuring = false;
  let calls = 0;
  const probes = new Set<Promise<void>>();

  /** Polls `path` from `happened` until `found` says the call is there; records the lag. */
  const probe = (
    path: string,
    happened: number,
    found: (body: { records?: { telephonySessionId?: string }[] }) => boolean,
    into: number[],
  ) => {
    const p = (async () => {
      await sleep(Math.max(0, happened - Date.now()));
      while (Date.now() - happened < PROBE_GIVE_UP_MS) {
        const asked = Date.now();
        const res = await fetch(`${server.url}${path}`, { headers });
        const at = Date.now();
        if (measuring) readMs.push(at - asked);
        if (res.ok && found((await res.json()) as { records?: { telephonySessionId?: string }[] })) {
          into.push(at - happened);
          return;
        }
        if (!res.ok) await res.arrayBuffer();
        await sleep(PROBE_POLL_MS);
      }
      probesMissed++;
    })().catch(() => {
      probesMissed++;
    });
    probes.add(p);
    void p.finally(() => probes.delete(p));
  };

  const post = async (bodies: TelephonySessionEventBody[]) => {
    for (const b of bodies) b.eventTime = new Date(wallOf(Date.parse(b.eventTime))).toISOString();
    const sent = Date.now();
    const res = await fetch(ingestUrl, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(bodies),
    });
    const done = Date.now();
    if (!res.ok) {
      errors++;
      process.stderr.write(`ingest ${res.status}: ${(await res.text()).slice(0, 200)}\n`);
      return;
    }
    await res.arrayBuffer();
    if (!measuring) return;
    requestMs.push(done - sent);
    for (const b of bodies) sendLag.push(sent - Date.parse(b.eventTime));
    events += bodies.length;
    for (const b of bodies) {
      const happened = Date.parse(b.eventTime);
      const tsid = b.telephonySessionId;
      const count = (seen.get(tsid) ?? 0) + 1;
      seen.set(tsid, count);
      const sampled = sessionNumber(tsid) % o.probeEvery === 0;
      const answered = b.parties.find((p) => p.extensionId && p.status.code === 'Answered');
      if (answered && !started.has(tsid)) {
        started.add(tsid);
        ackStart.push(done - happened);
        if (sampled) {
          const path = `/restapi/v1.0/account/~/extension/${answered.extensionId}/active-calls?perPage=1000`;
          probe(path, happened, (r) => !!r.records?.some((x) => x.telephonySessionId === tsid), listedStart);
        }
      }
      if (count === expected.get(tsid)) {
        ends++;
        ackEnd.push(done - happened);
        if (sampled) {
          const path = `/restapi/v1.0/account/~/call-log?telephonySessionId=${tsid}&dateFrom=2000-01-01&dateTo=2100-01-01`;
          probe(path, happened, (r) => (r.records?.length ?? 0) > 0, listedEnd);
        }
      }
    }
  };

  const simulator = startSimulator({
    company,
    callsPerMinute: (o.callsPerSecond * 60) / o.speed,
    speed: o.speed,
    inFlight: o.inFlight,
    onCall: (c) => {
      calls++;
      expected.set(c.telephonySessionId, c.events);
    },
    onError: (err) => process.stderr.write(`ingest: ${(err as Error).message}\n`),
    ingest: async (_accountId, bodies) => {
      // Split the tick's events over the connections by session (a session's events stay in order on one).
      const parts: TelephonySessionEventBody[][] = Array.from({ length: o.connections }, () => []);
      for (const b of bodies) parts[sessionNumber(b.telephonySessionId) % o.connections].push(b);
      const requests: Promise<void>[] = [];
      for (const part of parts)
        for (let i = 0; i < part.length; i += 1000) requests.push(post(part.slice(i, i + 1000)));
      await Promise.all(requests);
      return { accepted: bodies.length, duplicates: 0 };
    },
  });

  wallOf = (simulated) => simulator.wallTime(simulated);
  await sleep(WARM_UP_MS);
  measuring = true;
  const load = [loadavg()[0]];
  const rss: { atS: number; mib: number }[] = [];
  const t0 = Date.now();
  const cpu0 = { server: cpuSeconds(server.pid), bench: process.cpuUsage() };
  const postgres = backend === 'postgres' ? await watchPostgres(database.location) : null;
  const sampleRss = () => {
    const m = readMemory(server.pid);
    if (m) rss.push({ atS: Math.round((Date.now() - t0) / 1000), mib: Math.round(m.rssKiB / 1024) });
  };
  sampleRss();
  const sampler = setInterval(sampleRss, RSS_EVERY_MS);
  await sleep(o.minutes * 60_000);
  measuring = false;
  const serverCpu = cpuSeconds(server.pid) - cpu0.server;
  const benchUsage = process.cpuUsage(cpu0.bench);
  const benchCpu = (benchUsage.user + benchUsage.system) / 1e6;
  const db = await postgres?.stop();
  clearInterval(sampler);
  sampleRss();
  load.push(loadavg()[0]);
  const elapsed = (Date.now() - t0) / 1000;
  const backlog = simulator.stats().pending;
  await simulator.stop();
  await Promise.all([...probes]);
  if (errors) process.stderr.write(`server stderr (end): ${server.stderr()}\n`);
  await server.stop();
  await database.drop();
  const perEvent = (seconds: number) => Math.round((seconds * 1000 * 100) / Math.max(1, events)) / 100;
  // RSS growth: the second half's mean against the first half's (flat = about 0).
  const half = Math.floor(rss.length / 2);
  const mean = (xs: { mib: number }[]) => xs.reduce((a, x) => a + x.mib, 0) / Math.max(1, xs.length);
  return {
    backend,
    offeredCallsPerSecond: o.callsPerSecond,
    connections: o.connections,
    seconds: Math.round(elapsed),
    callsStarted: calls,
    eventsPerSecond: Math.round(events / elapsed),
    callEndsPerSecond: Math.round((ends / elapsed) * 10) / 10,
    ackMs: { callStart: spread(ackStart), callEnd: spread(ackEnd) },
    /** Where the acknowledgement's time went: the event's wait to be sent, and its request's round trip. */
    eventToSendMs: spread(sendLag),
    requestMs: spread(requestMs),
    listedMs: { callStartToActiveCall: spread(listedStart), callEndToRecord: spread(listedEnd), missed: probesMissed },
    probeRequestMs: spread(readMs),
    /** CPU time used per event acknowledged: load-independent where the wall-clock figures are not. */
    cpuMsPerEvent: {
      server: perEvent(serverCpu),
      simulatorAndProbes: perEvent(benchCpu),
      ...(db && { postgresBackends: perEvent(db.cpuSeconds) }),
    },
    ...(db && {
      postgres: { transactionsPerSecond: Math.round(db.transactions / elapsed), tablesAtEnd: db.tables },
    }),
    ingestErrors: errors,
    pendingEventsAtEnd: backlog,
    serverRssMiB: {
      first: rss[0]?.mib,
      last: rss[rss.length - 1]?.mib,
      min: Math.min(...rss.map((r) => r.mib)),
      max: Math.max(...rss.map((r) => r.mib)),
      secondHalfMinusFirstHalf: Math.round(mean(rss.slice(half)) - mean(rss.slice(0, half))),
    },
    loadAverage: load.map((l) => Math.round(l * 10) / 10),
  };
}

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    'calls-per-second': { type: 'string', default: '500' },
    backend: { type: 'string', default: 'both' },
    extensions: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '4' },
    speed: { type: 'string', default: '60' },
    'probe-every': { type: 'string', default: '50' },
    'in-flight': { type: 'string', default: '1' },
  },
});
const options: Options = {
  minutes: Number(values.minutes),
  callsPerSecond: Number(values['calls-per-second']),
  extensions: Number(values.extensions),
  connections: Number(values.connections),
  speed: Number(values.speed),
  probeEvery: Number(values['probe-every']),
  inFlight: Number(values['in-flight']),
};
const backends: BackendName[] = values.backend === 'both' ? ['sqlite', 'postgres'] : [values.backend as BackendName];
for (const backend of backends) process.stdout.write(`${JSON.stringify(await run(backend, options))}\n`);
