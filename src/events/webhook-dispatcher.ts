// WebHook delivery from the durable event log (reference §11.4), with a cursor per subscription instead of a row
// per notification: a server leases a subscription's cursor row, reads the events after it (once for all the
// subscriptions it holds, each event's JSON built once and shared), keeps POSTs in flight, and moves the cursor past
// the events whose notifications the receiver took. A failed POST stops the subscription, writes its retry time
// with backoff and releases it (any server takes it up again when the retry is due, from the cursor); failing
// `blacklistAfter` times in a row Blacklists it, as RingCentral does. A server killed mid-delivery leaves its leases
// to end; another server (or itself, restarted) then resumes from the cursors, delivering at least once.

import { randomUUID } from 'node:crypto';
import type { CursorUpdate, LoggedEvent, SubscriptionsStore, WebhookCursor } from '../store/index.ts';
import { CoalescedRunner } from './coalesced-runner.ts';
import {
  eventReader,
  notificationsFor,
  notificationText,
  type Deliverable,
  type EventReader,
} from './notifications.ts';
import { SubscriptionService } from './subscription-service.ts';
import type { WebhookClient } from './webhook-client.ts';

export interface DispatcherOptions {
  /** How long a server holds a subscription it delivers without renewing before another may take it over. */
  leaseMs: number;
  /** Backoff of the first retry, doubled each time up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Failed attempts in a row after which a subscription is Blacklisted. */
  blacklistAfter: number;
  /** Most POSTs in flight at once, over all subscriptions. */
  batch: number;
  /** Most POSTs in flight to one subscription. */
  perSubscription: number;
  /** Told of every POST answered, with its stages' times (bench/notify-latency.ts --trace); none by default. */
  onAnswered?: (post: AnsweredPost) => void;
}

export const DEFAULT_DISPATCHER: DispatcherOptions = {
  leaseMs: 30_000,
  backoffMs: 1000,
  maxBackoffMs: 300_000,
  blacklistAfter: 10,
  batch: 1000,
  // A lane at 500 events/s whose receiver pauses for 100 ms needs 50 in flight for all of them to be waiting at the
  // receiver when it resumes, instead of in the window behind the lane's limit (bench/notify-latency.ts --trace).
  perSubscription: 64,
};

/** Events read from the log at a time. */
const EVENT_BATCH = 200;
/** Most events kept between passes (a lane further behind reads the log again). */
const WINDOW_MAX = 5000;
/** Most POSTs started in one go before a pass lets the event loop run (answers, frames, the API). */
const POSTS_PER_TURN = 100;
/** How often delivered cursors are written (a crash in between means those notifications are delivered again). */
const SAVE_MS = 100;
/** How often the subscriptions are read again without being told of a change (other processes, expiry). */
const REFRESH_MS = 5000;

/** An event read from the log, kept for the lanes behind it. */
interface WindowEntry {
  event: LoggedEvent;
  read: EventReader;
  /** When it was read (performance.now()). */
  readAt: number;
}

/** A POST answered (or failed), with its stages' times (performance.now() ms): what onAnswered is told. */
export interface AnsweredPost {
  event: LoggedEvent;
  subscriptionId: string;
  address: URL;
  /** The event read from the log by this server. */
  readAt: number;
  /** The POST started. */
  postedAt: number;
  /** Its answer (or failure) taken. */
  answeredAt: number;
  failure: string | null;
}

/** A subscription this server delivers. */
interface Lane {
  row: WebhookCursor;
  target: Deliverable;
  url: URL;
  leaseUntil: number;
  /** The cursor as stored: every event up to it was taken. */
  saved: number;
  /** Every event up to here has been handed to a POST (or delivers nothing to this subscription). */
  sent: number;
  /** Events handed out and not yet taken, in id order, with the count of their notifications still out. */
  open: Map<number, number>;
  inFlight: number;
  attempts: number;
  /** Why a POST failed: nothing more is sent; once none is in flight the retry is written and the lease released. */
  failure: string | null;
}

/** Every event up to here was taken by the lane's receiver. */
const takenTo = (lane: Lane): number => {
  for (const id of lane.open.keys()) return id - 1;
  return lane.sent;
};

