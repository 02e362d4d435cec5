// Issue 16 item 4: the outlets together, on `ringlog serve` over a copy of a seeded SQLite database. Three phases,
// each scenario's list load for --seconds: the list load alone; with reports asked over HTTP one after another
// meanwhile (contacts and agents over the seed's last 30 days); and with those reports, the live simulator running in
// the server (`--simulate N` calls per minute) and a `ringlog sync` from an upstream `ringlog serve` writing into the
// same database. Per phase and scenario: list req/s, p50/p99 and failures, each report's p50 and max, the server's
// peak RSS; in the last phase the account's active calls polled every --poll-ms (request time, calls newly listed),
// and the sync's records/s against the same sync into an empty database alone. Prints a Markdown section; asserts
// nothing. (Call start → listed in active calls needs the answer time, which the listing does not carry: that figure
// is bench/live-ingest.ts's.)
//
//   npm run build && node --import tsx bench/combined-load.ts --db bench/out/seed1-….db [--seconds 20]
//     [--connections 10] [--calls-per-minute 500] [--sync-records 100000] [--reports contacts,agents]

import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Credentials } from '../src/auth/index.ts';
import type { SyncSummary } from '../src/sync/index.ts';
import { OUT_DIR } from './bench-dataset.ts';
import { runLoad, type LoadFigures } from './http-load.ts';
import { LIST_SCENARIOS, listPath, pagePicker, readDataset, type Dataset } from './list-scenarios.ts';
import { describeRun, runInfoLine } from './machine-info.ts';
import { mib, watchMemory } from './process-memory.ts';
import { percentile } from '../src/reports/index.ts';
import { adminToken, ringlogCredentials, runRinglog, startRinglogServer, type RunningServer } from './ringlog-cli.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '10' },
    'calls-per-minute': { type: 'string', default: '500' },
    'sync-records': { type: 'string', default: '100000' },
    'poll-ms': { type: 'string', default: '100' },
    /** The reports asked meanwhile, one after another (comma-separated). */
    reports: { type: 'string', default: 'contacts,agents' },
  },
});
if (!values.db) throw new Error('usage: --db FILE [--seconds 20] [--connections 10] [--calls-per-minute 500]');
const SEED_DB = values.db;
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const CALLS_PER_MINUTE = Number(values['calls-per-minute']);
const SYNC_RECORDS = Number(values['sync-records']);
const POLL_MS = Number(values['poll-ms']);
const SERVED = join(OUT_DIR, 'combined-served.db');
const UPSTREAM = join(OUT_DIR, 'combined-upstream.db');
const ALONE = join(OUT_DIR, 'combined-sync-alone.db');
const DAY = 86_400_000;
/** The scenarios of the phases: both levels, Simple, 100 a page (the list benchmark has the others). */
const SCENARIOS = LIST_SCENARIOS.filter((s) => s.view === 'Simple' && s.perPage === 100);
const REPORTS = values.reports.split(',');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Nearest-rank percentile p (0–100) of `xs`, NaN for none. */
const pct = (xs: number[], p: number) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    p,
  ) ?? NaN;
const ms = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(0));

function removeDb(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '.blobs', '.key']) rmSync(file + suffix, { recursive: true, force: true });
}

/** `ringlog sync` of the upstream's company into `db`: records written and records/s. */
async function sync(url: string, c: Credentials, db: string) {
  const run = await runRinglog([
    'sync',
    ...['--db', db, '--from', url, '--client-id', c.clientId, '--client-secret', c.clientSecret, '--jwt', c.admin.jwt],
    '--json',
  ]);
  const { records } = JSON.parse(run.stdout) as SyncSummary;
  return { records, seconds: run.wallSeconds, perSecond: records / run.wallSeconds, peakRssKiB: run.peakRssKiB };
}

