// SQLite reads on more than one connection: better-sqlite3 runs a query on the calling thread, so one slow query
// (a whole-history search) would hold up every other request of the server. List queries instead go to a few
// reader threads, each with its own read-only connection (WAL: readers never wait for the writer), as a Kysely
// dialect; the main connection keeps every write and transaction. A list page comes back as JSON bytes written on
// the reader thread (listJsonPage), its buffer transferred rather than its rows cloned.

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
import type { JsonPageAnswer, ReadAnswer, ReadRequest, Ready } from './sqlite-reader-worker.ts';
import type { JsonPageFrame, JsonRecordPage } from './store.ts';

type Answer = { rows: unknown[] } | { page: JsonPageAnswer };

class ReaderThread implements DatabaseConnection {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (answer: Answer) => void; reject: (err: Error) => void }>();
  /** Settles when the thread's connection is open (or the thread failed to start). */
  readonly ready: Promise<void>;

  constructor(private readonly worker: Worker) {
    this.ready = new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`a reader thread stopped (exit code ${code})`)));
      const started = (message: unknown) => {
        if (message !== ('ready' satisfies Ready)) return;
        worker.off('message', started);
        resolve();
      };
      worker.on('message', started);
    });
    // Rejected only when the thread failed, which its pending queries report too.
    this.ready.catch(() => {});
    worker.on('message', (answer: ReadAnswer | Ready) => {
      if (answer === 'ready') return;
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if ('error' in answer) waiting.reject(new Error(answer.error));
      else waiting.resolve(answer);
    });
    worker.on('error', (err) => {
      for (const waiting of this.pending.values()) waiting.reject(err);
      this.pending.clear();
    });
  }

  private ask(request: Omit<ReadRequest, 'id'>): Promise<Answer> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...request } satisfies ReadRequest);
    });
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const answer = await this.ask({ sql: compiled.sql, parameters: [...compiled.parameters] });
    return { rows: ('rows' in answer ? answer.rows : []) as R[] };
  }

  async jsonPage(compiled: CompiledQuery, perPage: number, frame: JsonPageFrame): Promise<JsonRecordPage> {
    const jsonPage = { perPage, frame };
    const answer = await this.ask({ sql: compiled.sql, parameters: [...compiled.parameters], jsonPage });
    if (!('page' in answer)) throw new Error('a reader thread answered a list page with rows');
    const { count, hasMore, bytes, end } = answer.page;
    return { count, hasMore, json: { bytes: Buffer.from(bytes), end } };
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('reader threads do not stream');
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/** A pool of reader threads: a query takes a free thread, or waits for one. */
export class SqliteReaders {
  private readonly threads: ReaderThread[] = [];
  private readonly free: ReaderThread[] = [];
  private readonly waiting: ((thread: ReaderThread) => void)[] = [];
  /** List pages waiting for a thread: served before other queries (a report's parts). */
  private readonly waitingPages: ((thread: ReaderThread) => void)[] = [];
  /** Threads running other queries than list pages. */
  private readonly heldByOthers = new Set<ReaderThread>();
  private closed: Promise<void> | null = null;

  constructor(file: string, size: number) {
    for (let i = 0; i < size; i++) {
      const thread = new ReaderThread(
        startWorker(new URL('./sqlite-reader-worker', import.meta.url), {
          workerData: { file },
          // A reader's garbage is one page's rows at a time: a small young generation keeps the server's RSS down.
          resourceLimits: { maxYoungGenerationSizeMb: 16 },
        }),
      );
      this.threads.push(thread);
      this.free.push(thread);
    }
  }

  /** Settles when every thread's connection is open; rejects if one failed to start. */
  ready(): Promise<void> {
    return Promise.all(this.threads.map((t) => t.ready)).then(() => {});
  }

  /** How many threads read at once. */
  get size(): number {
    return this.threads.length;
  }

  acquire(page = false): Promise<ReaderThread> {
    const thread = this.free.pop();
    if (thread) {
      if (!page) this.heldByOthers.add(thread);
      return Promise.resolve(thread);
    }
    return new Promise((resolve) => (page ? this.waitingPages : this.waiting).push(resolve));
  }

  /**
   * A freed thread goes to a waiting list page first, unless other queries wait and none holds a thread: then to
   * the first of them. Under list load a report's parts thus run one at a time on one thread, and never starve.
   */
  release(thread: ReaderThread): void {
    this.heldByOthers.delete(thread);
    const other = this.waiting.length > 0 && (this.heldByOthers.size === 0 || this.waitingPages.length === 0);
    const next = other ? this.waiting.shift() : this.waitingPages.shift();
    if (!next) {
      this.free.push(thread);
      return;
    }
    if (other) this.heldByOthers.add(thread);
    next(thread);
  }

  /** A list query's page as JSON bytes (json-page.ts), written on a reader thread. */
  async listJsonPage(compiled: CompiledQuery, perPage: number, frame: JsonPageFrame): Promise<JsonRecordPage> {
    const thread = await this.acquire(true);
    try {
      return await thread.jsonPage(compiled, perPage, frame);
    } finally {
      this.release(thread);
    }
  }
  /** A Kysely dialect whose queries run on the reader threads. */
  dialect(): Dialect {
    return {
      createAdapter: (): DialectAdapter => new SqliteAdapter(),
      createDriver: (): Driver => new ReaderDriver(this),
      createQueryCompiler: (): QueryCompiler => new SqliteQueryCompiler(),
      createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => new SqliteIntrospector(db),
    };
  }

  close(): Promise<void> {
    this.closed ??= Promise.all(this.threads.map((t) => t.close())).then(() => {});
    return this.closed;
  }
}

class ReaderDriver implements Driver {
  constructor(private readonly readers: SqliteReaders) {}

  init(): Promise<void> {
    return Promise.resolve();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return this.readers.acquire();
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    this.readers.release(connection as ReaderThread);
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

  destroy(): Promise<void> {
    return this.readers.close();
  }
}
