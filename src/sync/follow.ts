// `sync --follow`: after the catch-up sync, the upstream's telephony-session events go into the archive's own
// telephony intake (so the session assembler builds provisional records and keeps the active calls current), and
// each ended session's records are fetched from the upstream's call log, paced by its rate limits, replacing the
// provisional ones. After a socket drop that the gateway could not recover, a short catch-up pass fills the gap.

import { fromWire, isTerminalStatus, type CallLogRecord, type TelephonySessionEventBody } from '../domain/index.ts';
import { runSync, type SyncOptions, type SyncSummary } from './archiver.ts';
import { copyRecordings } from './recordings-copy.ts';
import { stateRegister } from './state-register.ts';
import { UpstreamEvents } from './upstream-events.ts';
import { closeSession, credentialsKey, openUpstream, type UpstreamSession } from './upstream-session.ts';

/** Every record the archive builds from the upstream's events has an id starting with this (docs/sync.md). */
export const PROVISIONAL_PREFIX = 'prov-';
/** A gap catch-up re-reads this much before each log's checkpoint (records appear upstream late). */
const GAP_LOOKBACK_DAYS = 1 / 24;
/** Upstream records are looked for again after 1 s, 2 s, 4 s … up to this pause, for FETCH_GIVE_UP_MS at most. */
const MAX_FETCH_PAUSE_MS = 60_000;
/** The pause cap for a session that may still be going (it costs requests every time). */
const MAX_UNSURE_PAUSE_MS = 600_000;
const FETCH_GIVE_UP_MS = 6 * 3600_000;
/** Sessions whose events are still kept in memory to tell when they end; the oldest are forgotten past this. */
const MAX_OPEN_SESSIONS = 50_000;
const HOUR_MS = 3600_000;
const CATCH_UP_RETRY_MS = 10_000;

/** An ended session whose upstream records are still to be fetched (kept in the sync state across restarts). */
interface PendingSession {
  telephonySessionId: string;
  extensionIds: string[];
  /** Time of its first event (epoch ms): the list's dateFrom is an hour before. */
  from: number;
  endedAt: number;
  tries: number;
  due: number;
  /** Still going as far as the follower heard when its socket dropped: it may have ended unheard. */
  unsure?: boolean;
}

/** Whether every party's latest status (by sequence) is a final one. */
function partiesEnded(bodies: TelephonySessionEventBody[]): boolean {
  const latest = new Map<string, { sequence: number; code: string }>();
  for (const b of bodies) {
    for (const party of b.parties) {
      const seen = latest.get(party.id);
      if (!seen || seen.sequence <= b.sequence) latest.set(party.id, { sequence: b.sequence, code: party.status.code });
    }
  }
  return latest.size > 0 && [...latest.values()].every((s) => isTerminalStatus(s.code));
}

function pendingSession(id: string, bodies: TelephonySessionEventBody[], now: number): PendingSession {
  const extensionIds = bodies.flatMap((b) => b.parties.map((p) => p.extensionId).filter((e): e is string => !!e));
  return {
    telephonySessionId: id,
    extensionIds: [...new Set(extensionIds)],
    from: Math.min(...bodies.map((b) => Date.parse(b.eventTime))),
    endedAt: now,
    tries: 0,
    due: now,
  };
}

/** The archive's telephony intake (telephony's createTelephony with `recordIdPrefix: PROVISIONAL_PREFIX`). */
export interface EventIntake {
  ingest(accountId: string, bodies: TelephonySessionEventBody[]): Promise<unknown>;
}

export interface FollowOptions extends SyncOptions {
  /** Where the upstream's events go: the session assembler builds the provisional records from them. */
  intake: EventIntake;
  /** Told when the follower subscribed (after each socket whose events may have had a gap). */
  onLive?: () => void;
  /** Told when an ended session's upstream records replaced its provisional ones. */
  onReplaced?: (telephonySessionId: string, records: number) => void;
  /** Pause before reopening a dropped socket (ms). */
  reconnectMs?: number;
}

export interface FollowHandle {
  /** The first catch-up sync's summary, once it finished. */
  caughtUp: Promise<SyncSummary>;
  /** Resolves when following stopped (the signal aborted, or stop()); rejects on a fatal error. */
  done: Promise<void>;
  /** Drops the WebSocket as a network failure would (tests, benches). */
  dropSocket(): void;
  stop(): void;
}

