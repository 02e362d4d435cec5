// Seed benchmark: `ringlog seed` end to end through the CLI (a child process) against a raw better-sqlite3
// batched insert of the same rows, in the same run. Leaves the seeded database as the cached data set.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { SeedSummary } from '../src/generator/index.ts';
import type { SeedOptions } from '../src/generator/index.ts';
import { keepAsCached, OUT_DIR, removeDb, seedThroughCli } from './bench-dataset.ts';
import { callLogFingerprint, rawBatchedInsert, type RawInsertFigures } from './raw-insert.ts';
import { storeSettings, type StoreSettings } from './store-settings.ts';

export interface SeedFigures {
  options: SeedOptions;
  settings: StoreSettings;
  summary: SeedSummary;
  /** From spawning `ringlog seed` to its exit (start-up, migrations and closing included). */
  cliWallSeconds: number;
  cliPeakRssKiB: number;
  cliPeakAnonKiB: number;
  raw: RawInsertFigures;
  rowsPerTransaction: number;
  /** Both databases hold the same call-log rows (count, sum of start times, highest id). */
  sameRows: boolean;
}

export async function runSeedBenchmark(options: SeedOptions, rowsPerTransaction = 5000): Promise<SeedFigures> {
  const cliDb = join(OUT_DIR, 'seed-cli.db');
  const rawDb = join(OUT_DIR, 'seed-raw.db');
  process.stderr.write(
    `seed: ringlog seed (${options.extensions} users, ${options.days} days, ${options.callsPerDay} calls/day)...\n`,
  );
  const cli = await seedThroughCli(options, cliDb);
  const summary = JSON.parse(cli.stdout) as SeedSummary;
  process.stderr.write(
    `seed: ${summary.records} records in ${cli.wallSeconds.toFixed(1)} s; raw better-sqlite3 insert of the same rows...\n`,
  );
  removeDb(rawDb);
  const raw = await rawBatchedInsert(rawDb, options, rowsPerTransaction);
  const sameRows = callLogFingerprint(cliDb) === callLogFingerprint(rawDb);
  removeDb(rawDb);
  await keepAsCached(options, cliDb);
  // Gigabytes were just written: let the kernel flush them now, not during the next benchmark's load.
  execFileSync('sync');
  return {
    options,
    settings: await storeSettings(),
    summary,
    cliWallSeconds: cli.wallSeconds,
    cliPeakRssKiB: Math.max(cli.peakRssKiB, cli.memory?.hwmKiB ?? 0),
    cliPeakAnonKiB: cli.peakAnonKiB,
    raw,
    rowsPerTransaction,
    sameRows,
  };
}
