// The bulk write of call-log rows: the path every import, sync and seed takes, written per backend for speed
// (a prepared statement on SQLite, COPY on PostgreSQL), with the same semantics as an upsert by (account, id):
// a row is inserted, or replaces the stored one if its last_modified is newer, else left alone.

import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PreparedRecord } from './call-log-row.ts';
import type { CallLogTable, Database as Schema } from './schema.ts';
import { APPLY_ROLLUP_CHANGE, ROLLUP_SOURCE_COLUMNS, RollupDeltas, type RollupSource } from './report-rollup.ts';
import { APPLY_HISTOGRAM_CHANGE } from './report-histogram.ts';
import { APPLY_CONTACT_CHANGE } from './report-contacts.ts';

/**
 * Writes batches of rows, each at most one per (account_id, id), in one transaction, stamped `changed_at`. The
 * batches are read one at a time as the write goes (awaited, if they come from an async source), so a caller can
 * make each batch only when it is its turn.
 */
export type RecordWriter = (
  batches: Iterable<PreparedRecord[]> | AsyncIterable<PreparedRecord[]>,
  changedAt: number,
) => Promise<void>;

export const CALL_LOG_COLUMNS = [
  'account_id',
  'extension_id',
  'start_time',
  'id',
  'session_id',
  'telephony_session_id',
  'last_modified',
  'deleted',
  'direction',
  'type',
  'transport',
  'result',
  'recording_type',
  'recording_id',
  'from_digits',
  'to_digits',
  'from_rev',
  'to_rev',
  'simple_json',
  'detailed_json',
  'duration_ms',
  'action',
  'owner_id',
  'entry_id',
  'agent_id',
  'answer_ms',
  'talk_ms',
  'transferred',
  'contact_digits',
  'changed_at',
] as const satisfies readonly (keyof CallLogTable)[];

/** The columns a prepared record carries: all but changed_at, which is last. */
const PREPARED_COLUMNS = CALL_LOG_COLUMNS.slice(0, -1) as Exclude<(typeof CALL_LOG_COLUMNS)[number], 'changed_at'>[];

const UPDATED = CALL_LOG_COLUMNS.filter((c) => c !== 'account_id' && c !== 'id');

/** The upsert by (account, id) of call_log: a row replaces the stored one only if its last_modified is newer. */
export const CALL_LOG_UPSERT = `ON CONFLICT (account_id, id) DO UPDATE SET ${UPDATED.map((c) => `${c} = excluded.${c}`).join(', ')}
  WHERE excluded.last_modified > call_log.last_modified`;

/** Rows written between two turns of the event loop, so timers (a sync's pacing) are not held up by a big write. */
const SQLITE_ROWS_PER_TURN = 250;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * SQLite: one prepared upsert run per row inside one transaction, giving the event loop a turn every few hundred
 * rows. It runs on Kysely's single connection (held for the whole write), so nothing else runs inside it and it
 * never lands inside a transaction Kysely has open.
 */
export function sqliteRecordWriter(db: Kysely<Schema>, sqlite: Database.Database): RecordWriter {
  const upsert = sqlite.prepare(
    `INSERT INTO call_log (${CALL_LOG_COLUMNS.join(', ')}) VALUES (${CALL_LOG_COLUMNS.map(() => '?').join(', ')}) ${CALL_LOG_UPSERT}`,
  );
  // The report rollup is kept here rather than by row triggers: on SQLite an insert or update trigger on
  // call_log made every upsert about twice as costly (docs/benchmarks.md, report rollup).
  const stored = sqlite.prepare<[string, string], RollupSource>(
    `SELECT ${ROLLUP_SOURCE_COLUMNS.join(', ')} FROM call_log WHERE account_id = ? AND id = ?`,
  );
  const applyChange = new Map(
    [APPLY_ROLLUP_CHANGE, APPLY_HISTOGRAM_CHANGE, APPLY_CONTACT_CHANGE].map(
      (text) => [text, sqlite.prepare(text)] as const,
    ),
  );
  const values = new Array<unknown>(CALL_LOG_COLUMNS.length);
  const writeSome = (rows: PreparedRecord[], from: number, to: number, deltas: RollupDeltas) => {
    for (let r = from; r < to; r++) {
      const row = rows[r];
      for (let i = 0; i < PREPARED_COLUMNS.length; i++) values[i] = row[PREPARED_COLUMNS[i]];
      const before = stored.get(row.account_id, row.id);
      // No change when the stored record is as new or newer (the upsert's WHERE).
      if (upsert.run(values).changes === 0) continue;
      if (before) deltas.add(before, -1);
      deltas.add(row, 1);
    }
  };
  return (batches, changedAt) =>
    db.connection().execute(async () => {
      values[PREPARED_COLUMNS.length] = changedAt;
      const deltas = new RollupDeltas();
      // IMMEDIATE: the write lock first (waiting busy_timeout for another process's commit), then the reads of the
      // stored versions. Deferred, another process committing after those reads made the first write fail at once
      // ("database is locked": `ringlog sync` into a database `ringlog serve` writes to).
      sqlite.exec('BEGIN IMMEDIATE');
      try {
        let chunks = 0;
        for await (const rows of batches) {
          for (let from = 0; from < rows.length; from += SQLITE_ROWS_PER_TURN) {
            if (chunks++ > 0) await nextTurn();
            writeSome(rows, from, Math.min(rows.length, from + SQLITE_ROWS_PER_TURN), deltas);
          }
        }
        for (const [statement, parameters] of deltas.changes()) applyChange.get(statement)!.run(parameters);
        sqlite.exec('COMMIT');
      } catch (err) {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
        throw err;
      }
    });
}

/** COPY's text format: tab-separated, `\N` for null, and backslash escapes for `\`, tab and line breaks. */
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return COPY_SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : value;
}

function* copyLines(rows: PreparedRecord[], changedAt: number, linesPerChunk = 64): Generator<string> {
  let chunk = '';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    let line = '';
    for (const column of PREPARED_COLUMNS) line += `${copyField(row[column])}\t`;
    chunk += `${line}${changedAt}\n`;
    if ((r + 1) % linesPerChunk === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * PostgreSQL: each batch goes by COPY into a temporary table of the connection, then into call_log with one
 * INSERT … SELECT … ON CONFLICT, all in one transaction; the table is emptied between batches and at commit.
 */
export function postgresRecordWriter(pool: pg.Pool): RecordWriter {
  const columns = CALL_LOG_COLUMNS.join(', ');
  const prepared = new WeakSet<pg.PoolClient>();
  return async (batches, changedAt) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      if (!prepared.has(client)) {
        await client.query(
          'CREATE TEMPORARY TABLE IF NOT EXISTS call_log_incoming (LIKE call_log INCLUDING DEFAULTS) ON COMMIT DELETE ROWS',
        );
        prepared.add(client);
      }
      await client.query('BEGIN');
      try {
        let copied = false;
        for await (const rows of batches) {
          if (!rows.length) continue;
          if (copied) await client.query('TRUNCATE call_log_incoming');
          await pipeline(
            Readable.from(copyLines(rows, changedAt)),
            client.query(copyStreams.from(`COPY call_log_incoming (${columns}) FROM STDIN`)),
          );
          await client.query(
            `INSERT INTO call_log (${columns}) SELECT ${columns} FROM call_log_incoming ${CALL_LOG_UPSERT}`,
          );
          copied = true;
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
        throw err;
      }
    } finally {
      client.release(broken);
    }
  };
}