/** Starts following: the catch-up sync, then the events. Stops when options.signal aborts or stop() is called. */
export function follow(options: FollowOptions): FollowHandle {
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const signal = controller.signal;
  let events: UpstreamEvents | null = null;
  let resolveCaughtUp!: (s: SyncSummary) => void;
  let rejectCaughtUp!: (e: unknown) => void;
  const caughtUp = new Promise<SyncSummary>((resolve, reject) => {
    resolveCaughtUp = resolve;
    rejectCaughtUp = reject;
  });
  caughtUp.catch(() => undefined);
  const done = (async () => {
    let session: UpstreamSession;
    try {
      session = await openUpstream(options.store, options.upstream, {
        fetch: options.fetch,
        now: options.now,
        secretKey: options.secretKey,
      });
    } catch (err) {
      rejectCaughtUp(err);
      throw err;
    }
    let failed = true;
    try {
      let summary: SyncSummary;
      try {
        summary = await runSync({ ...options, session, signal });
        resolveCaughtUp(summary);
      } catch (err) {
        rejectCaughtUp(err);
        throw err;
      }
      if (signal.aborted) {
        failed = false;
        return;
      }
      const follower = new Follower({ ...options, session }, summary.accountId, signal);
      events = await follower.start();
      try {
        await follower.run();
        failed = false;
      } finally {
        await follower.close();
      }
    } finally {
      await closeSession(session, failed, (m) => warn(options, m));
    }
  })();
  done.catch(() => undefined); // awaited by the caller; not an unhandled rejection meanwhile
  return {
    caughtUp,
    done,
    dropSocket: () => events?.drop(),
    stop: () => controller.abort(),
  };
}

/** A warning goes to the observer, or to stderr when nobody observes the run. */
function warn(options: SyncOptions, message: string): void {
  if (options.observer) options.observer.warn(message);
  else process.stderr.write(`ringlog sync: ${message}\n`);
}

