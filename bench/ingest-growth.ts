// Whether ingest slows down as the archive grows (issue 16 item 2): `ringlog import` (the built CLI) of one chunk
// after another into ONE growing SQLite database, with per chunk the records/s, the child's CPU seconds, the bytes
// it wrote (/proc/self/io at its exit: wchar = bytes passed to write(), write_bytes = bytes dirtied in the page
// cache for the disk) per record, and the database's size per record (its "stored size").
//
// Chunk k is a copy of the NDJSON source (e.g. an export of the 1M seeded database) with every id made unique to
// the copy in a way that keeps its place in key order as random or as time-ordered as the source's (a suffix on
// record, telephony-session, recording and message ids; sessionId + k·10¹⁰) and every time shifted by k spans,
// so the archive grows forward in time as a real one does. Each chunk is written to a file before its import
// starts (the child's CPU is then its own) and deleted after.
//
// `node --import tsx bench/ingest-growth.ts --source FILE.ndjson[.gz] [--chunks 5] [--lines N] [--every M] [--span-days 60]
//   [--db FILE] [--ringlog BIN]... [--same-db] [--start-copy S] [--dbstat] [--keep]`
// With several --ringlog builds each grows its own database (FILE.0.db, FILE.1.db, …), chunk k going into each in
// turn (alternating, so both see the same load), or with --same-db they take turns on the one database (each its
// own copy of the source), e.g. to compare a change at the size a kept database has reached: --start-copy S
// continues a database holding copies 0…S−1. --lines takes the first N lines of the source per chunk (of every
// Mth line with --every M: the same mix of logs as the whole source, in its order); --dbstat
// prints the pages of each call_log b-tree after every chunk (a scan of the whole file).

import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OUT_DIR, removeDb } from './bench-dataset.ts';
import { ROOT } from './ringlog-cli.ts';

const { values } = parseArgs({
  options: {
    source: { type: 'string' },
    chunks: { type: 'string', default: '5' },
    lines: { type: 'string' },
    every: { type: 'string', default: '1' },
    'span-days': { type: 'string', default: '60' },
    db: { type: 'string', default: join(OUT_DIR, 'ingest-growth.db') },
    ringlog: { type: 'string', multiple: true },
    'same-db': { type: 'boolean', default: false },
    'start-copy': { type: 'string', default: '0' },
    dbstat: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
if (!values.source) throw new Error('--source FILE.ndjson: the records each chunk copies');
const source = values.source;
const chunks = Number(values.chunks);
const lineLimit = values.lines === undefined ? Infinity : Number(values.lines);
const every = Number(values.every);
const spanMs = Number(values['span-days']) * 86_400_000;
const bins = values.ringlog ?? [fileURLToPath(new URL('../bin/ringlog.js', import.meta.url))];
const sameDb = values['same-db'];
const startCopy = Number(values['start-copy']);
const dbs =
  bins.length === 1 || sameDb
    ? bins.map(() => values.db)
    : bins.map((_, i) => values.db.replace(/(\.db)?$/, `.${i}.db`));
const IO_AT_EXIT = new URL('./io-at-exit.mjs', import.meta.url).href;

const ISO_TIME = /"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"/g;
const TELEPHONY_SESSION = /"(s-[0-9a-f]+)"/g;
const NUMERIC_ID = /("id":"|\/recording\/|\/message-store\/)(\d+)(?=["/])/g;
const SESSION_ID = /"sessionId":"(\d+)"/;
const RECORD_ID = /"id":"([^"]+)"/;

/** Line `line` of the source as copy `k`: unique ids, times `k` spans later. */
function copyRecord(line: string, k: number): string {
  const suffix = String(k).padStart(2, '0');
  const shift = k * spanMs;
  const id = RECORD_ID.exec(line)?.[1];
  let out = id ? line.replaceAll(id, id + suffix) : line;
  out = out
    .replace(SESSION_ID, (_, n: string) => `"sessionId":"${Number(n) + k * 1e10}"`)
    .replace(TELEPHONY_SESSION, (_, s: string) => `"${s}${suffix}"`)
    .replace(NUMERIC_ID, (_, prefix: string, n: string) => `${prefix}${n}${suffix}`)
    .replace(ISO_TIME, (_, t: string) => `"${new Date(Date.parse(t) + shift).toISOString()}"`);
  return out;
}

