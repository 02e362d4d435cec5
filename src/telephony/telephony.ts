// The Telephony facade: what the API (ingest endpoint, active calls, telephony session read, presence) and the
// live simulator use. Contract: /work/wt/TELEPHONY-CONTRACT.md (kept in docs/telephony-events.md).

import type {
  CallLogRecord,
  CallSessionObject,
  TelephonyPresence,
  TelephonySessionEventBody,
} from '../domain/index.ts';

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

export interface Telephony {
  /**
   * Accepts telephony-session event bodies of one account (RingCentral's shape, out of order / duplicated / late
   * allowed). Resolves only after the events are durable (event_log + session state in one transaction).
   * Invalid bodies throw the domain's ApiError (CMN-101 / parameterName naming the bad field), nothing stored.
   */
  ingest(accountId: string, bodies: TelephonySessionEventBody[]): Promise<IngestResult>;
  /**
   * Active calls (§6, telephony-to-call-log.md §4.1): call-log records (Simple content) of calls in progress
   * (`result: 'In Progress'`) and of calls ended within the last 120 s (final result), newest first.
   * extensionId null = the company level.
   */
  activeCalls(accountId: string, extensionId: string | null, now: number): Promise<CallLogRecord[]>;
  /** The live session as RingCentral's CallSessionObject, or null when unknown/forgotten. */
  session(accountId: string, telephonySessionId: string): Promise<CallSessionObject | null>;
  /** An extension's telephony presence: status, the latest 7 active-call items, a per-extension sequence. */
  presence(accountId: string, extensionId: string, now: number): Promise<TelephonyPresence>;
  /** Stops timers (the sweep that closes sessions whose events stopped). */
  close(): Promise<void>;
}

export interface TelephonyOptions {
  /** Sessions with no event for this long are closed (default 4 hours; see docs/telephony-events.md). */
  sessionTimeoutMs?: number;
  now?: () => number;
  /** Put before the id of every record this intake builds (an archive's provisional records: docs/sync.md). */
  recordIdPrefix?: string;
  /** Open sessions whose events a server holds in memory (default 20,000; the least recently used go first). */
  openSessions?: number;
}
