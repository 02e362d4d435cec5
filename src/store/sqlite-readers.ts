// SQLite reads on more than one connection: better-sqlite3 runs a query on the calling thread, so one slow query
// (a whole-history search) would hold up every other request of the server. List queries instead go to a few
// reader threads, each with its own read-only connection (WAL: readers never wait for the writer), as a Kysely
// dialect; the main connection keeps every write and transaction.

import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/index.ts';
import type { ReadAnswer, ReadRequest } from './sqlite-reader-worker.ts';

class ReaderThread implements DatabaseConnection {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (err: Error) => void }>();

  constructor(private readonly worker: Worker) {
    worker.on('message', (answer: ReadAnswer) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if ('error' in answer) waiting.reject(new Error(answer.error));
      else waiting.resolve(answer.rows);
    });
    worker.on('error', (err) => {
      for (const waiting of this.pending.values()) waiting.reject(err);
      this.pending.clear();
    });
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (rows) => resolve({ rows: rows as R[] }), reject });
      this.worker.postMessage({ id, sql: compiled.sql, parameters: [...compiled.parameters] } satisfies ReadRequest);
    });
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('reader threads do not stream');
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/** A pool of reader threads: a query takes a free thread, or waits for one. */
class ReaderDriver implements Driver {
  private readonly threads: ReaderThread[] = [];
  private readonly free: ReaderThread[] = [];
  private readonly waiting: ((thread: ReaderThread) => void)[] = [];

  constructor(
    private readonly file: string,
    private readonly size: number,
  ) {}

  init(): Promise<void> {
    for (let i = 0; i < this.size; i++) {
      const thread = new ReaderThread(
        startWorker(new URL('./sqlite-reader-worker', import.meta.url), {
          workerData: { file: this.file },
          // A reader's garbage is one page's rows at a time: a small young generation keeps the server's RSS down.
          resourceLimits: { maxYoungGenerationSizeMb: 16 },
        }),
      );
      this.threads.push(thread);
      this.free.push(thread);
    }
    return Promise.resolve();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    const thread = this.free.pop();
    if (thread) return Promise.resolve(thread);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    const next = this.waiting.shift();
    if (next) next(connection as ReaderThread);
    else this.free.push(connection as ReaderThread);
    return Promise.resolve();
  }

  beginTransaction(): Promise<void> {
    return Promise.reject(new Error('reader threads run no transactions'));
  }
  commitTransaction(): Promise<void> {
    return this.beginTransaction();
  }
  rollbackTransaction(): Promise<void> {
    return this.beginTransaction();
  }

  async destroy(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.close()));
  }
}

/** A Kysely dialect whose queries run on `size` reader threads over the SQLite file. */
export function sqliteReaderDialect(file: string, size: number): Dialect {
  return {
    createAdapter: (): DialectAdapter => new SqliteAdapter(),
    createDriver: (): Driver => new ReaderDriver(file, size),
    createQueryCompiler: (): QueryCompiler => new SqliteQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => new SqliteIntrospector(db),
  };
}
