// createTelephony: the durable intake of telephony-session events and the live views, over the store's tables.
// An accepted event, the session's new state, its live views, and (when the call is over) its records all commit
// in one transaction; on PostgreSQL the session's row is locked first, so several servers take turns per session.

import { createHash } from 'node:crypto';
import {
  aggregateTelephonyStatus,
  errors,
  numberPlan,
  validateTelephonyEvent,
  type ActiveCallInfo,
  type CallLogRecord,
  type CallSessionObject,
  type TelephonyPresence,
  type TelephonySessionEventBody,
} from '../domain/index.ts';
import { TelephonyStore, type NewEvent, type Store, type TelephonyTx } from '../store/index.ts';
import { liveCalls, presenceItems, sessionObject } from './live-views.ts';
import { assembleCall, type AssemblyContext, type DirectoryEntry } from './session-assembler.ts';
import { allPartiesEnded, buildJournal, isSessionComplete } from './session-journal.ts';
import type { IngestResult, Telephony, TelephonyOptions } from './telephony.ts';

/** Ended calls stay in the active-call lists this long (RingCentral: about 120 s). */
export const ACTIVE_CALL_LINGER_MS = 120_000;
/** A presence item that turned NoCall/final is shown this long, then disappears. */
export const PRESENCE_FINAL_MS = 10_000;
/** Default: a session with no event for this long is closed (longer than any call's silent stretch). */
export const DEFAULT_SESSION_TIMEOUT_MS = 4 * 3600_000;
/** Default: a session whose parties all ended but some of whose events never came is closed after this. */
export const DEFAULT_GRACE_MS = 10_000;
/** Events of closed sessions are kept this long (the telephony session read answers from them). */
const CLOSED_SESSION_EVENTS_MS = 3600_000;
const DIRECTORY_TTL_MS = 30_000;
const SWEEP_BATCH = 200;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The call-log record id of a log of a session: the same on every server and every retry. */
export function liveRecordId(accountId: string, telephonySessionId: string, extensionId: string | null): string {
  const hash = createHash('sha256')
    .update(`${accountId}\n${telephonySessionId}\n${extensionId ?? ''}`)
    .digest();
  let id = '';
  for (let i = 0; i < 15; i++) id += ALNUM[hash[i] % 62];
  return id;
}

type CloseReason = 'timeout' | 'grace';

