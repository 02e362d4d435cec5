// WebHook delivery from the durable outbox (reference §11.4): fans each new event-log row out into outbox rows
// (one per matching subscription and filter, committed with the fan-out cursor; those that fit in flight are
// inserted already claimed and POSTed as soon as that commits), claims other due rows (retries, rows whose lease
// ended), keeps up to `batch` POSTs in flight without waiting for a whole batch, deletes what was taken and schedules
// retries with backoff; a subscription whose notifications keep failing is Blacklisted, as RingCentral does.

import { CoalescedRunner } from './coalesced-runner.ts';
import type { Transaction } from 'kysely';
import type {
  Database,
  LoggedEvent,
  SubscriptionRow,
  NewOutboxRow,
  OutboxRow,
  SubscriptionsStore,
} from '../store/index.ts';
import { eventReader, notificationsFor, type Deliverable } from './notifications.ts';
import { SubscriptionService } from './subscription-service.ts';
import type { WebhookClient } from './webhook-client.ts';

export interface DispatcherOptions {
  /** How long a claimed row stays with the server that claimed it before others may take it. */
  leaseMs: number;
  /** Backoff of the first retry, doubled each time up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Failed attempts of one notification after which its subscription is Blacklisted. */
  blacklistAfter: number;
  /** Most rows being POSTed at once (claimed again when half of them have ended). */
  batch: number;
}

export const DEFAULT_DISPATCHER: DispatcherOptions = {
  leaseMs: 30_000,
  backoffMs: 1000,
  maxBackoffMs: 300_000,
  blacklistAfter: 10,
  batch: 100,
};

const FANOUT_BATCH = 500;

export class WebhookDispatcher {
  private readonly runner = new CoalescedRunner(
    () => this.pass(),
    (err) => this.onError(err),
  );
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  /** The fan-out cursor was at least here (it only moves on). */
  private fannedOutTo = 0;
  /** POSTs under way (of claimed rows). */
  private readonly inFlight = new Set<Promise<void>>();
  /** Rows done with (taken, or their subscription is gone), to delete; the oldest was added at doneSince. */
  private done: number[] = [];
  private doneSince = 0;

