// Sync state in the store: one row a key in `sync_state`, replaced in one statement (atomic on both backends, so
// a crash leaves the old value or the new one, never a mix), so the table holds as many rows as there are keys.

import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { SyncStateStore } from './store.ts';

export function syncStateTable(db: Kysely<Database>, now: () => number = Date.now): SyncStateStore {
  return {
    async getSyncState(key) {
      const row = await db.selectFrom('sync_state').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value ?? null;
    },
    async putSyncState(key, value) {
      const updated_at = now();
      await db
        .insertInto('sync_state')
        .values({ key, value, updated_at })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at }))
        .execute();
    },
  };
}
