// The DuckDB anchor's Parquet for a big data set: the columns bench/reports-benchmark.ts's DuckDB SQL reads, named
// and typed as `ringlog export --format parquet` writes them, taken from call_log's report columns (the call facts
// the store keeps per record, domain/call-facts.ts) as CSV (PostgreSQL: COPY; SQLite: the same SELECT, read
// with better-sqlite3), then written by DuckDB. Used where the export itself is too slow for the data set (about
// 570 records/s on the 2-core machine: hours for millions).
//
//   node --import tsx bench/pg-facts-parquet.ts POSTGRES_URL OUT.parquet
//   node --import tsx bench/pg-facts-parquet.ts FILE.db OUT.parquet

import { createWriteStream, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';

const FACTS = `SELECT id, account_id, nullif(extension_id, '') AS extension_id, start_time, duration_ms, type,
  direction, action, result, deleted <> 0 AS deleted, answer_ms IS NOT NULL AS answered, talk_ms, answer_ms,
  agent_id AS agent_extension_id, entry_id AS entry_extension_id, '+' || contact_digits AS contact_number,
  transferred <> 0 AS transferred
FROM call_log`;

const COLUMNS: Record<string, string> = {
  id: 'VARCHAR',
  account_id: 'VARCHAR',
  extension_id: 'VARCHAR',
  start_time: 'BIGINT',
  duration_ms: 'INTEGER',
  type: 'VARCHAR',
  direction: 'VARCHAR',
  action: 'VARCHAR',
  result: 'VARCHAR',
  deleted: 'BOOLEAN',
  answered: 'BOOLEAN',
  talk_ms: 'INTEGER',
  answer_ms: 'INTEGER',
  agent_extension_id: 'VARCHAR',
  entry_extension_id: 'VARCHAR',
  contact_number: 'VARCHAR',
  transferred: 'BOOLEAN',
};

async function copyPostgres(url: string, csv: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await pipeline(
      client.query(copyStreams.to(`COPY (${FACTS}) TO STDOUT (FORMAT csv, HEADER)`)),
      createWriteStream(csv),
    );
  } finally {
    await client.end();
  }
}

/** The same SELECT from a SQLite file, as CSV (values never hold commas, quotes or newlines; null is empty). */
function copySqlite(file: string, csv: string): void {
  const db = new Database(file, { readonly: true });
  try {
    writeFileSync(csv, `${Object.keys(COLUMNS).join(',')}\n`);
    let lines: string[] = [];
    const cell = (v: string | number | null) =>
      v === null ? '' : typeof v === 'string' ? JSON.stringify(v) : String(v);
    for (const row of db.prepare(FACTS).raw().iterate() as Iterable<(string | number | null)[]>) {
      lines.push(row.map((v, i) => (i === 9 || i === 10 || i === 16 ? (v ? 'true' : 'false') : cell(v))).join(','));
      if (lines.length === 10_000) {
        appendFileSync(csv, `${lines.join('\n')}\n`);
        lines = [];
      }
    }
    if (lines.length) appendFileSync(csv, `${lines.join('\n')}\n`);
  } finally {
    db.close();
  }
}

async function main() {
  const [url, out] = process.argv.slice(2);
  if (!url || !out) throw new Error('usage: pg-facts-parquet.ts POSTGRES_URL|FILE.db OUT.parquet');
  const csv = `${out}.csv`;
  const started = performance.now();
  if (url.startsWith('postgres')) await copyPostgres(url, csv);
  else copySqlite(url, csv);
  const copied = performance.now();
  const duck = await DuckDBInstance.create(':memory:');
  const c = await duck.connect();
  try {
    const types = Object.entries(COLUMNS)
      .map(([name, type]) => `'${name}': '${type}'`)
      .join(', ');
    const select = Object.keys(COLUMNS)
      .map((name) => (name === 'start_time' ? 'epoch_ms(start_time) AS start_time' : name))
      .join(', ');
    await c.run(
      `COPY (SELECT ${select} FROM read_csv('${csv}', header = true, columns = {${types}})) TO '${out}' (FORMAT parquet)`,
    );
  } finally {
    c.closeSync();
    rmSync(csv, { force: true });
  }
  const seconds = (t: number) => ((t - started) / 1000).toFixed(1);
  process.stderr.write(
    `pg-facts-parquet: COPY ${seconds(copied)} s, Parquet written at ${seconds(performance.now())} s\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`pg-facts-parquet: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
