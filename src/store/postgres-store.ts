// The PostgreSQL store: `pg` under Kysely, migrations applied on open (Kysely's migration lock makes
// concurrent starts of several servers safe).

import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { KyselyStore } from './kysely-store.ts';
import { postgresRecordWriter } from './record-writers.ts';
import type { Database as Schema } from './schema.ts';
import { migrate } from './sqlite-store.ts';

/** 64-bit integers (epoch milliseconds) come back as numbers; they stay far below 2^53. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

export async function openPostgresStore(url: string, poolSize = 10): Promise<KyselyStore> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle connection the server closes (restart, failover, admin) is dropped from the pool and replaced
  // on the next query; without a listener the 'error' event would end the process.
  pool.on('error', () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  await migrate(db, 'postgres');
  return new KyselyStore(db, 'postgres', postgresRecordWriter(pool));
}
