// The SQLite store: better-sqlite3 under Kysely, WAL journal, migrations applied on open.

import Database from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDatabase,
  type SqliteDialectConfig,
} from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { KyselyStore } from './kysely-store.ts';
import { migrate } from './migrations.ts';
import { logQueryTime } from './query-timing.ts';
import { sqliteRecordWriter } from './record-writers.ts';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/index.ts';
import { SqliteReaders } from './sqlite-readers.ts';
import type { Database as Schema } from './schema.ts';

/** SQLite page cache of the main connection, KiB: bounds its anonymous memory. */
const MAIN_CACHE_KIB = 65536;

export interface SqliteStoreOptions {
  /** Reader threads for list queries (sqlite-readers.ts); 0 = every query on the main connection. */
  readers?: number;
  /** The main connection's page cache, KiB (default 64 MiB). */
  cacheKiB?: number;
}

/** The functions the migrations call that SQLite lacks: ringlog_reverse for 0005 (PostgreSQL has reverse()). */
export function addSqliteFunctions(sqlite: Database.Database): void {
  sqlite.function('ringlog_reverse', { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? [...text].reverse().join('') : null,
  );
}

/** Opens (creating if needed) the SQLite database at `file` (':memory:' for a private in-memory one). */
export async function openSqliteStore(file: string, options: SqliteStoreOptions = {}): Promise<KyselyStore> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // Records are kept in the primary key's b-tree (WITHOUT ROWID), whose rows spill to overflow pages past
  // about 1/32 of a page: 64 KiB pages keep a whole record (~3 KB with both views) in place, so a log's
  // page of records is a few contiguous pages (faster and smaller than 8 KiB: docs/benchmarks.md).
  sqlite.pragma('page_size = 65536');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`cache_size = ${-(options.cacheKiB ?? MAIN_CACHE_KIB)}`);
  // No memory map: every database page a process touched through one stayed in its RSS (file-backed, once per
  // connection), so an export of 1M records reached 2.2 GiB and a server reading many logs grew with the file.
  // Pages come from the OS page cache through SQLite's own bounded cache instead (docs/benchmarks.md, issue 16).
  sqlite.pragma('mmap_size = 0');
  addSqliteFunctions(sqlite);
  const db = new Kysely<Schema>({
    dialect: new TransactionalDdlSqliteDialect({ database: withStatementCache(sqlite) }),
    log: logQueryTime,
  });
  await migrate(db, 'sqlite');
  const size = file === ':memory:' ? 0 : (options.readers ?? 0);
  if (!size) return new KyselyStore(db, 'sqlite', sqliteRecordWriter(db, sqlite));
  const readers = new SqliteReaders(file, size);
  // Open means ready to read: a first query would otherwise wait for the threads to start (their modules loaded,
  // their connections opened), and a thread that cannot start fails the open rather than a later query.
  await readers.ready().catch(async (err: unknown) => {
    await Promise.all([readers.close(), db.destroy()]);
    throw err;
  });
  const reads = new Kysely<Schema>({ dialect: readers.dialect(), log: logQueryTime });
  const checkpointer = startCheckpointer(sqlite, file);
  return new KyselyStore(db, 'sqlite', sqliteRecordWriter(db, sqlite), {
    threads: { db: reads, readers },
    stopHelpers: async () => {
      await checkpointer.terminate();
    },
  });
}

/** The checkpointer thread's passes; the main connection checkpoints itself only past WAL_BACKSTOP_PAGES. */
const CHECKPOINT_EVERY_MS = 200;
const WAL_BACKSTOP_PAGES = 4096;

/**
 * A server's commits (group commits of live ingest, many b-trees each) ran SQLite's automatic checkpoint on the
 * event loop every 1,000 WAL pages (64 MB with 64 KiB pages): copying the pages into the database and syncing it.
 * A thread of its own does that instead; the main connection checkpoints only if the WAL outgrows the thread.
 */
function startCheckpointer(sqlite: Database.Database, file: string): Worker {
  sqlite.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_PAGES}`);
  const worker = startWorker(new URL('./sqlite-checkpoint-worker', import.meta.url), {
    workerData: { file, everyMs: CHECKPOINT_EVERY_MS },
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
  });
  worker.unref();
  return worker;
}

/**
 * SQLite runs DDL inside transactions; Kysely's adapter says it does not, so its migrator would apply a migration's
 * statements one by one and a kill -9 halfway left tables behind that the next start tried to create again. Saying
 * so makes the migrator apply each run of migrations, with its bookkeeping, in one transaction.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Transactions begin IMMEDIATE: they take the write lock first, waiting busy_timeout while another process (a
 * `ringlog sync` or a second server on the same file) commits. A deferred transaction that read before it wrote
 * failed at its first write, without waiting, when another process had committed since its read.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite under Kysely with transactional DDL (the adapter above) and IMMEDIATE transactions (the driver above). */
class TransactionalDdlSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }
}

const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query it runs; the API runs the same few SQL texts over and over, so prepared
 * statements are kept by SQL text. Kysely runs one query at a time per connection, so a cached statement
 * is never in use twice at once.
 */
function withStatementCache(sqlite: Database.Database): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        statement = sqlite.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
