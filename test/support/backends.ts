// The store backends every store and API test runs against: SQLite in a temp file, and a real PostgreSQL
// in a uniquely named database that is dropped afterwards. PostgreSQL comes from RINGLOG_TEST_PG
// (default postgres://postgres@127.0.0.1:5432/postgres); if it is unreachable the run says so loudly,
// and under CI=true it fails instead of skipping.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.ts';
import { migrationProvider } from '../../src/store/migrations.ts';
import type { Database as Schema } from '../../src/store/schema.ts';
import { addSqliteFunctions } from '../../src/store/sqlite-store.ts';

function sqliteWithFunctions(file: string): Database.Database {
  const sqlite = new Database(file);
  addSqliteFunctions(sqlite);
  return sqlite;
}

export type BackendName = 'sqlite' | 'postgres';

export interface TestDatabase {
  backend: BackendName;
  /** What `--db` / openStore takes. */
  location: string;
  /** A folder for blobs and other files of this test database. */
  dir: string;
  drop(): Promise<void>;
}

const ADMIN_URL = process.env.RINGLOG_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let postgresReachable: Promise<boolean> | undefined;

async function probePostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (err) {
    const message =
      `\n!!! PostgreSQL is not reachable at ${ADMIN_URL} (${(err as Error).message}).\n` +
      '!!! PostgreSQL tests are NOT running. Start PostgreSQL or set RINGLOG_TEST_PG.\n';
    process.stderr.write(message);
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is required under CI=true: ${message}`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The backends to run against: always SQLite, and PostgreSQL when reachable (required under CI). */
export async function backends(): Promise<BackendName[]> {
  postgresReachable ??= probePostgres();
  return (await postgresReachable) ? ['sqlite', 'postgres'] : ['sqlite'];
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(backend: BackendName): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `ringlog-${backend}-`));
  if (backend === 'sqlite') {
    return {
      backend,
      location: join(dir, 'ringlog.db'),
      dir,
      drop() {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const name = `ringlog_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    backend,
    location: url.toString(),
    dir,
    async drop() {
      await adminQuery(`drop database if exists ${name} with (force)`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Inside a describe: a store on a fresh database of `backend` for the suite's tests, opened before them (after
 * `prepare` ran on the database) and handed to `ready`, then closed and the database dropped after them.
 */
export function suiteStore(
  backend: BackendName,
  ready: (store: Store, database: TestDatabase) => void | Promise<void>,
  prepare?: (database: TestDatabase) => Promise<void>,
): void {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  before(async () => {
    database = await createTestDatabase(backend);
    await prepare?.(database);
    store = await openStore(database.location);
    await ready(store, database);
  });
  after(async () => {
    await store?.close();
    await database?.drop();
  });
}

/** Opens a raw Kysely on the test database, migrated only up to `name`. */
export async function migratedUpTo(database: TestDatabase, name: string): Promise<Kysely<Schema>> {
  const db =
    database.backend === 'sqlite'
      ? new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqliteWithFunctions(database.location) }) })
      : new Kysely<Schema>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.location }) }),
        });
  const migrator = new Migrator({
    db,
    provider: migrationProvider(database.backend),
    migrationTableName: 'ringlog_migration',
    migrationLockTableName: 'ringlog_migration_lock',
  });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error as Error;
  return db;
}
