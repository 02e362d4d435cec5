// The seed baseline: the same generated records inserted with plain better-sqlite3 (one prepared INSERT per
// row, transactions of a few thousand rows) into a fresh database with ringlog's own schema. Generation and
// row preparation are timed apart from the inserts.

import Database from 'better-sqlite3';
import { openStore } from '../src/store/index.ts';
import { prepareRecord } from '../src/store/index.ts';
import { CALL_LOG_COLUMNS } from '../src/store/record-writers.ts';
import type { CallLogTable } from '../src/store/schema.ts';
import { generateCompany, generateTraffic, type SeedOptions } from '../src/generator/index.ts';
import { applyStoreSettings, storeSettings } from './store-settings.ts';

export interface RawInsertFigures {
  rows: number;
  /** Inside the insert transactions only. */
  insertSeconds: number;
  /** generateTraffic: the simulated calls, as CallLogRecord objects. */
  trafficSeconds: number;
  /** prepareRecord: the indexed columns and the Simple/Detailed JSON of each record. */
  rowSeconds: number;
}

const COLUMNS = CALL_LOG_COLUMNS;

export async function rawBatchedInsert(
  file: string,
  options: SeedOptions,
  rowsPerTransaction = 5000,
): Promise<RawInsertFigures> {
  await (await openStore(file)).close();
  const db = applyStoreSettings(new Database(file), await storeSettings());
  const insert = db.prepare(
    `INSERT INTO call_log (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`,
  );
  const insertAll = db.transaction((rows: CallLogTable[]) => {
    for (const row of rows) insert.run(row);
  });
  const figures: RawInsertFigures = { rows: 0, insertSeconds: 0, trafficSeconds: 0, rowSeconds: 0 };
  const flush = (rows: CallLogTable[]) => {
    const started = performance.now();
    insertAll(rows);
    figures.insertSeconds += (performance.now() - started) / 1000;
    figures.rows += rows.length;
  };

  const company = generateCompany(options);
  const batches = generateTraffic(company, options);
  let pending: CallLogTable[] = [];
  for (;;) {
    let started = performance.now();
    const batch = batches.next();
    figures.trafficSeconds += (performance.now() - started) / 1000;
    if (batch.done) break;
    started = performance.now();
    const changedAt = Date.now();
    const rows = batch.value.records.map((r) => ({ ...prepareRecord(r), changed_at: changedAt }));
    figures.rowSeconds += (performance.now() - started) / 1000;
    pending = pending.concat(rows);
    while (pending.length >= rowsPerTransaction) {
      flush(pending.slice(0, rowsPerTransaction));
      pending = pending.slice(rowsPerTransaction);
    }
  }
  if (pending.length) flush(pending);
  db.close();
  return figures;
}

/** A cheap fingerprint of a database's call-log rows (answered from indexes), to check two hold the same rows. */
export function callLogFingerprint(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare('SELECT count(*) AS n, sum(start_time) AS t, max(id) AS id FROM call_log').get();
    return JSON.stringify(row);
  } finally {
    db.close();
  }
}
