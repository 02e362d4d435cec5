// Replacing a setting's value (the Store interface only reads and initialises settings): used for values an
// administrator may change, such as an account's WebHook verification token.

import { KyselyStore } from './kysely-store.ts';
import type { Store } from './store.ts';

/** Sets `key` to `value`, whether or not it existed. */
export async function putSetting(store: Store, key: string, value: string): Promise<void> {
  if (!(store instanceof KyselyStore)) throw new Error('putSetting needs a Kysely store');
  await store.db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
