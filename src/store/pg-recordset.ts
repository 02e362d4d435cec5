// PostgreSQL's bulk insert for the hot write paths: `INSERT INTO t (cols) SELECT cols FROM json_to_recordset($1)`,
// all rows in one JSON parameter. A multi-row VALUES list is a new statement text for every row count (thousands
// of parameters, run unnamed, so PostgreSQL parses and plans it afresh at every bind: in a live-ingest profile the
// binds of those inserts took more of the database's CPU than executing them); this text depends only on the
// columns, so it is prepared once per connection and planned once.

import { CompiledQuery } from 'kysely';

/** Columns of the tables written this way that hold numbers (bigint or integer); every other column is text. */
const NUMERIC = new Set([
  'start_time',
  'last_modified',
  'deleted',
  'duration_ms',
  'answer_ms',
  'talk_ms',
  'transferred',
  'changed_at',
  'created_at',
  'duration',
  'sequence',
  'received_at',
  'first_time',
  'last_time',
  'parties_ended',
  'closed_at',
  'version',
  'ended_at',
]);

/** A lone surrogate's escape in JSON.stringify's output (it writes well-formed pairs as they are), after an even run of backslashes. */
const LONE_SURROGATE = /(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/**
 * The rows as JSON PostgreSQL accepts: it refuses a lone surrogate's escape, so each becomes U+FFFD, as it did when
 * the strings went as text parameters (pg encodes them to UTF-8).
 */
export function recordsetJson(rows: readonly Record<string, unknown>[]): string {
  const json = JSON.stringify(rows);
  return json.includes('\\ud') ? json.replace(LONE_SURROGATE, '\\ufffd') : json;
}

const texts = new Map<string, string>();

/**
 * `INSERT INTO table (columns of rows[0]) SELECT * FROM json_to_recordset($1) <tail>` (tail: ON CONFLICT …,
 * RETURNING …, trusted text), compiled once per table, columns and tail: the rows go as one JSON parameter
 * (JSON.stringify is native; pg's own array parameters escaped every string in JavaScript and doubled the server's
 * CPU per event). Rows must be non-empty and share their keys.
 */
export function recordsetInsert<R = unknown>(
  table: string,
  rows: readonly Record<string, unknown>[],
  tail = '',
): CompiledQuery<R> {
  const columns = Object.keys(rows[0]);
  const key = `${table}(${columns.join()})${tail}`;
  let text = texts.get(key);
  if (text === undefined) {
    const types = columns.map((c) => `"${c}" ${NUMERIC.has(c) ? 'bigint' : 'text'}`).join(', ');
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) select * from json_to_recordset($1::json) as r(${types}) ${tail}`;
    texts.set(key, text);
  }
  return CompiledQuery.raw(text, [recordsetJson(rows)]);
}
