// Sync benchmark: `ringlog sync` (a child process) from a `ringlog serve` upstream (another child process).
// Paced: the upstream limits Heavy to 10 requests per 6 s; how close the sync gets to what that allows, and its
// 429s. Unlimited: records/s into SQLite and PostgreSQL, and the sync's peak RSS. Prints the figures; asserts nothing.
//
//   node --import tsx bench/sync-throughput.ts [--records 200000] [--paced-records 60000] [--only paced|unlimited]

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Credentials } from '../src/auth/index.ts';
import { fromWire } from '../src/domain/index.ts';
import { openStore, prepareRecord, type PreparedRecord } from '../src/store/index.ts';
import type { SyncSummary } from '../src/sync/index.ts';
import { describeRun, runInfoLine } from './machine-info.ts';
import { mib, watchMemory } from './process-memory.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/ringlog.js');
const OUT = join(ROOT, 'bench/out/sync');
const PG_ADMIN = process.env.RINGLOG_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The paced upstream's Heavy group: RingCentral's 10 requests, in a 6 s window instead of 60 s. */
const HEAVY = { requests: 10, windowSec: 6, penaltySec: 6 };
/** Records per call the generator writes (the company record and the extension records of each call), measured. */
const RECORDS_PER_CALL = 1.8;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  peakRssKiB: number;
}

/** Runs `ringlog ARGS` to its end, sampling its memory. */
async function ringlog(args: string[]): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const memory = watchMemory(child.pid ?? 0, 100);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
  const [status] = (await once(child, 'close')) as [number | null];
  memory.stop();
  const run = {
    status,
    stdout,
    stderr,
    wallSeconds: (performance.now() - started) / 1000,
    peakRssKiB: Math.max(memory.peakKiB(), memory.last()?.hwmKiB ?? 0),
  };
  if (status !== 0) throw new Error(`ringlog ${args[0]} exited with ${status}: ${stderr.trim()}`);
  return run;
}

/** Starts `ringlog serve` on a free port; resolves once it prints its URL. */
async function serve(db: string, rateLimits: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'serve', '--db', db, '--port', '0', '--rate-limits', rateLimits],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`ringlog serve exited with ${code}`)));
  });
  return {
    url,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** dist/ is what bin/ringlog.js runs: build it when older than the sources. */
function ensureBuilt(): void {
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  const built = join(ROOT, 'dist/cli/index.js');
  if (existsSync(join(ROOT, 'dist/sync/index.js')) && statSync(built).mtimeMs >= newest(join(ROOT, 'src'))) return;
  process.stderr.write('building dist/ ...\n');
  spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
    { stdio: 'inherit' },
  );
}

function removeDb(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '.blobs']) rmSync(file + suffix, { recursive: true, force: true });
}

/** Seeds an upstream database of about `records` records over `extensions` users and 30 days. */
async function seedUpstream(file: string, records: number, extensions: number): Promise<{ records: number }> {
  removeDb(file);
  const days = 30;
  const callsPerDay = Math.max(1, Math.round(records / RECORDS_PER_CALL / days));
  const run = await ringlog([
    'seed',
    '--db',
    file,
    '--seed',
    '1',
    '--extensions',
    String(extensions),
    '--days',
    String(days),
    '--calls-per-day',
    String(callsPerDay),
    '--json',
  ]);
  return JSON.parse(run.stdout) as { records: number };
}

async function credentials(db: string): Promise<Credentials> {
  return JSON.parse((await ringlog(['credentials', '--db', db, '--json'])).stdout) as Credentials;
}

async function syncInto(url: string, c: Credentials, db: string): Promise<{ summary: SyncSummary; run: Run }> {
  const run = await ringlog([
    'sync',
    '--db',
    db,
    '--from',
    url,
    '--client-id',
    c.clientId,
    '--client-secret',
    c.clientSecret,
    '--jwt',
    c.admin.jwt,
    '--json',
  ]);
  return { summary: JSON.parse(run.stdout) as SyncSummary, run };
}

async function pgAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The least time a sliding window of `limit` per `windowSec` allows for `requests` requests (answers taking no time). */
export const minimumSeconds = (requests: number, limit: number, windowSec: number) =>
  (Math.ceil(requests / limit) - 1) * windowSec;

