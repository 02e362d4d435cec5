// createTelephony: the durable intake of telephony-session events and the live views, over the store's tables.
// An accepted event, the session's new state, its live views, and (when the call is over) its records all commit
// in one transaction; on PostgreSQL the sessions' rows are locked first, so several servers take turns per session.
// Concurrent requests share a transaction (group commit) and are answered once it has committed; the events of
// open sessions are held in memory and used while the session row's version says they are all there are.
//
// Lock order (PostgreSQL), in every transaction here: session rows (key order), then the event log's append lock,
// then the accounts' report-sum locks and rows (call_log's triggers: report_contact, report_histogram,
// report_rollup), then presence sequence rows (extension order). Whatever needs no
// lock shared between sessions (events, session state, live calls, presence items) is written before the append
// lock, so on PostgreSQL a group of other sessions runs that part while the group before it finishes (two lanes).
// A session's jobs never run in two lanes at once (GroupCommit keys): two lanes racing for its row could log its
// events out of order. Records' changed_at is stamped under the append lock (writeTail), not when a group began.

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
  type RecordingMeta,
  type TelephonySessionEventBody,
} from '../domain/index.ts';
import {
  TelephonyStore,
  eventKey,
  type LiveCallRow,
  type NewEvent,
  type PresenceItemRow,
  type SessionRow,
  type SessionUpdate,
  type Store,
  type TelephonyTx,
} from '../store/index.ts';
import { liveCalls, presenceItems, sessionObject } from './live-views.ts';
import { assembleCall, type AssemblyContext, type DirectoryEntry } from './session-assembler.ts';
import { allPartiesEnded, buildJournal, isSessionComplete } from './session-journal.ts';
import { GroupCommit } from './group-commit.ts';
import { OpenSessions } from './open-sessions.ts';
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

/** An accepted event and its JSON (as stored), made before the event waits for its group. */
interface JobEvent {
  body: TelephonySessionEventBody;
  text: string;
}

/** One ingest request, validated, waiting for its group's transaction. */
interface IngestJob {
  accountId: string;
  /** The request's events by session, each in sequence order, without the request's own duplicates. */
  sessions: Map<string, JobEvent[]>;
  events: number;
  /** Duplicates within the request. */
  duplicates: number;
  directory: Map<string, DirectoryEntry>;
}

/** An event of a group: its body and JSON, and the index of the job (request) that brought it first. */
interface GroupEvent extends JobEvent {
  job: number;
}

/**
 * What a transaction writes after the state of its sessions, under the locks shared between sessions: its event log
 * rows (events, then records), records and recordings, and the presence sequence bumps by account and extension.
 */
interface Tail {
  log: NewEvent[];
  records: CallLogRecord[];
  recordings: RecordingMeta[];
  bumps: Map<string, Map<string, number>>;
}

const emptyTail = (): Tail => ({ log: [], records: [], recordings: [], bumps: new Map() });

/** What one session's new events change: its state, live views, and (once it is over) its records. */
interface SessionChange {
  telephonySessionId: string;
  /** Its row was created by this transaction: no active-call entries or presence items stored yet. */
  created: boolean;
  update: SessionUpdate;
  events: TelephonySessionEventBody[];
  liveCalls: LiveCallRow[];
  presence: PresenceItemRow[];
  /** The presence items stored before (JSON by extension id). */
  presenceBefore: Map<string, string>;
  records: CallLogRecord[];
  recordings: RecordingMeta[];
}

/** Events one group transaction takes at most (more wait for the next). */
const GROUP_EVENTS = 2000;
/** Group transactions running at once on PostgreSQL (SQLite has one connection: one at a time). */
const POSTGRES_LANES = 2;
/**
 * SQLite: the wait between one group's commit and the next under sustained load (GroupCommit pauseMs). Its
 * statements run on the thread that serves HTTP, back to back at 500 calls/s: with the wait, API reads during the
 * ingest went from p50 40–186 ms to 7–11 (p99 264–620 to 51–271), and the ingest's own latencies stayed within their
 * spread (docs/benchmarks.md, session14-live).
 */