class Follower {
  events: UpstreamEvents | null = null;
  private readonly session: UpstreamSession;
  private readonly open_ = new Map<string, TelephonySessionEventBody[]>();
  private pending: PendingSession[] = [];
  private readonly register;
  private inbox: TelephonySessionEventBody[] = [];
  private ingesting: Promise<void> | null = null;
  private gap = false;
  private connections = 0;
  private wake: (() => void) | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly options: FollowOptions & { session: UpstreamSession },
    private readonly accountId: string,
    private readonly signal: AbortSignal,
  ) {
    this.session = options.session;
    this.register = stateRegister(options.store, `follow:${credentialsKey(options.upstream)}:pending`);
  }

  /** Reads the sessions left pending by an earlier run, and opens the socket; run() then does the upstream work. */
  async start(): Promise<UpstreamEvents> {
    const saved = await this.register.read();
    this.pending = saved ? (JSON.parse(saved) as PendingSession[]) : [];
    this.events = new UpstreamEvents({
      client: this.session.client,
      reconnectMs: this.options.reconnectMs,
      handler: {
        event: (body) => this.receive(body),
        connected: (gapless) => {
          // Frames in flight when a socket drops are lost even when the gateway recovers the session.
          if (!gapless || this.connections > 0) this.gap = true;
          this.connections += 1;
          this.poke();
          this.options.onLive?.();
        },
        warn: (message) => this.warn(message),
      },
    });
    this.events.start();
    return this.events;
  }

  /** The upstream work, one thing at a time: gap catch-ups first, then the due sessions' records. */
  async run(): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.signal.addEventListener('abort', () => resolve()));
    while (!this.signal.aborted) {
      if (this.failure) throw this.failure;
      if (this.gap) {
        this.gap = false;
        try {
          await this.catchUp();
        } catch (err) {
          // The upstream is away (the socket will say when it is back): try again after a pause.
          this.warn(`catch-up after a reconnect failed, trying again: ${(err as Error).message}`);
          this.gap = true;
          await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, CATCH_UP_RETRY_MS).unref())]);
        }
        continue;
      }
      const now = Date.now();
      const next = this.pending.reduce<PendingSession | null>((a, p) => (!a || p.due < a.due ? p : a), null);
      if (next && next.due <= now) {
        await this.fetchRecords(next);
        continue;
      }
      await Promise.race([
        stopped,
        new Promise<void>((resolve) => {
          this.wake = resolve;
          if (next) setTimeout(resolve, next.due - now).unref();
        }),
      ]);
      this.wake = null;
    }
  }

  async close(): Promise<void> {
    this.events?.close();
    await this.ingesting;
  }

  private poke(): void {
    this.wake?.();
  }

  private warn(message: string): void {
    warn(this.options, message);
  }

  /** Events are ingested in batches: those that arrive while one batch commits go in the next. */
  private receive(body: TelephonySessionEventBody): void {
    this.inbox.push(body);
    if (this.ingesting) return;
    this.ingesting = (async () => {
      while (this.inbox.length && !this.failure) {
        const batch = this.inbox;
        this.inbox = [];
        try {
          await this.ingest(batch);
        } catch (err) {
          this.failure = err instanceof Error ? err : new Error(String(err));
          this.poke();
        }
      }
      this.ingesting = null;
    })();
  }

  private async ingest(batch: TelephonySessionEventBody[]): Promise<void> {
    await this.options.intake.ingest(this.accountId, batch);
    const ended = new Set<string>();
    for (const body of batch) {
      const id = body.telephonySessionId;
      const bodies = this.open_.get(id) ?? [];
      if (!this.open_.has(id)) this.open_.set(id, bodies);
      bodies.push(body);
      if (partiesEnded(bodies)) ended.add(id);
    }
    if (!ended.size) return this.forgetOldest();
    const now = Date.now();
    for (const id of ended) {
      const bodies = this.open_.get(id) as TelephonySessionEventBody[];
      this.open_.delete(id);
      this.pending = this.pending.filter((p) => p.telephonySessionId !== id);
      this.pending.push(pendingSession(id, bodies, now));
    }
    await this.savePending();
    this.poke();
  }

  private forgetOldest(): void {
    while (this.open_.size > MAX_OPEN_SESSIONS) this.open_.delete(this.open_.keys().next().value as string);
  }

  private async savePending(): Promise<void> {
    await this.register.write(JSON.stringify(this.pending));
  }

  /**
   * A short sync of every log, for sessions that ended upstream while the follower heard nothing; and the sessions
   * still open here, whose end may have been missed, are looked up upstream too.
   */
  private async catchUp(): Promise<void> {
    await runSync({ ...this.options, lookbackDays: GAP_LOOKBACK_DAYS, signal: this.signal, observer: undefined });
    const now = Date.now();
    const pendingIds = new Set(this.pending.map((p) => p.telephonySessionId));
    for (const [id, bodies] of this.open_) {
      if (!pendingIds.has(id)) this.pending.push({ ...pendingSession(id, bodies, now), unsure: true });
    }
    await this.savePending();
  }

  /** The session's records from the upstream (company log and its extensions' logs) replace the provisional ones. */
  private async fetchRecords(p: PendingSession): Promise<void> {
    const { client } = this.session;
    const logs = [null, ...p.extensionIds];
    const found: CallLogRecord[] = [];
    for (const extensionId of logs) {
      const log = extensionId === null ? '' : `/extension/${extensionId}`;
      const url = client.url(`/restapi/v1.0/account/${this.accountId}${log}/call-log`, {
        telephonySessionId: p.telephonySessionId,
        view: 'Detailed',
        showDeleted: true,
        dateFrom: new Date(p.from - HOUR_MS).toISOString(),
      });
      let page: { records?: unknown[] };
      try {
        page = await client.getJson<{ records?: unknown[] }>(url);
      } catch (err) {
        this.warn(`session ${p.telephonySessionId}: ${(err as Error).message}`);
        page = {};
      }
      for (const json of page.records ?? []) {
        try {
          found.push(fromWire(json, { accountId: this.accountId, logExtensionId: extensionId }));
        } catch (err) {
          this.warn(`a record of session ${p.telephonySessionId} was not stored: ${(err as Error).message}`);
        }
      }
    }
    const now = Date.now();
    if (!found.length) {
      p.tries += 1;
      if (now - p.endedAt > FETCH_GIVE_UP_MS) {
        this.warn(`session ${p.telephonySessionId}: no upstream record after ${FETCH_GIVE_UP_MS / HOUR_MS} h`);
        this.pending = this.pending.filter((q) => q !== p);
      } else p.due = now + Math.min(p.unsure ? MAX_UNSURE_PAUSE_MS : MAX_FETCH_PAUSE_MS, 1000 * 2 ** (p.tries - 1));
      await this.savePending();
      return;
    }
    await this.options.store.upsertRecords(found);
    if (this.options.recordings && this.options.blobs) {
      const stats = { copied: 0, bytes: 0, unavailable: 0 };
      await copyRecordings(client, this.options.store, this.options.blobs, found, stats);
    }
    await this.retireProvisional(p, logs, now);
    this.pending = this.pending.filter((q) => q !== p);
    this.open_.delete(p.telephonySessionId);
    await this.savePending();
    this.options.onReplaced?.(p.telephonySessionId, found.length);
  }

  /** Marks the session's provisional records deleted (a newer lastModifiedTime, as any deletion). */
  private async retireProvisional(p: PendingSession, logs: (string | null)[], now: number): Promise<void> {
    const retired: CallLogRecord[] = [];
    for (const extensionId of logs) {
      const page = await this.options.store.listRecords({
        accountId: this.accountId,
        extensionId,
        view: 'Detailed',
        dateFrom: p.from - HOUR_MS,
        dateTo: now + HOUR_MS,
        telephonySessionId: p.telephonySessionId,
        showBlocked: true,
        showDeleted: false,
        page: 1,
        perPage: 1000,
      });
      for (const listed of page.records) {
        if (!listed.id.startsWith(PROVISIONAL_PREFIX)) continue;
        const record = fromWire(JSON.parse(listed.json), { accountId: this.accountId, logExtensionId: extensionId });
        retired.push({ ...record, deleted: true, lastModifiedTime: Math.max(now, record.lastModifiedTime + 1) });
      }
    }
    if (retired.length) await this.options.store.upsertRecords(retired);
  }
}
