// The SQLite checkpointer thread (see sqlite-store.ts): its own connection to the database file, copying the WAL
// back into the database (a passive checkpoint: it never waits for, nor blocks, the writer or the readers) every
// few hundred milliseconds, so the main connection's commits only append to the WAL.

import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';

const { file, everyMs } = workerData as { file: string; everyMs: number };
const sqlite = new Database(file, { fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
sqlite.pragma('cache_size = -2048');
sqlite.pragma('mmap_size = 0');
// This connection writes nothing, so it never checkpoints on its own; only the passes below do.
sqlite.pragma('wal_autocheckpoint = 0');
setInterval(() => {
  try {
    sqlite.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy (another checkpoint runs): the next pass takes it up.
  }
}, everyMs);