const SQLITE_GROUP_PAUSE_MS = 25;

const parseBody = (body: string) => JSON.parse(body) as TelephonySessionEventBody;

class TelephonyService implements Telephony {
  private readonly tables: TelephonyStore;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly graceMs: number;
  private readonly recordIdPrefix: string;
  private readonly plan = numberPlan();
  private readonly directories = new Map<string, { at: number; entries: Map<string, DirectoryEntry> }>();
  /** Per account, the last request still on its way to the writer: requests reach it in the order they came. */
  private readonly intake = new Map<string, Promise<unknown>>();
  private readonly open: OpenSessions;
  private readonly writer: GroupCommit<IngestJob, IngestResult>;
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  /** Events of sessions closed before this were pruned already (by this server). */
  private prunedUntil = 0;

  constructor(
    private readonly store: Store,
    options: TelephonyOptions,
  ) {
    this.tables = new TelephonyStore(store);
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    this.graceMs = Math.min(DEFAULT_GRACE_MS, this.timeoutMs);
    this.recordIdPrefix = options.recordIdPrefix ?? '';
    this.open = new OpenSessions(options.openSessions);
    this.writer = new GroupCommit({
      commit: (jobs) => this.commitGroup(jobs),
      weight: (job) => job.events,
      maxWeight: GROUP_EVENTS,
      lanes: this.tables.dialect === 'postgres' ? POSTGRES_LANES : 1,
      pauseMs: this.tables.dialect === 'sqlite' ? SQLITE_GROUP_PAUSE_MS : 0,
      // One session's jobs in one lane at a time, in the order they came: its events enter the event log in order.
      keys: (job) => [...job.sessions.keys()].map((tsid) => `${job.accountId}\n${tsid}`),
    });
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
    const sessions = new Map<string, JobEvent[]>();
    for (const [tsid, events] of bySession)
      sessions.set(
        tsid,
        [...events.values()]
          .sort((a, b) => a.sequence - b.sequence)
          .map((body) => ({ body, text: JSON.stringify(body) })),
      );
    // The directory look-up may wait for the database; a later request of the account must not overtake this one
    // while it waits, or one session's events would enter the event log out of order.
    const previous = this.intake.get(accountId) ?? Promise.resolve();
    const submitted = previous.then(async () => {
      const directory = await this.directory(accountId, valid);
      return { result: this.writer.submit({ accountId, sessions, events: valid.length, duplicates, directory }) };
    });
    const settled = submitted.then(
      () => undefined,
      () => undefined,
    );
    this.intake.set(accountId, settled);
    void settled.then(() => {
      if (this.intake.get(accountId) === settled) this.intake.delete(accountId);
    });
    return (await submitted).result;
  }

  /**
   * One transaction for the events of several requests: each session's new events stored (duplicates by sequence
   * recognised), logged, and folded with the events it had into its new state, live views and, once it is over, its
   * records. The open sessions held in memory are updated only once the transaction has committed.
   */
  private async commitGroup(jobs: IngestJob[]): Promise<IngestResult[]> {
    const now = this.now();
    const results = jobs.map((job) => ({ accepted: 0, duplicates: job.duplicates }));
    const accounts = new Map<
      string,
      { directory: Map<string, DirectoryEntry>; sessions: Map<string, Map<number, GroupEvent>> }
    >();
    jobs.forEach((job, k) => {
      let account = accounts.get(job.accountId);
      if (!account) accounts.set(job.accountId, (account = { directory: job.directory, sessions: new Map() }));
      account.directory = job.directory;
      for (const [tsid, events] of job.sessions) {
        let session = account.sessions.get(tsid);
        if (!session) account.sessions.set(tsid, (session = new Map<number, GroupEvent>()));
        for (const e of events) {
          if (session.has(e.body.sequence)) results[k].duplicates++;
          else session.set(e.body.sequence, { ...e, job: k });
        }
      }
    });
    let afterCommit: (() => void)[] = [];
    await this.tables.transaction(async (trx) => {
      afterCommit = [];
      const tail = emptyTail();
      for (const accountId of [...accounts.keys()].sort()) {
        const { directory, sessions } = accounts.get(accountId) as NonNullable<ReturnType<typeof accounts.get>>;
        afterCommit.push(...(await this.ingestAccount(trx, accountId, sessions, directory, now, results, tail)));
      }
      await this.writeTail(trx, tail, now);
    });
    for (const apply of afterCommit) apply();
    return results;
  }

