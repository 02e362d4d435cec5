// `ringlog seed`: generates a deterministic company and its call log into the store, with a progress bar.

import { Command, Option } from 'commander';
import { DEFAULT_SEED, seedStore, type SeedOptions } from '../generator/index.ts';
import { openStore } from '../store/index.ts';
import { dbOption, parsedBy, wholeNumber } from './options.ts';
import { createProgress } from './progress.ts';

type SeedFlags = Omit<SeedOptions, 'endTime'> & { db: string; json?: boolean };

const count = (flags: string, description: string, value: number, min = 0) =>
  new Option(flags, description).argParser(parsedBy(wholeNumber(min))).default(value);

export function seedCommand(): Command {
  return new Command('seed')
    .description('generate a deterministic company and its call log')
    .addOption(dbOption())
    .addOption(count('--seed <n>', 'random seed', DEFAULT_SEED.seed))
    .addOption(
      count('--extensions <n>', 'number of extensions (an admin and a user at least)', DEFAULT_SEED.extensions, 2),
    )
    .addOption(count('--days <n>', 'days of history, ending now', DEFAULT_SEED.days))
    .addOption(count('--calls-per-day <n>', 'average calls per weekday', DEFAULT_SEED.callsPerDay))
    .option('--json', 'print a JSON summary only')
    .action(async ({ db, json, ...options }: SeedFlags) => {
      const store = await openStore(db);
      const progress = json ? null : createProgress('seeding days', options.days);
      try {
        const summary = await seedStore(store, { ...options, endTime: Date.now() }, (days) => progress?.update(days));
        progress?.stop();
        const out = (line: string) => process.stdout.write(`${line}\n`);
        if (json) out(JSON.stringify(summary));
        else
          out(
            `Seeded account ${summary.accountId}: ${summary.users} users, ${summary.extensions - summary.users} call queues, ${summary.records} records, ${summary.recordings} recordings in ${summary.seconds.toFixed(1)}s (${Math.round(summary.records / summary.seconds)} records/s)`,
          );
      } finally {
        await store.close();
      }
    });
}
