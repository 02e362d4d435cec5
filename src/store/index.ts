// What other modules may use from the store: the Store interface, opening a store by location, the blob store.

import { openSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export type { Store, StoredToken, JwtCredential, RecordPage } from './store.ts';
export { createDiskBlobStore, type BlobStore } from './blob-store.ts';

/** Opens the store named by `location`: a SQLite file path (or ':memory:'). */
export async function openStore(location: string): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new Error('PostgreSQL is not supported by this build yet; use a SQLite file for --db');
  }
  return openSqliteStore(location);
}

/** Where a store's recording blobs live by default: beside the database file. */
export function defaultBlobDir(location: string): string {
  return location === ':memory:' ? `${process.cwd()}/.ringlog-blobs` : `${location}.blobs`;
}
