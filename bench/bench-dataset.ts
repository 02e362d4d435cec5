// The benchmarks' data set: `ringlog seed` options giving about N records, and the seeded database cached
// under bench/out/ by those options, so reruns reuse it.

import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedOptions } from '../src/generator/index.ts';
import { ROOT, runRinglog, type CliRun } from './ringlog-cli.ts';
import { storeSettings } from './store-settings.ts';

export const OUT_DIR = join(ROOT, 'bench/out');

/** A fixed end of the generated history, so the same options always mean the same records. */
export const BENCH_END_TIME = Date.UTC(2026, 9, 1);

const EXTENSIONS = 100;
const DAYS = 60;
/** Records `ringlog seed --extensions 100 --days 60` writes per unit of --calls-per-day (measured: 8700 gave 1,019,251). */
const RECORDS_PER_DAILY_CALL = 117.15;

export function benchSeedOptions(records: number): SeedOptions {
  const callsPerDay = Math.max(1, Math.round(records / RECORDS_PER_DAILY_CALL));
  return { seed: 1, extensions: EXTENSIONS, days: DAYS, callsPerDay, endTime: BENCH_END_TIME };
}

export function seedArgs(o: SeedOptions, db: string): string[] {
  return [
    'seed',
    '--db',
    db,
    '--seed',
    String(o.seed),
    '--extensions',
    String(o.extensions),
    '--days',
    String(o.days),
    '--calls-per-day',
    String(o.callsPerDay),
    '--json',
  ];
}

/** The cached database's name: the seed options, and the store's layout (a new layout means a new database). */
export async function cachedDbPath(o: SeedOptions): Promise<string> {
  const end = new Date(o.endTime).toISOString().slice(0, 10);
  const { layout } = await storeSettings();
  return join(
    OUT_DIR,
    `seed${o.seed}-ext${o.extensions}-days${o.days}-cpd${o.callsPerDay}-end${end}-layout${layout}.db`,
  );
}

export function removeDb(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal', '.blobs'])
    rmSync(file + suffix, { recursive: true, force: true });
}

/** Seeds a fresh database at `file` through the CLI (Date.now() pinned to the options' endTime). */
export async function seedThroughCli(o: SeedOptions, file: string): Promise<CliRun> {
  mkdirSync(OUT_DIR, { recursive: true });
  removeDb(file);
  return runRinglog(seedArgs(o, file), { pinnedNow: o.endTime });
}

/** Makes `file` (a complete seeded database) the cached one for its options. */
export async function keepAsCached(o: SeedOptions, file: string): Promise<string> {
  const cached = await cachedDbPath(o);
  removeDb(cached);
  for (const suffix of ['', '-wal', '-shm', '.blobs']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, cached + suffix);
  }
  return cached;
}

/** The cached database for `o`, seeding it first when missing. */
export async function ensureSeededDb(o: SeedOptions): Promise<string> {
  const cached = await cachedDbPath(o);
  if (existsSync(cached)) return cached;
  process.stderr.write(`seeding ${cached} (${o.callsPerDay} calls/day; not timed)...\n`);
  // Beside the cached name, so two data sets being seeded at once never share a scratch file.
  const scratch = cached.replace(/\.db$/, '.seeding.db');
  await seedThroughCli(o, scratch);
  return keepAsCached(o, scratch);
}