/** Asks the reports one after another until `until` resolves; each one's time in ms. */
async function reportLoop(url: string, headers: Record<string, string>, d: Dataset, until: Promise<unknown>) {
  const times = new Map<string, number[]>(REPORTS.map((r) => [r, []]));
  let done = false;
  const stop = () => (done = true);
  until.then(stop, stop);
  const to = d.lastStart + 1;
  const range = new URLSearchParams({ from: new Date(to - 30 * DAY).toISOString(), to: new Date(to).toISOString() });
  let failures = 0;
  for (let i = 0; !done; i++) {
    const report = REPORTS[i % REPORTS.length];
    const t = performance.now();
    const res = await fetch(`${url}/ringlog/v1/accounts/~/reports/${report}?${range}`, { headers });
    await res.arrayBuffer();
    if (res.ok) times.get(report)!.push(performance.now() - t);
    else failures += 1;
  }
  return { times, failures };
}

/** Polls the account's active calls every POLL_MS until `until` resolves: each request's time, calls newly listed. */
async function activeCallLoop(url: string, headers: Record<string, string>, until: Promise<unknown>) {
  let done = false;
  const stop = () => (done = true);
  until.then(stop, stop);
  const seen = new Set<string>();
  let listed = 0;
  const requests: number[] = [];
  for (let first = true; !done; first = false) {
    const t = performance.now();
    const res = await fetch(`${url}/restapi/v1.0/account/~/active-calls?view=Simple&perPage=100`, { headers });
    const body = (await res.json()) as { records?: { id: string }[] };
    requests.push(performance.now() - t);
    for (const r of body.records ?? []) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      if (!first) listed += 1;
    }
    await sleep(Math.max(0, POLL_MS - (performance.now() - t)));
  }
  return { listed, requests };
}

interface PhaseFigures {
  mode: Mode;
  scenario: string;
  list: LoadFigures;
  reports: Map<string, number[]>;
  reportFailures: number;
  peakRssKiB: number;
  active?: { listed: number; requests: number[] };
}

type Mode = 'list alone' | 'with reports' | 'with reports, live calls and a sync';

/** Each scenario's list load, with reports asked meanwhile unless alone (and active calls polled, when live). */
async function phase(server: RunningServer, headers: Record<string, string>, d: Dataset, mode: Mode) {
  const live = mode === 'with reports, live calls and a sync';
  const figures: PhaseFigures[] = [];
  for (const [i, s] of SCENARIOS.entries()) {
    process.stderr.write(`combined: ${mode}, ${s.name} (${SECONDS} s)...\n`);
    const pick = pagePicker(d, s.level, i + 1);
    const memory = watchMemory(server.pid);
    const load = runLoad({
      url: server.url,
      headers,
      nextPath: () => listPath(d, s.view, pick(), s.perPage),
      connections: CONNECTIONS,
      seconds: SECONDS,
    });
    const [list, reports, active] = await Promise.all([
      load,
      mode === 'list alone'
        ? { times: new Map<string, number[]>(), failures: 0 }
        : reportLoop(server.url, headers, d, load),
      live ? activeCallLoop(server.url, headers, load) : undefined,
    ]);
    memory.stop();
    figures.push({
      mode,
      scenario: s.name,
      list,
      reports: reports.times,
      reportFailures: reports.failures,
      peakRssKiB: memory.peakKiB(),
      active,
    });
  }
  return figures;
}