class TelephonyService implements Telephony {
  private readonly tables: TelephonyStore;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly graceMs: number;
  private readonly recordIdPrefix: string;
  private readonly plan = numberPlan();
  private readonly directories = new Map<string, { at: number; entries: Map<string, DirectoryEntry> }>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    options: TelephonyOptions,
  ) {
    this.tables = new TelephonyStore(store);
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    this.graceMs = Math.min(DEFAULT_GRACE_MS, this.timeoutMs);
    this.recordIdPrefix = options.recordIdPrefix ?? '';
    const every = Math.max(50, Math.min(5000, Math.floor(this.timeoutMs / 4)));
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .then(() => undefined)
        .catch(() => undefined)
        .finally(() => {
          this.sweeping = null;
        });
    }, every);
    this.timer.unref();
  }

  async ingest(accountId: string, bodies: TelephonySessionEventBody[]): Promise<IngestResult> {
    if (!Array.isArray(bodies)) throw errors.invalidParameter('body');
    const valid = bodies.map((b, i) => validateTelephonyEvent(b, bodies.length === 1 ? 'body' : `body[${i}]`));
    if (!valid.length) return { accepted: 0, duplicates: 0 };
    const bySession = new Map<string, Map<number, TelephonySessionEventBody>>();
    let duplicates = 0;
    for (const e of valid) {
      let events = bySession.get(e.telephonySessionId);
      if (!events) bySession.set(e.telephonySessionId, (events = new Map<number, TelephonySessionEventBody>()));
      if (events.has(e.sequence)) duplicates++;
      else events.set(e.sequence, e);
    }
    const directory = await this.directory(accountId, valid);
    const now = this.now();
    const sessions = [...bySession.keys()].sort();
    let accepted = 0;
    await this.tables.transaction(async (trx) => {
      for (const telephonySessionId of sessions) {
        const events = [...(bySession.get(telephonySessionId) as Map<number, TelephonySessionEventBody>).values()];
        events.sort((a, b) => a.sequence - b.sequence);
        const row = await this.tables.lockSession(trx, accountId, telephonySessionId, {
          sessionId: events[0].sessionId,
          time: Date.parse(events[0].eventTime),
          now,
        });
        const stored = await this.tables.insertEvents(
          trx,
          accountId,
          telephonySessionId,
          events.map((e) => ({ sequence: e.sequence, body: JSON.stringify(e) })),
          now,
        );
        const fresh = events.filter((e) => stored.has(e.sequence));
        accepted += fresh.length;
        duplicates += events.length - fresh.length;
        if (!fresh.length) continue;
        await this.tables.appendEvents(
          trx,
          fresh.map((e) => eventLogRow(accountId, e, now)),
        );
        if (row.state === 'closed') continue;
        await this.advance(trx, accountId, telephonySessionId, directory, now, null);
      }
    });
    return { accepted, duplicates };
  }

  /** Rebuilds the session from its events: live views while it goes on, records once it is over or closed. */
  private async advance(
    trx: TelephonyTx,
    accountId: string,
    telephonySessionId: string,
    directory: Map<string, DirectoryEntry>,
    now: number,
    closing: CloseReason | null,
  ): Promise<void> {
    const bodies = await this.tables.loadEvents(trx, accountId, telephonySessionId);
    if (!bodies.length) return;
    const j = buildJournal(bodies.map((b) => JSON.parse(b) as TelephonySessionEventBody));
    const ctx = this.context(accountId, telephonySessionId, directory, now);
    const complete = isSessionComplete(j);
    const isUser = (id: string) => directory.get(id)?.type !== 'Department';
    if (!complete && !closing) {
      await this.tables.updateSession(trx, accountId, telephonySessionId, {
        firstTime: j.firstTime,
        lastTime: j.lastTime,
        receivedAt: now,
        partiesEnded: allPartiesEnded(j),
      });
      await this.tables.replaceLiveCalls(trx, accountId, telephonySessionId, liveCalls(j, ctx, now, false));
      await this.tables.replacePresence(trx, accountId, telephonySessionId, presenceRows(presenceItems(j, isUser)));
      return;
    }
    const call = assembleCall(j, ctx);
    await this.tables.writeRecords(trx, call.records, call.recordings, now);
    await this.tables.appendEvents(
      trx,
      call.records.map((r) => recordLogRow(r, telephonySessionId, now)),
    );
    await this.tables.updateSession(trx, accountId, telephonySessionId, {
      firstTime: j.firstTime,
      lastTime: j.lastTime,
      partiesEnded: true,
      closed: { at: now, reason: complete ? 'ended' : (closing as CloseReason) },
    });
    await this.tables.replaceLiveCalls(trx, accountId, telephonySessionId, liveCalls(j, ctx, now, true));
    const final = presenceItems(j, isUser).map((p) =>
      p.endedAt !== null
        ? p
        : {
            ...p,
            endedAt: now,
            item: { ...p.item, telephonyStatus: 'NoCall' as const, terminationType: 'final' as const },
          },
    );
    await this.tables.replacePresence(trx, accountId, telephonySessionId, presenceRows(final));
  }

  private context(
    accountId: string,
    telephonySessionId: string,
    directory: Map<string, DirectoryEntry>,
    now: number,
  ): AssemblyContext {
    return {
      accountId,
      extension: (id) => directory.get(id),
      recordId: (extensionId) => this.recordIdPrefix + liveRecordId(accountId, telephonySessionId, extensionId),
      numberPlan: this.plan,
      modifiedAt: now,
    };
  }

  /** The account's extensions (cached briefly; reloaded when an event names one not in the cache). */
  private async directory(
    accountId: string,
    events: TelephonySessionEventBody[] = [],
  ): Promise<Map<string, DirectoryEntry>> {
    const cached = this.directories.get(accountId);
    const now = Date.now();
    const unknown = events.some((e) =>
      e.parties.some((p) => p.extensionId !== undefined && cached !== undefined && !cached.entries.has(p.extensionId)),
    );
    if (cached && now - cached.at < DIRECTORY_TTL_MS && !unknown) return cached.entries;
    const extensions = await this.store.listExtensions(accountId);
    const entries = new Map(
      extensions.map((e) => [e.id, { extensionNumber: e.extensionNumber, name: e.name, type: e.type }]),
    );
    this.directories.set(accountId, { at: now, entries });
    return entries;
  }

  async activeCalls(accountId: string, extensionId: string | null, now: number): Promise<CallLogRecord[]> {
    const records = await this.tables.liveCalls(accountId, extensionId ?? '', now - ACTIVE_CALL_LINGER_MS);
    for (const r of records) {
      if (r.result !== 'In Progress') continue;
      r.durationMs = Math.max(r.durationMs, now - r.startTime);
      r.duration = Math.round(r.durationMs / 1000);
    }
    return records;
  }

  async session(accountId: string, telephonySessionId: string): Promise<CallSessionObject | null> {
    const bodies = await this.tables.loadEvents(this.tables.db, accountId, telephonySessionId);
    if (!bodies.length) return null;
    return sessionObject(buildJournal(bodies.map((b) => JSON.parse(b) as TelephonySessionEventBody)));
  }

  async presence(accountId: string, extensionId: string, now: number): Promise<TelephonyPresence> {
    const { items, sequence } = await this.tables.presence(accountId, extensionId, now - PRESENCE_FINAL_MS);
    const calls = items.map((i) => JSON.parse(i) as ActiveCallInfo);
    const active = calls.filter((c) => c.telephonyStatus !== 'NoCall');
    return {
      extensionId,
      telephonyStatus: aggregateTelephonyStatus(calls.map((c) => c.telephonyStatus)),
      activeCalls: calls.slice(0, 7),
      totalActiveCalls: active.length,
      sequence,
    };
  }

  /** Closes sessions whose events stopped (timeout) or whose parties all ended with events missing (grace). */
  async sweep(): Promise<number> {
    const now = this.now();
    const due = await this.tables.dueSessions(now - this.timeoutMs, now - this.graceMs, SWEEP_BATCH);
    let closed = 0;
    for (const { accountId, telephonySessionId } of due) {
      const directory = await this.directory(accountId);
      await this.tables.transaction(async (trx) => {
        const row = await this.tables.lockSession(trx, accountId, telephonySessionId, { sessionId: '', time: 0, now });
        if (row.state === 'closed') return;
        const bodies = await this.tables.loadEvents(trx, accountId, telephonySessionId);
        const ended =
          bodies.length > 0 &&
          allPartiesEnded(buildJournal(bodies.map((b) => JSON.parse(b) as TelephonySessionEventBody)));
        await this.advance(trx, accountId, telephonySessionId, directory, now, ended ? 'grace' : 'timeout');
        closed++;
      });
    }
    await this.tables.prune(now - ACTIVE_CALL_LINGER_MS, now - CLOSED_SESSION_EVENTS_MS);
    return closed;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
  }
}

function eventLogRow(accountId: string, e: TelephonySessionEventBody, now: number): NewEvent {
  const extensionIds = [...new Set(e.parties.map((p) => p.extensionId).filter((id): id is string => !!id))];
  return {
    accountId,
    topic: 'telephony-session',
    sessionId: e.telephonySessionId,
    extensionIds,
    createdAt: now,
    body: JSON.stringify(e),
  };
}

function recordLogRow(r: CallLogRecord, telephonySessionId: string, now: number): NewEvent {
  return {
    accountId: r.accountId,
    topic: 'call-log-record',
    sessionId: telephonySessionId,
    extensionIds: r.extensionId === null ? [] : [r.extensionId],
    createdAt: now,
    body: JSON.stringify(r),
  };
}

function presenceRows(entries: ReturnType<typeof presenceItems>) {
  return entries.map((p) => ({
    extensionId: p.extensionId,
    startTime: p.startTime,
    endedAt: p.endedAt,
    item: JSON.stringify(p.item),
  }));
}

/** The Telephony facade over `store` (a store opened by openStore, SQLite or PostgreSQL). */
export function createTelephony(
  store: Store,
  options: TelephonyOptions = {},
): Telephony & { sweep(): Promise<number> } {
  return new TelephonyService(store, options);
}
