// PostgreSQL list benchmark: `ringlog serve --db postgres://…` under autocannon (the list scenarios of the
// SQLite list benchmark), against raw `pg` reads of the same pages (named prepared statement with the SQL
// shape of the store's listRecords, rows joined into a string) from as many concurrent connections as the
// HTTP load has; then two `ringlog serve` processes on the same database, 5 connections each, concurrently,
// against one server with 10 connections.
//
//   node --import tsx bench/pg-list.ts POSTGRES_URL SQLITE_DB [SECONDS]   (prints JSON on stdout)
//
// SQLITE_DB is the cached seed database the PostgreSQL one holds the same records as: the account, users and
// date span are read from it.

import pg from 'pg';
import { runLoad, type LoadFigures } from './http-load.ts';
import {
  LIST_SCENARIOS,
  PER_PAGE,
  listPath,
  pagePicker,
  readDataset,
  type Dataset,
  type ListScenario,
  type PagePick,
} from './list-scenarios.ts';
import { readMemory, watchMemory } from './process-memory.ts';
import { adminToken, ringlogCredentials, startRinglogServer, type RunningServer } from './ringlog-cli.ts';

const CONNECTIONS = 10;

const SQL = (column: string) =>
  `SELECT ${column} AS json FROM call_log WHERE account_id = $1 AND extension_id = $2 AND start_time >= $3 ` +
  'AND start_time <= $4 AND deleted = $5 AND result <> $6 ORDER BY start_time DESC, id DESC LIMIT $7 OFFSET $8';

const types: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : (pg.types.getTypeParser(oid, format) as unknown),
};

const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

interface RawFigures {
  pagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  pageChars: number;
  connections: number;
}

/** `connections` clients each reading pages back to back (one shared page sequence) for `seconds`. */
async function rawPgLoop(
  url: string,
  dataset: Dataset,
  s: ListScenario,
  nextPick: () => PagePick,
  seconds: number,
  connections: number,
): Promise<RawFigures> {
  const column = s.view === 'Detailed' ? 'detailed_json' : 'simple_json';
  const name = `raw_list_${column}`;
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: url, types });
      await c.connect();
      return c;
    }),
  );
  const readPage = async (c: pg.Client, pick: PagePick): Promise<string> => {
    const { rows } = await c.query<{ json: string }>({
      name,
      text: SQL(column),
      values: [
        dataset.accountId,
        pick.extensionId ?? '',
        dataset.firstStart,
        dataset.lastStart,
        0,
        'Blocked',
        PER_PAGE + 1,
        (pick.page - 1) * PER_PAGE,
      ],
    });
    return `[${(rows.length > PER_PAGE ? rows.slice(0, PER_PAGE) : rows).map((r) => r.json).join(',')}]`;
  };
  try {
    const run = async (ms: number, latencies: number[] | null) => {
      let chars = 0;
      const end = performance.now() + ms;
      await Promise.all(
        clients.map(async (c) => {
          for (let now = performance.now(); now < end;) {
            // Read the page before adding: `chars += await …` would add to the total as it was before the await,
            // losing what the other connections added meanwhile.
            const page = await readPage(c, nextPick());
            chars += page.length;
            const after = performance.now();
            latencies?.push(after - now);
            now = after;
          }
        }),
      );
      return chars;
    };
    await run(2000, null);
    const latencies: number[] = [];
    const started = performance.now();
    const chars = await run(seconds * 1000, latencies);
    const elapsed = (performance.now() - started) / 1000;
    const sorted = Float64Array.from(latencies).sort();
    return {
      pagesPerSecond: latencies.length / elapsed,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      pageChars: chars / latencies.length,
      connections,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

async function tokenFor(server: RunningServer, url: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await adminToken(server.url, await ringlogCredentials(url))}` };
}

async function main() {
  const [url, sqliteDb, secondsArg] = process.argv.slice(2);
  const seconds = Number(secondsArg ?? 10);
  const dataset = readDataset(sqliteDb);
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
      const nextPath = () => listPath(dataset, s.view, pick());
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
  const raw: { scenario: string; raw: RawFigures }[] = [];
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
      const nextA = () => listPath(dataset, s.view, pa());
      const nextB = () => listPath(dataset, s.view, pb());
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