  /** The part of a group's transaction for one account; returns what to do to the open sessions after commit. */
  private async ingestAccount(
    trx: TelephonyTx,
    accountId: string,
    sessions: Map<string, Map<number, GroupEvent>>,
    directory: Map<string, DirectoryEntry>,
    now: number,
    results: IngestResult[],
    tail: Tail,
  ): Promise<(() => void)[]> {
    const ids = [...sessions.keys()].sort();
    const sorted = new Map(
      ids.map((tsid) => [
        tsid,
        [...(sessions.get(tsid) as Map<number, GroupEvent>).values()].sort((a, b) => a.body.sequence - b.body.sequence),
      ]),
    );
    const rows = await this.tables.lockSessions(
      trx,
      accountId,
      ids.map((tsid) => {
        const first = (sorted.get(tsid) as GroupEvent[])[0].body;
        return { telephonySessionId: tsid, sessionId: first.sessionId, time: Date.parse(first.eventTime) };
      }),
      now,
    );
    const rowsToStore: { telephonySessionId: string; sequence: number; body: string }[] = [];
    for (const [tsid, events] of sorted) {
      for (const e of events) rowsToStore.push({ telephonySessionId: tsid, sequence: e.body.sequence, body: e.text });
    }
    const stored = await this.tables.insertEvents(trx, accountId, rowsToStore, now);
    // The new events as accepted (what the store holds is their JSON: parsing it back would give the same).
    const fresh = new Map<string, TelephonySessionEventBody[]>();
    for (const [tsid, events] of sorted) {
      const list: TelephonySessionEventBody[] = [];
      for (const e of events) {
        if (!stored.has(eventKey(tsid, e.body.sequence))) {
          results[e.job].duplicates++;
          continue;
        }
        results[e.job].accepted++;
        list.push(e.body);
        tail.log.push(eventLogRow(accountId, e.body, e.text, now));
      }
      if (list.length) fresh.set(tsid, list);
    }

    const after: (() => void)[] = [];
    const live: string[] = [];
    for (const tsid of fresh.keys()) {
      if ((rows.get(tsid) as SessionRow).state === 'closed') after.push(() => this.open.delete(accountId, tsid));
      else live.push(tsid);
    }
    if (!live.length) return after;
    // A session whose row this transaction created has only its new events and no presence items: nothing to read.
    const stale = live.filter((tsid) => {
      const row = rows.get(tsid) as SessionRow;
      return !row.created && !this.open.current(accountId, tsid, row.version);
    });
    const loaded = stale.length ? await this.tables.loadEvents(trx, accountId, stale) : new Map<string, string[]>();
    const presence = stale.length
      ? await this.tables.presenceItems(trx, accountId, stale)
      : new Map<string, Map<string, string>>();
    const changes = live.map((tsid) => {
      const row = rows.get(tsid) as SessionRow;
      const added = fresh.get(tsid) as TelephonySessionEventBody[];
      const held = this.open.current(accountId, tsid, row.version);
      const events = held ? [...held.events, ...added] : row.created ? added : (loaded.get(tsid) ?? []).map(parseBody);
      return this.change(accountId, tsid, row, row.version + added.length, events, {
        directory,
        now,
        closing: null,
        presenceBefore: held?.presence ?? presence.get(tsid) ?? new Map<string, string>(),
      });
    });
    const writtenPresence = await this.write(trx, accountId, changes, now, tail);
    for (const c of changes) {
      after.push(() => {
        if (c.update.closed) return this.open.delete(accountId, c.telephonySessionId);
        this.open.set(accountId, c.telephonySessionId, {
          version: c.update.version,
          events: c.events,
          presence: writtenPresence.get(c.telephonySessionId) ?? c.presenceBefore,
        });
      });
    }
    return after;
  }