async function writeChunk(k: number, file: string): Promise<number> {
  const out = createWriteStream(file);
  let n = 0;
  let read = 0;
  const input = source.endsWith('.gz') ? createReadStream(source).pipe(createGunzip()) : createReadStream(source);
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (n === lineLimit) break;
    if (!line || read++ % every !== 0) continue;
    n++;
    if (!out.write(`${copyRecord(line, k)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return n;
}

interface ImportRun {
  wallSeconds: number;
  cpuSeconds: number;
  wchar: number;
  writeBytes: number;
  cancelledWriteBytes: number;
  maxRssKiB: number;
  stdout: string;
}

async function runImport(bin: string, file: string, db: string): Promise<ImportRun> {
  const ioFile = join(OUT_DIR, `ingest-growth-io-${process.pid}.json`);
  rmSync(ioFile, { force: true });
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', IO_AT_EXIT, bin, 'import', file, '--db', db], {
    cwd: ROOT,
    env: { ...process.env, RINGLOG_BENCH_IO_OUT: ioFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
  const [code] = (await once(child, 'exit')) as [number | null];
  const wallSeconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`ringlog import exited with ${code}: ${stderr.trim()}`);
  const { io, userSeconds, systemSeconds, maxRssKiB } = JSON.parse(readFileSync(ioFile, 'utf8')) as {
    io: Record<string, number>;
    userSeconds: number;
    systemSeconds: number;
    maxRssKiB: number;
  };
  rmSync(ioFile);
  return {
    wallSeconds,
    cpuSeconds: userSeconds + systemSeconds,
    wchar: io.wchar,
    writeBytes: io.write_bytes,
    cancelledWriteBytes: io.cancelled_write_bytes,
    maxRssKiB,
    stdout: stdout.trim(),
  };
}

/** Pages of each b-tree of call_log (and the report tables), from SQLite's dbstat table. */
function btreePages(db: string): string {
  const sqlite = new Database(db, { readonly: true });
  try {
    const rows = sqlite
      .prepare(
        `SELECT name, count(*) AS pages FROM dbstat WHERE name LIKE 'call_log%' OR name LIKE 'report%'
         GROUP BY name ORDER BY pages DESC`,
      )
      .all() as { name: string; pages: number }[];
    return rows.map((r) => `${r.name} ${r.pages}`).join(', ');
  } finally {
    sqlite.close();
  }
}

const kb = (bytes: number, records: number) => (bytes / records / 1024).toFixed(1);

/** Rows already in `db` (continuing a kept database), else 0 after removing whatever was there. */
function startingRows(db: string): number {
  if (startCopy === 0) {
    removeDb(db);
    return 0;
  }
  const sqlite = new Database(db, { readonly: true });
  try {
    return (sqlite.prepare('SELECT count(*) AS n FROM call_log').get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
}

const totals = dbs.map(startingRows);
process.stdout.write(
  "| build | chunk | records after | wall s | records/s | CPU s | CPU µs/record | wchar KB/record | write_bytes KB/record | db KB/record | chunk's growth KB/record | peak RSS MiB |\n",
);
const file = `${values.db}.chunk.ndjson`;
for (let k = 0; k < chunks; k++) {
  let lines = 0;
  for (let b = 0; b < bins.length; b++) {
    // One copy per chunk for all builds (their own databases), or one per import (the same database).
    if (sameDb || b === 0) lines = await writeChunk(startCopy + (sameDb ? k * bins.length + b : k), file);
    const db = dbs[b];
    const before = statSync(db, { throwIfNoEntry: false })?.size ?? 0;
    const run = await runImport(bins[b], file, db);
    const size = statSync(db).size;
    for (let i = 0; i < dbs.length; i++) if (dbs[i] === db) totals[i] += lines;
    const cells = [
      bins.length === 1 ? '' : String(b),
      String(k + 1),
      totals[b].toLocaleString('en-US'),
      run.wallSeconds.toFixed(0),
      Math.round(lines / run.wallSeconds).toLocaleString('en-US'),
      run.cpuSeconds.toFixed(0),
      ((run.cpuSeconds * 1e6) / lines).toFixed(0),
      kb(run.wchar, lines),
      kb(run.writeBytes - run.cancelledWriteBytes, lines),
      kb(size, totals[b]),
      kb(size - before, lines),
      (run.maxRssKiB / 1024).toFixed(0),
    ];
    process.stdout.write(`| ${cells.join(' | ')} |\n`);
    process.stderr.write(`${JSON.stringify({ bin: bins[b], chunk: k + 1, lines, size, ...run })}\n`);
    if (values.dbstat) process.stderr.write(`b-tree pages after chunk ${k + 1}: ${btreePages(db)}\n`);
  }
}
rmSync(file);
if (!values.keep) for (const db of new Set(dbs)) removeDb(db);
