// `ringlog seed`: writes a deterministic generated company and its call log into the store.

import { generateCompany, generateTraffic, type SeedOptions } from '../generator/index.ts';
import type { Store } from '../store/index.ts';
import { createProgress } from './progress.ts';

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

export async function seedStore(store: Store, options: SeedOptions, showProgress = true): Promise<SeedSummary> {
  const started = performance.now();
  const company = generateCompany(options);
  await store.putAccount(company.account);
  await store.putExtensions(company.extensions);
  const progress = showProgress ? createProgress('seeding days', options.days) : null;
  let records = 0;
  let recordings = 0;
  for (const batch of generateTraffic(company, options)) {
    await store.upsertRecordings(batch.recordings);
    await store.upsertRecords(batch.records);
    records += batch.records.length;
    recordings += batch.recordings.length;
    if (batch.endsDay) progress?.update(batch.day + 1);
  }
  progress?.stop();
  return {
    accountId: company.account.id,
    extensions: company.extensions.length,
    users: company.extensions.filter((e) => e.type === 'User').length,
    records,
    recordings,
    seconds: (performance.now() - started) / 1000,
  };
}
