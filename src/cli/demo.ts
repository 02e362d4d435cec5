// What `ringlog demo` does before it serves: seeds an empty database with the default company and picks a call
// rate that suits its users (server-commands.ts loads this only for demo).

import { DEFAULT_SEED, defaultCallsPerMinute, seedStore } from '../generator/index.ts';
import { openStore } from '../store/index.ts';

/** Seeds an empty database with the default company; returns the calls per minute that suit its users. */
export async function prepareDemo(db: string): Promise<number> {
  const store = await openStore(db);
  try {
    if ((await store.listAccounts()).length === 0) {
      process.stderr.write('Empty database: seeding a 30-day company (ringlog seed --seed 1)...\n');
      const summary = await seedStore(store, { ...DEFAULT_SEED, endTime: Date.now() });
      process.stderr.write(`Seeded ${summary.records} records in ${summary.seconds.toFixed(1)}s\n`);
    }
    const [account] = await store.listAccounts();
    const users = (await store.listExtensions(account.id)).filter((e) => e.type === 'User').length;
    return defaultCallsPerMinute(users);
  } finally {
    await store.close();
  }
}
