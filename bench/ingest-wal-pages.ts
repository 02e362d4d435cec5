// Which b-trees an ingest commit rewrites (issue 16 item 2): in a grown SQLite database (e.g. bench/ingest-growth.ts
// --keep), commits ROWS new rows of one log the way an import's commit does (the log's latest rows again, later in
// time, with new record, session, telephony-session and recording ids) and reads the page numbers of the frames the
// commit appended to the WAL, counting them per b-tree (SQLite's dbstat). Once for the company log and once for the
// largest extension log. Adds those rows to the database (their ids end in "w" and the time of the run).
//
// `node --import tsx bench/ingest-wal-pages.ts DB [--rows 5000]`

import Database from 'better-sqlite3';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CALL_LOG_COLUMNS } from '../src/store/record-writers.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rows: { type: 'string', default: '5000' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: ingest-wal-pages.ts DB [--rows N]');
const rows = Number(values.rows);

const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -65536');
db.pragma('mmap_size = 0');
db.pragma('wal_autocheckpoint = 0');
const pageSize = Number(db.pragma('page_size', { simple: true }));

/** Page number of every frame in the WAL (frame header: page number, big-endian, first 4 bytes). */
function walPages(): number[] {
  const wal = `${file}-wal`;
  const size = statSync(wal).size;
  const fd = openSync(wal, 'r');
  const header = Buffer.alloc(4);
  const pages: number[] = [];
  try {
    for (let at = 32; at + 24 + pageSize <= size; at += 24 + pageSize) {
      readSync(fd, header, 0, 4, at);
      pages.push(header.readUInt32BE(0));
    }
  } finally {
    closeSync(fd);
  }
  return pages;
}

/** The b-tree owning each page of the call_log indexes and the report tables (the rest: call_log itself, …). */
function pageOwners(): Map<number, string> {
  const names = (
    db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type IN ('index', 'table') AND (tbl_name = 'call_log'
      OR name LIKE 'report%')`,
      )
      .all() as { name: string }[]
  ).map((r) => r.name);
  const owners = new Map<number, string>();
  const pagesOf = db.prepare<[string], { pageno: number }>('SELECT pageno FROM dbstat WHERE name = ?');
  for (const name of names) {
    if (name === 'call_log') continue; // the largest: whatever no other b-tree owns
    for (const { pageno } of pagesOf.all(name)) owners.set(pageno, name);
  }
  return owners;
}

const account = (db.prepare('SELECT account_id FROM call_log LIMIT 1').get() as { account_id: string }).account_id;
const largest = (
  db
    .prepare(
      `SELECT extension_id FROM call_log WHERE account_id = ? AND extension_id <> '' GROUP BY extension_id
       ORDER BY count(*) DESC LIMIT 1`,
    )
    .get(account) as { extension_id: string } | undefined
)?.extension_id;
const insert = db.prepare(
  `INSERT INTO call_log (${CALL_LOG_COLUMNS.join(', ')}) VALUES (${CALL_LOG_COLUMNS.map((c) => `@${c}`).join(', ')})`,
);
const TEN_YEARS = 3650 * 86_400_000;
const suffix = `w${Date.now()}`;

process.stdout.write(`${file}: ${rows} rows per commit, ${pageSize}-byte pages\n`);
const logs: [string, string][] = [['company log', '']];
if (largest !== undefined) logs.push(['largest extension log', largest]);
for (const [label, extension] of logs) {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const latest = (
    db
      .prepare(`SELECT * FROM call_log WHERE account_id = ? AND extension_id = ? ORDER BY start_time DESC LIMIT ?`)
      .all(account, extension, rows) as Record<string, unknown>[]
  ).reverse();
  const changedAt = Date.now();
  db.transaction(() => {
    for (const row of latest) {
      insert.run({
        ...row,
        id: `${String(row.id)}${suffix}`,
        session_id: `9${String(row.session_id)}`,
        telephony_session_id: `${String(row.telephony_session_id)}${suffix}`,
        recording_id: typeof row.recording_id === 'string' ? `${row.recording_id}${suffix}` : null,
        start_time: Number(row.start_time) + TEN_YEARS,
        changed_at: changedAt,
      });
    }
  })();
  const frames = walPages();
  const owners = pageOwners();
  const byTree = new Map<string, { frames: number; pages: Set<number> }>();
  for (const page of frames) {
    const name = owners.get(page) ?? 'call_log (table) and others';
    const entry = byTree.get(name) ?? { frames: 0, pages: new Set<number>() };
    entry.frames++;
    entry.pages.add(page);
    byTree.set(name, entry);
  }
  const total = frames.length;
  process.stdout.write(
    `\n${label} (${latest.length} rows): ${total} WAL frames, ${((total * pageSize) / latest.length / 1024).toFixed(1)} KB per row\n` +
      '| b-tree | frames | distinct pages | KB per row |\n|---|---|---|---|\n',
  );
  for (const [name, { frames: n, pages }] of [...byTree].sort((a, b) => b[1].frames - a[1].frames)) {
    process.stdout.write(
      `| ${name} | ${n} | ${pages.size} | ${((n * pageSize) / latest.length / 1024).toFixed(1)} |\n`,
    );
  }
}
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();