async function main() {
  const info = describeRun();
  const dataset = readDataset(SEED_DB);
  process.stderr.write(`combined: seeding the upstream (about ${SYNC_RECORDS} records)...\n`);
  removeDb(UPSTREAM);
  const callsPerDay = Math.max(1, Math.round(SYNC_RECORDS / 1.8 / 30));
  await runRinglog([
    'seed',
    '--db',
    UPSTREAM,
    '--seed',
    '2',
    '--extensions',
    '50',
    '--days',
    '30',
    '--calls-per-day',
    String(callsPerDay),
  ]);
  const upstreamCredentials = await ringlogCredentials(UPSTREAM);
  const upstream = await startRinglogServer(UPSTREAM);
  try {
    process.stderr.write('combined: sync alone into an empty database...\n');
    removeDb(ALONE);
    const alone = await sync(upstream.url, upstreamCredentials, ALONE);
    removeDb(ALONE);

    process.stderr.write('combined: copying the served database...\n');
    removeDb(SERVED);
    copyFileSync(SEED_DB, SERVED);
    if (existsSync(`${SEED_DB}-wal`)) copyFileSync(`${SEED_DB}-wal`, `${SERVED}-wal`);
    const credentials = await ringlogCredentials(SERVED);

    let server = await startRinglogServer(SERVED);
    let headers = { authorization: `Bearer ${await adminToken(server.url, credentials)}` };
    const phases: PhaseFigures[] = [];
    try {
      phases.push(...(await phase(server, headers, dataset, 'list alone')));
      phases.push(...(await phase(server, headers, dataset, 'with reports')));
    } finally {
      await server.stop();
    }

    server = await startRinglogServer(SERVED, ['--simulate', String(CALLS_PER_MINUTE)]);
    let synced: Awaited<ReturnType<typeof sync>>;
    try {
      headers = { authorization: `Bearer ${await adminToken(server.url, credentials)}` };
      // The simulator's calls take a while to build up to their steady number.
      await sleep(15_000);
      const syncing = sync(upstream.url, upstreamCredentials, SERVED);
      // A failed sync is thrown after the phase, with the servers then stopped (`finally`); unhandled meanwhile it
      // ended this process at once and left both servers running.
      syncing.catch(() => undefined);
      await sleep(1_000);
      phases.push(...(await phase(server, headers, dataset, 'with reports, live calls and a sync')));
      synced = await syncing;
    } finally {
      await server.stop();
    }

    const lines: string[] = [];
    const out = (s: string) => lines.push(s);
    out(runInfoLine(info));
    out('');
    out(
      `List load ${CONNECTIONS} connections × ${SECONDS} s per scenario; the reports over the seed's last 30 days asked one ` +
        `after another meanwhile. Live calls: \`serve --simulate ${CALLS_PER_MINUTE}\`; the sync: ${synced.records.toLocaleString('en-US')} records into the served database.`,
    );
    out('');
    out(
      '| load | scenario | list req/s | list p50 ms | list p99 ms | list failures | ' +
        REPORTS.map((r) => `${r} p50 / max ms (n)`).join(' | ') +
        ' | peak RSS MiB |',
    );
    out(`|---|---|---:|---:|---:|---:|${REPORTS.map(() => '---:|').join('')}---:|`);
    for (const f of phases) {
      const reports = REPORTS.map((r) => {
        const t = f.reports.get(r) ?? [];
        return t.length ? `${ms(pct(t, 50))} / ${ms(Math.max(...t))} (${t.length})` : '–';
      });
      out(
        `| ${f.mode} | ${f.scenario} | ${f.list.requestsPerSecond.toFixed(0)} | ${ms(f.list.p50Ms)} | ${ms(f.list.p99Ms)} | ` +
          `${f.list.failures + f.reportFailures} | ${reports.join(' | ')} | ${mib(f.peakRssKiB)} |`,
      );
    }
    out('');
    for (const f of phases) {
      if (!f.active) continue;
      const a = f.active;
      out(
        `- ${f.mode}, ${f.scenario}: the account's active calls polled every ${POLL_MS} ms, ${a.requests.length} ` +
          `requests p50 ${ms(pct(a.requests, 50))} ms, p99 ${ms(pct(a.requests, 99))} ms; ${a.listed} calls newly listed.`,
      );
    }
    out(
      `- Sync: alone into an empty database ${alone.records.toLocaleString('en-US')} records in ${alone.seconds.toFixed(1)} s ` +
        `(${alone.perSecond.toFixed(0)}/s); into the served database under the load ${synced.seconds.toFixed(1)} s ` +
        `(${synced.perSecond.toFixed(0)}/s), peak RSS ${mib(synced.peakRssKiB)} MiB.`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await upstream.stop();
    removeDb(SERVED);
    removeDb(UPSTREAM);
  }
}

await main();
