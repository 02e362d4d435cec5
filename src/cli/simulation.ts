// `serve --simulate N` and demo's live traffic: the live simulator feeding the store's Telephony intake.

import { companyFromDirectory, startSimulator } from '../generator/index.ts';
import type { Store } from '../store/index.ts';
import { createTelephony } from '../telephony/index.ts';

export interface SimulateConfig {
  /** Calls started per minute (at the busiest hour when shaped). */
  callsPerMinute: number;
  shape: 'flat' | 'business-hours';
  seed: number;
  /** Simulated seconds per wall-clock second (1 = real time). */
  speed: number;
}

/** Starts simulated traffic for the store's first account; resolves to a stop function. */
export async function startSimulation(store: Store, config: SimulateConfig): Promise<() => Promise<void>> {
  const [account] = await store.listAccounts();
  if (!account) throw new Error('--simulate needs an account in the database (run ringlog seed first)');
  const company = companyFromDirectory(account, await store.listExtensions(account.id), config.seed);
  const telephony = createTelephony(store);
  const simulator = startSimulator({
    ingest: (accountId, bodies) => telephony.ingest(accountId, bodies),
    company,
    callsPerMinute: config.callsPerMinute,
    shape: config.shape,
    seed: config.seed,
    speed: config.speed,
    onError: (err) => process.stderr.write(`simulator: ${(err as Error).message}\n`),
  });
  return async () => {
    await simulator.stop();
    await telephony.close();
  };
}
