// PostgreSQL list benchmark: `ringlog serve --db postgres://…` under autocannon (the list scenarios of the
// SQLite list benchmark), against raw `pg` reads of the same pages (named prepared statement with the SQL
// shape of the store's listRecords, rows joined into a string) from as many concurrent connections as the
// HTTP load has; then two `ringlog serve` processes on the same database, 5 connections each, concurrently,
// against one server with 10 connections.
//
//   node --import tsx bench/pg-list.ts POSTGRES_URL [SECONDS]   (prints JSON on stdout)
//
// The account, users and date span are read from the database (before 2026-11-28 from a small SQLite seed with
// the same options, given as a second argument). `npm run bench -- --only list --postgres URL` runs the list
// benchmark with its Prism and Fastify baselines on PostgreSQL instead.

import { runLoad, type LoadFigures } from './http-load.ts';
import { LIST_SCENARIOS, listPath, pagePicker } from './list-scenarios.ts';
import { readMemory, watchMemory } from './process-memory.ts';
import { rawPgLoop, readPgDataset, type RawPgFigures } from './raw-pg-list.ts';
import { adminToken, ringlogCredentials, startRinglogServer, type RunningServer } from './ringlog-cli.ts';

const CONNECTIONS = 10;

async function tokenFor(server: RunningServer, url: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await adminToken(server.url, await ringlogCredentials(url))}` };
}

async function main() {
  const [url, secondsArg] = process.argv.slice(2);
  const seconds = Number(secondsArg ?? 10);
  const dataset = await readPgDataset(url);
  const log = (m: string) => process.stderr.write(`pg-list: ${m}\n`);

  // 1. One server, 10 connections, every scenario; then the raw reads.
  const server = await startRinglogServer(url);
  const ringlog: { scenario: string; load: LoadFigures; peakRssKiB: number }[] = [];
  let idle;
  try {
    const headers = await tokenFor(server, url);
    idle = readMemory(server.pid);
    for (const [i, s] of LIST_SCENARIOS.entries()) {
      log(`ringlog ${s.name}`);
      const pick = pagePicker(dataset, s.level, i + 1);
      const nextPath = () => listPath(dataset, s.view, pick(), s.perPage);
      const first = await fetch(server.url + nextPath(), { headers });
      const body = (await first.json()) as { records: unknown[] };
      if (first.status !== 200 || body.records.length === 0) throw new Error(`${s.name}: ${first.status}`);
      await runLoad({ url: server.url, headers, nextPath, connections: CONNECTIONS, seconds: 2 });
      const mem = watchMemory(server.pid);
      const load = await runLoad({ url: server.url, headers, nextPath, connections: CONNECTIONS, seconds });
      mem.stop();
      ringlog.push({ scenario: s.name, load, peakRssKiB: mem.peakKiB() });
    }
  } finally {
    await server.stop();
  }
  const raw: { scenario: string; raw: RawPgFigures }[] = [];
  for (const [i, s] of LIST_SCENARIOS.entries()) {
    log(`raw pg ${s.name}`);
    raw.push({
      scenario: s.name,
      raw: await rawPgLoop(url, dataset, s, pagePicker(dataset, s.level, i + 1), seconds, CONNECTIONS),
    });
  }

  // 2. Two servers on one database vs one server (extension-level scenarios).
  const two: { scenario: string; one: LoadFigures; a: LoadFigures; b: LoadFigures }[] = [];
  const a = await startRinglogServer(url);
  const b = await startRinglogServer(url);
  try {
    const ha = await tokenFor(a, url);
    const hb = await tokenFor(b, url);
    for (const [i, s] of LIST_SCENARIOS.entries()) {
      if (s.level !== 'extension') continue;
      log(`one vs two servers, ${s.name}`);
      const pa = pagePicker(dataset, s.level, i + 1);
      const pb = pagePicker(dataset, s.level, i + 101);
      const nextA = () => listPath(dataset, s.view, pa(), s.perPage);
      const nextB = () => listPath(dataset, s.view, pb(), s.perPage);
      await runLoad({ url: a.url, headers: ha, nextPath: nextA, connections: CONNECTIONS, seconds: 2 });
      const one = await runLoad({ url: a.url, headers: ha, nextPath: nextA, connections: CONNECTIONS, seconds });
      await Promise.all([
        runLoad({ url: a.url, headers: ha, nextPath: nextA, connections: 5, seconds: 2 }),
        runLoad({ url: b.url, headers: hb, nextPath: nextB, connections: 5, seconds: 2 }),
      ]);
      const [ra, rb] = await Promise.all([
        runLoad({ url: a.url, headers: ha, nextPath: nextA, connections: 5, seconds }),
        runLoad({ url: b.url, headers: hb, nextPath: nextB, connections: 5, seconds }),
      ]);
      two.push({ scenario: s.name, one, a: ra, b: rb });
    }
  } finally {
    await a.stop();
    await b.stop();
  }
  process.stdout.write(
    JSON.stringify(
      {
        seconds,
        connections: CONNECTIONS,
        dataset: { ...dataset, userIds: dataset.userIds.length },
        idle,
        ringlog,
        raw,
        two,
      },
      null,
      1,
    ) + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`pg-list: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
