// Copies the directory (accounts, extensions) of a seeded SQLite database into a PostgreSQL one that got the
// same call-log records through `ringlog import` (which creates only placeholder extensions, with no admin),
// so `ringlog credentials` and `serve` work on it for the PostgreSQL list benchmark. Not timed.
//
//   node --import tsx bench/pg-directory.ts SQLITE_DB POSTGRES_URL

import Database from 'better-sqlite3';
import pg from 'pg';

async function main() {
  const [file, url] = process.argv.slice(2);
  const db = new Database(file, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const table of ['accounts', 'extensions']) {
      const rows = db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
      for (const row of rows) {
        const cols = Object.keys(row);
        const updates = cols
          .filter((c) => c !== 'id')
          .map((c) => `${c} = excluded.${c}`)
          .join(', ');
        await client.query(
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT (id) DO UPDATE SET ${updates}`,
          cols.map((c) => row[c]),
        );
      }
      process.stderr.write(`${table}: ${rows.length} rows\n`);
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
    db.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`pg-directory: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