  /** A session's new state from all its events: live views while it goes on, records once it is over or closed. */
  private change(
    accountId: string,
    telephonySessionId: string,
    row: SessionRow,
    version: number,
    events: TelephonySessionEventBody[],
    o: {
      directory: Map<string, DirectoryEntry>;
      now: number;
      closing: CloseReason | null;
      presenceBefore: Map<string, string>;
    },
  ): SessionChange {
    const { directory, now, closing } = o;
    const j = buildJournal(events);
    const ctx = this.context(accountId, telephonySessionId, directory, now);
    const complete = isSessionComplete(j);
    const isUser = (id: string) => directory.get(id)?.type !== 'Department';
    const base = {
      telephonySessionId,
      sessionId: row.sessionId,
      firstTime: j.firstTime,
      lastTime: j.lastTime,
      version,
    };
    const withId = <T>(rows: T[]) => rows.map((r) => ({ ...r, telephonySessionId }));
    if (!complete && !closing) {
      return {
        telephonySessionId,
        update: { ...base, partiesEnded: allPartiesEnded(j) },
        events,
        liveCalls: withId(firstOfEach(liveCalls(j, ctx, now, false), (r) => r.logId)),
        presence: withId(presenceRows(presenceItems(j, isUser))),
        presenceBefore: o.presenceBefore,
        created: row.created,
        records: [],
        recordings: [],
      };
    }
    const call = assembleCall(j, ctx);
    const final = presenceItems(j, isUser).map((p) =>
      p.endedAt !== null
        ? p
        : {
            ...p,
            endedAt: now,
            item: { ...p.item, telephonyStatus: 'NoCall' as const, terminationType: 'final' as const },
          },
    );
    return {
      telephonySessionId,
      update: {
        ...base,
        partiesEnded: true,
        closed: { at: now, reason: complete ? 'ended' : (closing as CloseReason) },
      },
      events,
      liveCalls: withId(firstOfEach(liveCalls(j, ctx, now, true, call), (r) => r.logId)),
      presence: withId(presenceRows(final)),
      presenceBefore: o.presenceBefore,
      created: row.created,
      records: firstOfEach(call.records, (r) => r.id),
      recordings: call.recordings,
    };
  }

  /**
   * Writes the state of one account's changed sessions with a few multi-row statements and adds what is written
   * under the shared locks (records, event log rows, presence sequences) to `tail`; returns the presence items now
   * stored of the sessions whose items were rewritten (JSON by extension id).
   */
  private async write(
    trx: TelephonyTx,
    accountId: string,
    changes: SessionChange[],
    now: number,
    tail: Tail,
  ): Promise<Map<string, Map<string, string>>> {
    await this.tables.updateSessions(
      trx,
      accountId,
      changes.map((c) => c.update),
      now,
    );
    await this.tables.replaceLiveCalls(
      trx,
      accountId,
      changes.filter((c) => !c.created).map((c) => c.telephonySessionId),
      changes.flatMap((c) => c.liveCalls),
    );
    let bumps = tail.bumps.get(accountId);
    if (!bumps) tail.bumps.set(accountId, (bumps = new Map<string, number>()));
    const rewritten = new Map<string, Map<string, string>>();
    const presence: PresenceItemRow[] = [];
    for (const c of changes) {
      const changed = c.presence.filter((i) => c.presenceBefore.get(i.extensionId) !== i.item);
      if (!changed.length) continue;
      for (const i of changed) bumps.set(i.extensionId, (bumps.get(i.extensionId) ?? 0) + 1);
      rewritten.set(c.telephonySessionId, new Map(c.presence.map((i) => [i.extensionId, i.item])));
      presence.push(...c.presence);
    }
    if (rewritten.size) {
      const stored = changes.filter((c) => !c.created && rewritten.has(c.telephonySessionId));
      await this.tables.replacePresence(
        trx,
        accountId,
        stored.map((c) => c.telephonySessionId),
        presence,
      );
    }
    for (const c of changes) {
      for (const r of c.records) {
        tail.records.push(r);
        tail.log.push(recordLogRow(r, c.telephonySessionId, now));
      }
      tail.recordings.push(...c.recordings);
    }
    return rewritten;
  }