export class WebhookDispatcher {
  private readonly runner = new CoalescedRunner(
    () => this.pass(),
    (err) => this.onError(err),
  );
  /** This server's name on the leases it holds. */
  private readonly owner = randomUUID();
  private readonly lanes = new Map<string, Lane>();
  private inFlight = 0;
  /** POSTs started, ever (send yields every POSTS_PER_TURN). */
  private posted = 0;
  /** Lanes with answers since the last refill. */
  private readonly refilling = new Set<Lane>();
  private stopped = false;
  private timer?: NodeJS.Timeout;
  /** Set while a moved cursor waits to be written. */
  private saveTimer?: NodeJS.Timeout;
  /** When the subscriptions are next read (now, when told of a change). */
  private refreshAt = 0;
  private savedAt = 0;
  /** Events read from the log, in id order: every event after windowFrom up to readTo. */
  private window: WindowEntry[] = [];
  private windowFrom = 0;
  private readTo = 0;

  constructor(
    private readonly store: SubscriptionsStore,
    private readonly client: WebhookClient,
    private readonly options: DispatcherOptions,
    private readonly baseUrl: () => string,
    private readonly now: () => number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Delivers what is new (now, or right after the running pass). */
  poke(): void {
    if (this.stopped) return;
    this.runner.poke();
  }

  /** Reads the subscriptions again before delivering: one was created, changed, removed or released. */
  subscriptionsChanged(): void {
    this.refreshAt = 0;
    this.poke();
  }

  /**
   * Takes up the subscriptions that are due (reading them again when told of a change, or every REFRESH_MS),
   * renews the leases held, starts the POSTs of new events, writes the cursors moved, and sets the timer for
   * whatever comes due next (a retry, another server's lease ending, a renewal, a cursor write).
   */
  async pass(): Promise<void> {
    let now = this.now();
    if (now >= this.refreshAt) await this.refresh(now);
    now = this.now();
    await this.renew(now);
    await this.send(now);
    await this.save(false);
    this.schedule();
  }

  private async refresh(now: number): Promise<void> {
    // A change told while this reads (subscriptionsChanged sets 0) keeps the next refresh due at once.
    this.refreshAt = Infinity;
    let next = now + REFRESH_MS;
    try {
      next = await this.takeUp(now, next);
    } finally {
      this.refreshAt = Math.min(this.refreshAt, next);
    }
  }

  /**
   * Reads the subscriptions: follows changes of those held, drops those gone or taken over, leases those due.
   * Returns when the next one comes due (a retry, another server's lease ending), if before `next`.
   */
  private async takeUp(now: number, next: number): Promise<number> {
    const rows = await this.store.webhookCursors(now);
    const due: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.id);
      const lane = this.lanes.get(row.id);
      if (lane && row.owner === this.owner) {
        if (row.event_filters !== lane.row.event_filters) lane.target = this.target(row);
        lane.row = row;
        continue;
      }
      if (lane) this.lanes.delete(row.id); // Another server took it over.
      const at = Math.max(Number(row.next_attempt_at), row.owner === null ? 0 : Number(row.lease_until));
      if (at <= now) due.push(row.id);
      else next = Math.min(next, at);
    }
    for (const id of this.lanes.keys()) if (!seen.has(id)) this.lanes.delete(id); // Removed, Blacklisted, expired.
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const leased of await this.store.lease(due, this.owner, now, this.options.leaseMs)) {
      const row = byId.get(leased.subscription_id)!;
      this.lanes.set(row.id, {
        row,
        target: this.target(row),
        url: new URL(row.address!),
        leaseUntil: now + this.options.leaseMs,
        saved: leased.event_id,
        sent: leased.event_id,
        open: new Map(),
        inFlight: 0,
        attempts: leased.attempts,
        failure: null,
      });
    }
    return next;
  }

  private target(row: WebhookCursor): Deliverable {
    return { id: row.id, ownerId: row.extension_id, filters: SubscriptionService.filtersOf(row) };
  }

  /** Renews the leases once a third of their time has passed; drops the subscriptions another server took. */
  private async renew(now: number): Promise<void> {
    const ids = [...this.lanes.values()]
      .filter((lane) => lane.leaseUntil - now < (this.options.leaseMs * 2) / 3)
      .map((lane) => lane.row.id);
    if (!ids.length) return;
    const held = new Set(await this.store.renewLeases(ids, this.owner, now + this.options.leaseMs));
    for (const id of ids) {
      const lane = this.lanes.get(id);
      if (!lane) continue;
      if (held.has(id)) lane.leaseUntil = now + this.options.leaseMs;
      else this.lanes.delete(id);
    }
  }

  /** Can a lane take one more POST? */
  private ready(lane: Lane, now: number): boolean {
    return lane.failure === null && lane.inFlight < this.options.perSubscription && lane.row.expires_at > now;
  }

  /**
   * Starts the POSTs of the events after the lanes' positions, up to the limits in flight. The events come from a
   * window of the log kept between passes (each read from the database and parsed once, whatever the lanes'
   * positions and however many passes they take), and what a filter delivers is stringified once for all the
   * lanes with that filter.
   */
  private async send(now: number): Promise<void> {
    const base = this.baseUrl();
    while (!this.stopped && this.inFlight < this.options.batch) {
      const lanes = [...this.lanes.values()].filter((lane) => this.ready(lane, now));
      if (!lanes.length) return;
      const from = Math.min(...lanes.map((lane) => lane.sent));
      if (from < this.windowFrom || from > this.readTo) {
        this.window = [];
        this.windowFrom = this.readTo = from;
      }
      const events = await this.store.eventsAfter(this.readTo, EVENT_BATCH);
      const readAt = performance.now();
      for (const event of events) this.window.push({ event, read: eventReader(event, base), readAt });
      if (events.length) this.readTo = events[events.length - 1].id;
      // Told of a change while reading: what was just read may postdate it (a PUT answered, then an event
      // appended), so it is matched against the subscriptions as they are now, in the refresh's pass.
      if (this.refreshAt <= this.now()) return;
      let sending = lanes;
      let turn = this.posted + POSTS_PER_TURN;
      for (let i = this.windowIndexAfter(from); i < this.window.length && sending.length; i++) {
        const entry = this.window[i];
        for (const lane of sending) if (entry.event.id > lane.sent) this.sendEvent(lane, entry);
        if (this.inFlight >= this.options.batch) return;
        if (this.posted >= turn) {
          // Lets answers in (and their lanes refill) between turns, instead of one long run of POSTs.
          await new Promise((resolve) => setImmediate(resolve));
          if (this.stopped || this.refreshAt <= this.now()) return;
          turn = this.posted + POSTS_PER_TURN;
        }
        if (sending.some((lane) => !this.ready(lane, now))) sending = sending.filter((lane) => this.ready(lane, now));
      }
      this.trimWindow(now);
      if (events.length < EVENT_BATCH) return;
      // Lets replies and deliveries in between batches (better-sqlite3 reads never yield to I/O).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Starts the POSTs of an event's notifications to a lane (none if the event is not for it) and moves past it. */
  private sendEvent(lane: Lane, entry: WindowEntry): void {
    const { event, read } = entry;
    if (lane.row.account_id === event.accountId) {
      const notifications = notificationsFor(lane.target, event, read);
      if (notifications.length) lane.open.set(event.id, notifications.length);
      for (const n of notifications) this.post(lane, entry, notificationText(n));
    }
    lane.sent = event.id;
  }

  /**
   * Refills the lanes whose POSTs were answered from the events already read, once the answers that came in together
   * are all in: a lane behind keeps its limit of POSTs in flight instead of draining to half of it before a pass
   * (which also reads the log) sends more, and the POSTs of one turn still leave together.
   */
  private refillSoon(lane: Lane): void {
    this.refilling.add(lane);
    if (this.refilling.size === 1) setImmediate(() => this.refill());
  }

  private refill(): void {
    const lanes = [...this.refilling];
    this.refilling.clear();
    const now = this.now();
    if (this.stopped || this.refreshAt <= now) return;
    for (const lane of lanes) {
      if (this.lanes.get(lane.row.id) !== lane || lane.sent < this.windowFrom) continue;
      for (let i = this.windowIndexAfter(lane.sent); i < this.window.length; i++) {
        if (!this.ready(lane, now) || this.inFlight >= this.options.batch) break;
        this.sendEvent(lane, this.window[i]);
      }
    }
  }

  /** The index of the first event of the window after `id`. */
  private windowIndexAfter(id: number): number {
    let lo = 0;
    let hi = this.window.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.window[mid].event.id <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Forgets the events every lane that still sends is past, and the oldest beyond WINDOW_MAX. */
  private trimWindow(now: number): void {
    let keepAfter = this.readTo;
    for (const lane of this.lanes.values()) {
      if (lane.failure === null && lane.row.expires_at > now) keepAfter = Math.min(keepAfter, lane.sent);
    }
    let drop = 0;
    while (drop < this.window.length && this.window[drop].event.id <= keepAfter) drop += 1;
    drop = Math.max(drop, this.window.length - WINDOW_MAX);
    if (!drop) return;
    this.windowFrom = this.window[drop - 1].event.id;
    this.window = this.window.slice(drop);
  }

  private post(lane: Lane, entry: WindowEntry, body: string): void {
    const eventId = entry.event.id;
    const postedAt = this.options.onAnswered ? performance.now() : 0;
    this.posted += 1;
    lane.inFlight += 1;
    this.inFlight += 1;
    this.client
      .deliver(lane.url, body, lane.row.verification_token)
      .then((failure) => {
        this.options.onAnswered?.({
          event: entry.event,
          subscriptionId: lane.row.id,
          address: lane.url,
          readAt: entry.readAt,
          postedAt,
          answeredAt: performance.now(),
          failure,
        });
        if (failure !== null) {
          lane.failure ??= failure;
          return;
        }
        const left = lane.open.get(eventId)! - 1;
        if (left > 0) lane.open.set(eventId, left);
        else lane.open.delete(eventId);
      })
      .catch(this.onError)
      .finally(() => {
        lane.inFlight -= 1;
        this.inFlight -= 1;
        this.refillSoon(lane);
        // Room again for what may wait (once half the room is free, not at every answer), a failure to settle, or
        // a cursor to write soon.
        const room = lane.inFlight === this.options.perSubscription >> 1 || this.inFlight === this.options.batch >> 1;
        if (room || (lane.failure !== null && lane.inFlight === 0)) this.poke();
        else this.saveSoon();
      });
  }

  /**
   * Writes the cursors moved since the last write (every SAVE_MS, or at once when `force` is true), and settles the
   * lanes whose POST failed and have nothing in flight: retry state and release, or Blacklisted.
   */
  private async save(force: boolean): Promise<void> {
    const now = this.now();
    const updates: { id: string; set: CursorUpdate }[] = [];
    /** Lanes whose failure is settled, and when their retry is due. */
    const settled: { lane: Lane; retryAt: number }[] = [];
    for (const lane of this.lanes.values()) {
      const taken = takenTo(lane);
      if (lane.failure !== null && lane.inFlight === 0) {
        const attempts = lane.attempts + 1;
        if (attempts >= this.options.blacklistAfter) {
          await this.store.blacklist(lane.row.id, lane.failure, now);
          this.lanes.delete(lane.row.id);
          continue;
        }
        const retryAt = now + Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (attempts - 1));
        updates.push({
          id: lane.row.id,
          set: {
            event_id: taken,
            attempts,
            next_attempt_at: retryAt,
            last_error: lane.failure,
            owner: null,
            lease_until: 0,
          },
        });
        settled.push({ lane, retryAt });
      } else if (taken > lane.saved && (force || now - this.savedAt >= SAVE_MS)) {
        // A success after failures starts the count again.
        updates.push({
          id: lane.row.id,
          set: { event_id: taken, ...(lane.attempts ? { attempts: 0, last_error: null } : {}) },
        });
        lane.saved = taken;
        lane.attempts = 0;
      }
    }
    if (!updates.length) return;
    this.savedAt = now;
    const lost = await this.store.saveCursors(this.owner, updates);
    for (const id of lost) this.lanes.delete(id);
    for (const { lane, retryAt } of settled) {
      this.lanes.delete(lane.row.id);
      // This server takes it up again when the retry is due, unless another one does first.
      this.refreshAt = Math.min(this.refreshAt, retryAt);
    }
  }

  /** Sets the timer for the next thing due: a lease to renew, a refresh (retries, take-overs, expiry). */
  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    let at = this.refreshAt;
    for (const lane of this.lanes.values()) at = Math.min(at, lane.leaseUntil - this.options.leaseMs / 3);
    this.timer = setTimeout(() => this.poke(), Math.max(0, at - this.now()) + 5);
    this.timer.unref();
    this.saveSoon();
  }

  /** Makes sure a pass comes within SAVE_MS while a moved cursor is not written. */
  private saveSoon(): void {
    if (this.saveTimer || this.stopped) return;
    if (![...this.lanes.values()].some((lane) => takenTo(lane) > lane.saved)) return;
    this.saveTimer = setTimeout(
      () => {
        this.saveTimer = undefined;
        this.poke();
      },
      Math.max(0, this.savedAt + SAVE_MS - this.now()) + 1,
    );
    this.saveTimer.unref();
  }

  /** Stops sending; lets the POSTs under way end, writes the cursors and releases the leases for other servers. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.saveTimer);
    await this.runner.idle();
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.save(true).catch(this.onError);
    const release = [...this.lanes.values()].map((lane) => ({
      id: lane.row.id,
      set: { owner: null, lease_until: 0 } satisfies CursorUpdate,
    }));
    await this.store.saveCursors(this.owner, release).catch(this.onError);
    this.lanes.clear();
  }
}
