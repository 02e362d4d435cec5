// What a server holds in memory of the open sessions it ingests: their events and presence items, with the version
// (count of stored events) they correspond to. Only a hint: ingest uses an entry only when its version equals the
// version in the session's row, read under the row's lock; otherwise (evicted, another server's events, a restart)
// it rebuilds the session from the store. Bounded: the least recently used sessions are forgotten first.

import type { TelephonySessionEventBody } from '../domain/index.ts';

export interface OpenSession {
  /** The session row's version these events are all of. */
  version: number;
  /** Every stored event of the session. */
  events: TelephonySessionEventBody[];
  /** The presence items stored for the session (JSON), by extension id. */
  presence: Map<string, string>;
}

/** Sessions kept by default: several minutes of 500 calls/s at the simulator's speeds, a few hundred MB at most. */
export const DEFAULT_OPEN_SESSIONS = 20_000;

export class OpenSessions {
  private readonly entries = new Map<string, OpenSession>();

  constructor(private readonly capacity = DEFAULT_OPEN_SESSIONS) {}

  private static key(accountId: string, telephonySessionId: string): string {
    return `${accountId} ${telephonySessionId}`;
  }

  /** The entry if it is of `version` (what the store holds now), else undefined. */
  current(accountId: string, telephonySessionId: string, version: number): OpenSession | undefined {
    const entry = this.entries.get(OpenSessions.key(accountId, telephonySessionId));
    return entry?.version === version ? entry : undefined;
  }

  /** Holds `entry`, unless an entry of a later version is held (two transactions' commits told out of order). */
  set(accountId: string, telephonySessionId: string, entry: OpenSession): void {
    const key = OpenSessions.key(accountId, telephonySessionId);
    const held = this.entries.get(key);
    if (held && held.version > entry.version) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(accountId: string, telephonySessionId: string): void {
    this.entries.delete(OpenSessions.key(accountId, telephonySessionId));
  }

  get size(): number {
    return this.entries.size;
  }
}
