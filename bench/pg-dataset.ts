// The PostgreSQL benchmarks' data set: the 1M SQLite set's company and calls per day (bench-dataset.ts) over a
// longer history, so 10M records are ten times the archive of the same company rather than ten times its
// traffic; seeded by `ringlog seed --db postgres://…` into a database named by its options, and reused by reruns.

import pg from 'pg';
import type { SeedOptions } from '../src/generator/index.ts';
import { BENCH_END_TIME, benchSeedOptions, seedArgs } from './bench-dataset.ts';
import { runRinglog, type CliRun } from './ringlog-cli.ts';

/** Records per day of history at the 1M set's calls per day (its 60 days hold about 1,000,000 records). */
const RECORDS_PER_DAY = 1_000_000 / 60;

export function pgSeedOptions(records: number): SeedOptions {
  const { seed, extensions, callsPerDay } = benchSeedOptions(1_000_000);
  const days = Math.max(1, Math.round(records / RECORDS_PER_DAY));
  return { seed, extensions, days, callsPerDay, endTime: BENCH_END_TIME };
}

export function pgDbName(o: SeedOptions): string {
  const end = new Date(o.endTime).toISOString().slice(0, 10).replaceAll('-', '');
  return `ringlog_bench_seed${o.seed}_ext${o.extensions}_days${o.days}_cpd${o.callsPerDay}_end${end}`;
}

const withDatabase = (server: string, name: string) => {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
};

async function adminQuery<T extends pg.QueryResultRow>(server: string, text: string, values: unknown[] = []) {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

const exists = async (server: string, name: string) =>
  (await adminQuery(server, 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).length > 0;

/**
 * Seeds `o` into a new database through the CLI (Date.now() pinned to the options' endTime), under a scratch
 * name renamed to the cached one once complete and vacuumed; returns the seed run.
 */
export async function seedPostgres(server: string, o: SeedOptions): Promise<{ url: string; run: CliRun }> {
  const name = pgDbName(o);
  const scratch = `${name}_seeding`;
  await adminQuery(server, `DROP DATABASE IF EXISTS ${scratch}`);
  await adminQuery(server, `DROP DATABASE IF EXISTS ${name}`);
  await adminQuery(server, `CREATE DATABASE ${scratch}`);
  const run = await runRinglog(seedArgs(o, withDatabase(server, scratch)), { pinnedNow: o.endTime });
  // As autovacuum would on a live server: without it a freshly seeded table's index-only scans visit the heap.
  await adminQuery(withDatabase(server, scratch), 'VACUUM ANALYZE');
  await adminQuery(server, `ALTER DATABASE ${scratch} RENAME TO ${name}`);
  return { url: withDatabase(server, name), run };
}

/**
 * The seeded database for `o` on the PostgreSQL server `server` (a postgres:// URL of any database on it, used
 * to create and drop databases), seeding it first when missing.
 */
export async function ensurePgSeededDb(server: string, o: SeedOptions): Promise<string> {
  const name = pgDbName(o);
  if (await exists(server, name)) return withDatabase(server, name);
  process.stderr.write(
    `seeding PostgreSQL database ${name} (${o.days} days of ${o.callsPerDay} calls; not timed)...\n`,
  );
  return (await seedPostgres(server, o)).url;
}