  constructor(
    private readonly store: SubscriptionsStore,
    private readonly client: WebhookClient,
    private readonly options: DispatcherOptions,
    private readonly baseUrl: () => string,
    private readonly now: () => number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Runs a pass now (or right after the running one). */
  poke(): void {
    if (this.stopped) return;
    this.runner.poke();
  }

  /**
   * Deletes the rows delivered since the last pass, fans out every new event, then claims due rows and starts
   * POSTing them without waiting, up to `batch` in flight: a slow receiver, or a late one in a batch, holds up no
   * other delivery. Fewer than half of them left in flight pokes the next pass. Schedules the next retry.
   */
  async pass(): Promise<void> {
    await this.completeDone();
    // Cheap reads first: the fan-out and the claim are write transactions, not worth a poll that finds nothing.
    if ((await this.store.lastEventId()) > this.fannedOutTo) {
      while (!this.stopped) {
        // The new rows that fit in flight are claimed as they are inserted and POSTed once that commits.
        let routed = new Map<string, SubscriptionRow>();
        const route = async (events: LoggedEvent[], trx: Transaction<Database>) => {
          const subscriptions = await this.store.activeWebhooks(this.now(), trx);
          routed = new Map(subscriptions.map((s) => [s.id, s]));
          return this.route(events, subscriptions);
        };
        const room = this.options.batch - this.inFlight.size;
        const lease = { ms: this.options.leaseMs, rows: room };
        const { read, cursor, leased } = await this.store.fanOut(FANOUT_BATCH, route, this.now(), lease);
        this.fannedOutTo = Math.max(this.fannedOutTo, cursor);
        for (const row of leased) this.start(row, Promise.resolve(routed.get(row.subscription_id)));
        if (!read) break;
      }
    }
    while (!this.stopped && this.inFlight.size < this.options.batch) {
      const due = await this.store.nextDue();
      if (due === null || due > this.now()) break;
      const rows = await this.store.claim(this.now(), this.options.leaseMs, this.options.batch - this.inFlight.size);
      if (!rows.length) break;
      const subscriptions = new Map<string, Promise<SubscriptionRow | undefined>>();
      for (const row of rows) {
        let subscription = subscriptions.get(row.subscription_id);
        if (!subscription) subscriptions.set(row.subscription_id, (subscription = this.store.get(row.subscription_id)));
        this.start(row, subscription);
      }
    }
    await this.scheduleRetry();
  }

  private start(row: OutboxRow, subscription: Promise<SubscriptionRow | undefined>): void {
    const delivery = subscription
      .then((found) => this.deliver(row, found))
      .then((done) => {
        if (!done) return;
        if (!this.done.length) this.doneSince = this.now();
        this.done.push(row.id);
      })
      .catch(this.onError)
      .finally(() => {
        this.inFlight.delete(delivery);
        if (this.inFlight.size <= this.options.batch / 2) this.poke();
      });
    this.inFlight.add(delivery);
  }

  /**
   * Deletes the rows done with, once there are half a batch of them, nothing is in flight, or the oldest has waited
   * a tenth of a lease (well before another server may claim it again): each DELETE rewrites whole pages of the
   * outbox and its indexes, so fewer, larger ones cost much less (a crash in between only means those rows are
   * delivered again, which at-least-once allows).
   */
  private async completeDone(): Promise<void> {
    if (!this.done.length) return;
    const waited = this.now() - this.doneSince >= this.options.leaseMs / 10;
    if (this.done.length < this.options.batch / 2 && this.inFlight.size > 0 && !waited) return;
    const ids = this.done;
    this.done = [];
    await this.store.complete(ids);
  }

  /** The outbox rows of events for the active WebHook subscriptions. */
  private route(events: LoggedEvent[], subscriptions: SubscriptionRow[]): NewOutboxRow[] {
    if (!subscriptions.length) return [];
    const targets: Deliverable[] = subscriptions.map((s) => ({
      id: s.id,
      ownerId: s.extension_id,
      filters: SubscriptionService.filtersOf(s),
    }));
    const rows: NewOutboxRow[] = [];
    for (const event of events) {
      const read = eventReader(event, this.baseUrl());
      for (const target of targets) {
        if (target.filters[0]?.accountId !== event.accountId) continue;
        for (const body of notificationsFor(target, event, read)) {
          rows.push({ subscription_id: target.id, event_id: event.id, body });
        }
      }
    }
    return rows;
  }

  /** POSTs a row; true when it is done with (taken, or its subscription is gone) and can be deleted. */
  private async deliver(row: OutboxRow, subscription: SubscriptionRow | undefined): Promise<boolean> {
    if (!subscription || subscription.status !== 'Active' || subscription.expires_at <= this.now()) return true;
    const failure = await this.client.deliver(subscription.address!, row.body, subscription.verification_token);
    if (failure === null) return true;
    if (row.attempts >= this.options.blacklistAfter) {
      await this.store.blacklist(subscription.id, failure, this.now());
      return false;
    }
    const delay = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (row.attempts - 1));
    await this.store.retryLater(row.id, this.now() + delay, failure);
    return false;
  }

  private async scheduleRetry(): Promise<void> {
    clearTimeout(this.retryTimer);
    const due = await this.store.nextDue();
    if (due === null || this.stopped) return;
    this.retryTimer = setTimeout(() => this.poke(), Math.max(0, due - this.now()) + 5);
    this.retryTimer.unref();
  }

  /** Stops claiming; lets the POSTs under way end and deletes what they delivered. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.runner.idle();
    while (this.inFlight.size) await Promise.all(this.inFlight);
    await this.completeDone().catch(this.onError);
  }
}
