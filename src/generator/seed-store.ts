// Seeding: writes a deterministic generated company and its call log into a store (`ringlog seed`, `demo`, tests).

import type { Account, CallLogRecord, Extension, RecordingMeta } from '../domain/index.ts';
import { generateCompany, generateTraffic, type SeedOptions } from './company-generator.ts';

/** The writes seeding needs (the store's directory, recording and call-log writes). */
export interface SeedTarget {
  putAccount(account: Account): Promise<void>;
  putExtensions(extensions: Extension[]): Promise<void>;
  upsertRecordings(recordings: RecordingMeta[]): Promise<void>;
  upsertRecordBatches(batches: Iterable<CallLogRecord[]>): Promise<void>;
}

/**
 * Records per store transaction: the generator's batches (TRAFFIC_BATCH_RECORDS each) go in together, made one at
 * a time as the write reaches them, until this many. A commit per 2,000-record batch made seed 35% slower at 1M
 * records on SQLite (docs/benchmarks.md, bench:h16seed); memory holds one batch, not the transaction's records.
 */
const RECORDS_PER_WRITE = 20_000;

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

/**
 * Writes the company, then its traffic, RECORDS_PER_WRITE records a transaction, and each transaction's recordings
 * after it; `onDay(days done)` follows the progress.
 */
export async function seedStore(
  store: SeedTarget,
  options: SeedOptions,
  onDay?: (daysDone: number) => void,
): Promise<SeedSummary> {
  const started = performance.now();
  const company = generateCompany(options);
  await store.putAccount(company.account);
  await store.putExtensions(company.extensions);
  const traffic = generateTraffic(company, options);
  let records = 0;
  let recordings = 0;
  let finished = false;
  let pending: RecordingMeta[] = [];
  let daysDone = 0;
  /** The next batches, up to RECORDS_PER_WRITE records; their recordings are kept for after the write. */
  function* nextWrite(): Generator<CallLogRecord[]> {
    const until = records + RECORDS_PER_WRITE;
    while (records < until) {
      const next = traffic.next();
      if (next.done) {
        finished = true;
        return;
      }
      const batch = next.value;
      records += batch.records.length;
      for (const recording of batch.recordings) pending.push(recording);
      if (batch.endsDay) daysDone = batch.day + 1;
      yield batch.records;
    }
  }
  while (!finished) {
    const days = daysDone;
    await store.upsertRecordBatches(nextWrite());
    await store.upsertRecordings(pending);
    recordings += pending.length;
    pending = [];
    if (daysDone > days) onDay?.(daysDone);
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