async function paced(records: number): Promise<string[]> {
  const upstreamDb = join(OUT, 'paced-upstream.db');
  const localDb = join(OUT, 'paced-local.db');
  const seeded = await seedUpstream(upstreamDb, records, 2);
  const limitsFile = join(OUT, 'heavy-10-per-6s.json');
  writeFileSync(limitsFile, JSON.stringify({ Heavy: HEAVY }));
  const upstream = await serve(upstreamDb, limitsFile);
  try {
    const c = await credentials(upstreamDb);
    removeDb(localDb);
    process.stderr.write(
      `paced: syncing ${n(seeded.records)} records under Heavy ${HEAVY.requests} per ${HEAVY.windowSec} s...\n`,
    );
    const { summary } = await syncInto(upstream.url, c, localDb);
    const heavy = summary.requestsByGroup.heavy ?? 0;
    const span = summary.sentBetween.heavy;
    const heavySeconds = span ? (span.last - span.first) / 1000 : NaN;
    const least = minimumSeconds(heavy, HEAVY.requests, HEAVY.windowSec);
    const allowedPerMinute = (HEAVY.requests / HEAVY.windowSec) * 60 * 1000;
    const perMinute = summary.records / (summary.seconds / 60);
    const fill = summary.records / (heavy * 1000);
    const pacing = least / heavySeconds;
    return [
      `Paced (upstream Heavy ${HEAVY.requests} requests per ${HEAVY.windowSec} s, perPage 1000): ${n(summary.records)} records, ` +
        `${summary.logs} logs, ${heavy} Heavy requests (${summary.requests} in all), ${summary.seconds.toFixed(1)} s in all`,
      `  pacing: the limit allows these ${heavy} Heavy requests to be sent within ${least.toFixed(1)} s at best; ` +
        `they were sent within ${heavySeconds.toFixed(1)} s = ${pct(pacing)}`,
      `  records/minute in steady state: ${pct(pacing)} of the pace × pages ${pct(fill)} full = ${pct(pacing * fill)} of the ` +
        `${n(allowedPerMinute)} the limit allows with full pages (${n(perMinute)} over this whole run, whose first window comes free)`,
      `  429s: ${summary.rateLimited}`,
    ];
  } finally {
    await upstream.stop();
    removeDb(localDb);
  }
}

async function unlimited(records: number): Promise<string[]> {
  const upstreamDb = join(OUT, 'upstream.db');
  const seeded = await seedUpstream(upstreamDb, records, 20);
  const upstream = await serve(upstreamDb, 'off');
  const lines: string[] = [];
  try {
    const c = await credentials(upstreamDb);
    const sqliteDb = join(OUT, 'local.db');
    removeDb(sqliteDb);
    process.stderr.write(`unlimited: syncing ${n(seeded.records)} records into SQLite...\n`);
    const sqlite = await syncInto(upstream.url, c, sqliteDb);
    removeDb(sqliteDb);
    lines.push(describe('SQLite', sqlite.summary, sqlite.run));
    lines.push(await ceiling(upstreamDb, c.accountId));

    const name = `ringlog_bench_sync_${process.pid}`;
    await pgAdmin(`create database ${name}`);
    try {
      const url = new URL(PG_ADMIN);
      url.pathname = `/${name}`;
      process.stderr.write(`unlimited: syncing ${n(seeded.records)} records into PostgreSQL...\n`);
      const postgres = await syncInto(upstream.url, c, url.toString());
      lines.push(describe('PostgreSQL', postgres.summary, postgres.run));
    } finally {
      await pgAdmin(`drop database if exists ${name} with (force)`);
    }
  } finally {
    await upstream.stop();
  }
  return lines;
}

/**
 * The same records without HTTP, in this process, split as the sync splits them: decoding a page (JSON.parse +
 * fromWire + prepareRecord: what a decoder thread does) and store.upsertPrepared into a fresh SQLite store (what
 * the main thread does), timed apart. With a decoder thread of its own, the sync is bounded by the slower of the
 * two (and on 2 cores the upstream server takes its share as well).
 */
async function ceiling(upstreamDb: string, accountId: string): Promise<string> {
  const source = await openStore(upstreamDb);
  const pages: string[][] = [];
  for await (const page of source.exportRecords(
    { accountId, dateFrom: 0, dateTo: Date.now() + 86_400_000, view: 'Detailed' },
    1000,
  )) {
    pages.push(page);
  }
  await source.close();
  const targetDb = join(OUT, 'ceiling.db');
  removeDb(targetDb);
  const target = await openStore(targetDb);
  let decodeMs = 0;
  let storeMs = 0;
  let records = 0;
  for (const page of pages) {
    let started = performance.now();
    const rows: PreparedRecord[] = (JSON.parse(`[${page.join(',')}]`) as unknown[]).map((json) =>
      prepareRecord(fromWire(json)),
    );
    decodeMs += performance.now() - started;
    started = performance.now();
    await target.upsertPrepared(rows);
    storeMs += performance.now() - started;
    records += rows.length;
  }
  await target.close();
  removeDb(targetDb);
  const rate = (ms: number) => n(records / (ms / 1000));
  return (
    `Without HTTP, one thread (${n(records)} records): decoding (JSON.parse + fromWire + prepareRecord) ${rate(decodeMs)}/s, ` +
    `store.upsertPrepared into SQLite ${rate(storeMs)}/s`
  );
}

function describe(target: string, s: SyncSummary, run: Run): string {
  return (
    `Unlimited into ${target}: ${n(s.records)} records, ${s.requests} requests, ${s.seconds.toFixed(1)} s inside the command ` +
    `= ${n(s.records / s.seconds)} records/s (${n(s.records / run.wallSeconds)}/s end to end, start-up included); ` +
    `peak RSS ${mib(run.peakRssKiB)} MiB`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '200000' },
      'paced-records': { type: 'string', default: '60000' },
      only: { type: 'string' },
    },
  });
  ensureBuilt();
  mkdirSync(OUT, { recursive: true });
  const info = describeRun();
  const lines = [runInfoLine(info)];
  if (values.only !== 'unlimited') lines.push(...(await paced(Number(values['paced-records']))));
  if (values.only !== 'paced') lines.push(...(await unlimited(Number(values.records))));
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
