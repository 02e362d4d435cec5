// A SQLite reader thread (see sqlite-readers.ts): its own read-only connection to the database file, running the
// SELECTs it is sent and posting their rows back. WAL lets it read while the main connection writes.

import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface ReadRequest {
  id: number;
  sql: string;
  parameters: unknown[];
}

export type ReadAnswer = { id: number; rows: unknown[] } | { id: number; error: string };

const { file } = workerData as { file: string };
const sqlite = new Database(file, { readonly: true, fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
sqlite.pragma('cache_size = -16384');
// No memory map, as on the main connection (sqlite-store.ts): mapped pages would stay in the server's RSS.
sqlite.pragma('mmap_size = 0');
const statements = new Map<string, Database.Statement>();

parentPort!.on('message', (request: ReadRequest) => {
  try {
    let statement = statements.get(request.sql);
    if (!statement) {
      if (statements.size >= 256) statements.clear();
      statement = sqlite.prepare(request.sql);
      statements.set(request.sql, statement);
    }
    const rows = statement.reader ? statement.all(request.parameters) : [];
    parentPort!.postMessage({ id: request.id, rows } satisfies ReadAnswer);
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: (err as Error).message } satisfies ReadAnswer);
  }
});
