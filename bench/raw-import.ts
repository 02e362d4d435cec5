// Import baselines: the call-log rows of a source SQLite database (the rows `ringlog import` writes for the
// same records) inserted raw into a fresh database made by the store's migrations.
//
//   node --import tsx bench/raw-import.ts sqlite SOURCE_DB TARGET_DB     better-sqlite3, one prepared INSERT per
//                                                                       row, 5,000 rows per transaction (insert time only)
//   node --import tsx bench/raw-import.ts csv SOURCE_DB CSV_FILE          writes the rows as CSV (untimed)
//   node --import tsx bench/raw-import.ts migrate POSTGRES_URL            creates the schema (then time psql \copy)

import Database from 'better-sqlite3';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { openStore } from '../src/store/index.ts';
import { CALL_LOG_COLUMNS } from '../src/store/record-writers.ts';
import { applyStoreSettings, storeSettings } from './store-settings.ts';

const IMPORT_COLUMNS = CALL_LOG_COLUMNS;

function* sourceRows(file: string, batch = 5000): Generator<Record<string, unknown>[]> {
  // One streaming read in the order `ringlog export` writes the records (log by log, oldest first), i.e. the
  // order `ringlog import` inserts them in; RAW_ORDER=pk reads in primary-key order instead (call_log is a
  // WITHOUT ROWID table keyed by account and id: sequential inserts, a flattering baseline).
  const db = new Database(file, { readonly: true });
  const order = process.env.RAW_ORDER === 'pk' ? 'account_id, id' : 'account_id, extension_id, start_time, id';
  const select = db.prepare(`SELECT ${IMPORT_COLUMNS.join(', ')} FROM call_log ORDER BY ${order}`);
  let rows: Record<string, unknown>[] = [];
  for (const row of select.iterate() as Iterable<Record<string, unknown>>) {
    rows.push(row);
    if (rows.length === batch) {
      yield rows;
      rows = [];
    }
  }
  if (rows.length) yield rows;
  db.close();
}

async function rawSqlite(source: string, target: string) {
  await (await openStore(target)).close();
  const db = applyStoreSettings(new Database(target), await storeSettings());
  const insert = db.prepare(
    `INSERT INTO call_log (${IMPORT_COLUMNS.join(', ')}) VALUES (${IMPORT_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  );
  const insertAll = db.transaction((rows: Record<string, unknown>[]) => {
    for (const row of rows) insert.run(row);
  });
  let rows = 0;
  let seconds = 0;
  for (const batch of sourceRows(source)) {
    const started = performance.now();
    insertAll(batch);
    seconds += (performance.now() - started) / 1000;
    rows += batch.length;
  }
  db.close();
  return { rows, insertSeconds: seconds, recordsPerSecond: rows / seconds };
}

const csvField = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
};

async function writeCsv(source: string, out: string) {
  const stream = createWriteStream(out);
  let rows = 0;
  for (const batch of sourceRows(source)) {
    const text = batch.map((r) => IMPORT_COLUMNS.map((c) => csvField(r[c])).join(',')).join('\n') + '\n';
    rows += batch.length;
    if (!stream.write(text)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
  return { rows, columns: IMPORT_COLUMNS.join(',') };
}

async function main() {
  const [mode, a, b] = process.argv.slice(2);
  let result: unknown;
  if (mode === 'sqlite') result = await rawSqlite(a, b);
  else if (mode === 'csv') result = await writeCsv(a, b);
  else if (mode === 'migrate') {
    await (await openStore(a)).close();
    result = { migrated: a };
  } else throw new Error('usage: raw-import.ts sqlite|csv|migrate ...');
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`raw-import: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