  /**
   * The end of a transaction, in the lock order above: the event log's append (events, then records; it takes the
   * append lock on PostgreSQL), the records (call_log's trigger locks report rollup rows: a sweep that took those
   * before the append lock deadlocked with an ingest group holding it), then the presence sequences.
   */
  private async writeTail(trx: TelephonyTx, tail: Tail, now: number): Promise<void> {
    await this.tables.appendEvents(trx, tail.log);
    // The records' changed_at (what sync cursors read) is stamped now, under the append lock, not when the group
    // began: a group that waited for its locks longer than SYNC_SAFETY_MS would otherwise commit records older
    // than a cursor taken meanwhile, and a sync client would never see them. Commits hold the append lock, so each
    // commits within moments of its stamp.
    const changedAt = Math.max(now, this.now());
    if (tail.records.length) await this.tables.writeRecords(trx, tail.records, tail.recordings, changedAt);
    for (const accountId of [...tail.bumps.keys()].sort()) {
      await this.tables.bumpPresence(trx, accountId, tail.bumps.get(accountId) as Map<string, number>);
    }
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
    const bodies = (await this.tables.loadEvents(this.tables.db, accountId, [telephonySessionId])).get(
      telephonySessionId,
    );
    if (!bodies?.length) return null;
    return sessionObject(buildJournal(bodies.map(parseBody)));
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
        const rows = await this.tables.lockSessions(
          trx,
          accountId,
          [{ telephonySessionId, sessionId: '', time: 0 }],
          now,
        );
        const row = rows.get(telephonySessionId) as SessionRow;
        if (row.state === 'closed') return;
        const bodies = (await this.tables.loadEvents(trx, accountId, [telephonySessionId])).get(telephonySessionId);
        if (!bodies?.length) return;
        const events = bodies.map(parseBody);
        const presenceBefore = (await this.tables.presenceItems(trx, accountId, [telephonySessionId])).get(
          telephonySessionId,
        );
        const change = this.change(accountId, telephonySessionId, row, row.version, events, {
          directory,
          now,
          closing: allPartiesEnded(buildJournal(events)) ? 'grace' : 'timeout',
          presenceBefore: presenceBefore ?? new Map<string, string>(),
        });
        const tail = emptyTail();
        await this.write(trx, accountId, [change], now, tail);
        await this.writeTail(trx, tail, now);
        closed++;
      });
      this.open.delete(accountId, telephonySessionId);
    }
    const closedBefore = now - CLOSED_SESSION_EVENTS_MS;
    await this.tables.prune(now - ACTIVE_CALL_LINGER_MS, this.prunedUntil, closedBefore);
    this.prunedUntil = closedBefore;
    return closed;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
    await this.writer.idle();
  }
}

function eventLogRow(accountId: string, e: TelephonySessionEventBody, body: string, now: number): NewEvent {
  const extensionIds = [...new Set(e.parties.map((p) => p.extensionId).filter((id): id is string => !!id))];
  return {
    accountId,
    topic: 'telephony-session',
    sessionId: e.telephonySessionId,
    extensionIds,
    createdAt: now,
    body,
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

/**
 * The first of the items sharing a key. A journal missing its first events (a stream that began mid-call, e.g. with
 * a FindMe party) can give two records for one extension's log; written one by one, the first stayed and the second
 * changed nothing, and a multi-row write must not fail the whole group on it.
 */
function firstOfEach<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
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
