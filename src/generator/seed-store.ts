// Seeding: writes a deterministic generated company and its call log into a store (`ringlog seed`, `demo`, tests).

import type { Account, CallLogRecord, Extension, RecordingMeta } from '../domain/index.ts';
import { generateCompany, generateTraffic, type SeedOptions } from './company-generator.ts';

/** The writes seeding needs (the store's directory, recording and call-log writes). */
export interface SeedTarget {
  putAccount(account: Account): Promise<void>;
  putExtensions(extensions: Extension[]): Promise<void>;
  upsertRecordings(recordings: RecordingMeta[]): Promise<void>;
  upsertRecords(records: CallLogRecord[]): Promise<void>;
}

export interface SeedSummary {
  accountId: string;
  /** All extensions: the users plus the call queues. */
  extensions: number;
  users: number;
  records: number;
  recordings: number;
  seconds: number;
}

export const DEFAULT_SEED: Omit<SeedOptions, 'endTime'> = { seed: 1, extensions: 20, days: 30, callsPerDay: 150 };

/** Writes the company, then its traffic a batch at a time; `onDay(days done)` follows the progress. */
export async function seedStore(
  store: SeedTarget,
  options: SeedOptions,
  onDay?: (daysDone: number) => void,
): Promise<SeedSummary> {
  const started = performance.now();
  const company = generateCompany(options);
  await store.putAccount(company.account);
  await store.putExtensions(company.extensions);
  let records = 0;
  let recordings = 0;
  for (const batch of generateTraffic(company, options)) {
    await store.upsertRecordings(batch.recordings);
    await store.upsertRecords(batch.records);
    records += batch.records.length;
    recordings += batch.recordings.length;
    if (batch.endsDay) onDay?.(batch.day + 1);
  }
  return {
    accountId: company.account.id,
    extensions: company.extensions.length,
    users: company.extensions.filter((e) => e.type === 'User').length,
    records,
    recordings,
    seconds: (performance.now() - started) / 1000,
  };
}
