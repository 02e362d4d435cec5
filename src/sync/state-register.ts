// A value that changes over time (a log's checkpoint, the upstream token, the run state), kept in the store's sync
// state: one row a key, replaced atomically, so a kill -9 leaves the last whole value and the table does not grow.

import type { SyncStateStore } from '../store/index.ts';

export interface Register {
  /** The newest value written, or null when none was. */
  read(): Promise<string | null>;
  write(value: string): Promise<void>;
}

export function stateRegister(store: SyncStateStore, key: string): Register {
  return {
    read: () => store.getSyncState(key),
    write: (value) => store.putSyncState(key, value),
  };
}
