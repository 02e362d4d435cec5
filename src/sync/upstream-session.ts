// Opens the upstream client for one run: the upstream token kept from earlier runs, and the rate-limit windows
// the last run left (a whole window of caution after a run that did not end cleanly). close() keeps them.

import { createHash } from 'node:crypto';
import { runStateRegister, tokenRegister, type RunState } from './checkpoint.ts';
import { Pacer } from './pacer.ts';
import type { SyncStateStore } from '../store/index.ts';
import { UpstreamClient, type UpstreamCredentials } from './upstream-client.ts';

export interface UpstreamSession {
  client: UpstreamClient;
  /**
   * Stores the groups and windows learned so far while the run goes on, so that a restart after a crash knows
   * which groups are limited even when no earlier run ended cleanly.
   */
  remember(): Promise<void>;
  /** Records a clean end with the current windows. */
  close(): Promise<void>;
}

/** Names the upstream login (URL, app, JWT) without putting the secrets themselves in a key. */
export function credentialsKey(c: UpstreamCredentials): string {
  return createHash('sha256').update(`${c.url}\n${c.clientId}\n${c.jwt}`).digest('hex').slice(0, 16);
}

export async function openUpstream(
  store: SyncStateStore,
  credentials: UpstreamCredentials,
  options: { fetch?: typeof fetch; now?: () => number; secretKey?: Buffer } = {},
): Promise<UpstreamSession> {
  const now = options.now ?? Date.now;
  const key = credentialsKey(credentials);
  const register = runStateRegister(store, key);
  const saved = await register.read();
  const previous = saved ? (JSON.parse(saved) as RunState) : null;
  const pacer = new Pacer();
  if (previous?.pacer) pacer.restore(previous.pacer, previous.state === 'finished');
  await register.write(
    JSON.stringify({ state: 'running', at: now(), pacer: previous?.pacer ?? null } satisfies RunState),
  );
  const client = new UpstreamClient({
    credentials,
    tokenRegister: tokenRegister(store, key, options.secretKey),
    pacer,
    fetch: options.fetch,
    now,
  });
  return {
    client,
    async remember() {
      await register.write(JSON.stringify({ state: 'running', at: now(), pacer: pacer.snapshot() } satisfies RunState));
    },
    async close() {
      await register.write(
        JSON.stringify({ state: 'finished', at: now(), pacer: pacer.snapshot() } satisfies RunState),
      );
    },
  };
}

/**
 * Closes the session at the end of a run. When the run failed too, the close's own failure is reported through
 * `warn` and the run's error stays the one thrown; otherwise it is thrown.
 */
export async function closeSession(
  session: UpstreamSession,
  runFailed: boolean,
  warn: (message: string) => void,
): Promise<void> {
  try {
    await session.close();
  } catch (err) {
    if (!runFailed) throw new Error(`could not save the sync run state: ${(err as Error).message}`, { cause: err });
    warn(`could not save the sync run state: ${(err as Error).message}`);
  }
}
