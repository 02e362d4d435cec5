// WebHook delivery from the durable outbox (reference §11.4): fans each new event-log row out into outbox rows
// (one per matching subscription and filter, committed with the fan-out cursor), then claims due rows, POSTs
// them, deletes what was taken and schedules retries with backoff; a subscription whose notifications keep
// failing is Blacklisted, as RingCentral does.

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
  /** Rows claimed (and POSTed concurrently) at a time. */
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

  /** Fans out every new event, then delivers every due row; schedules itself for the next retry. */
  async pass(): Promise<void> {
    // Cheap reads first: the fan-out and the claim are write transactions, not worth a poll that finds nothing.
    if ((await this.store.lastEventId()) > this.fannedOutTo) {
      while (!this.stopped) {
        const { read, cursor } = await this.store.fanOut(FANOUT_BATCH, (e, trx) => this.route(e, trx), this.now());
        this.fannedOutTo = Math.max(this.fannedOutTo, cursor);
        if (!read) break;
      }
    }
    for (;;) {
      if (this.stopped) return;
      const due = await this.store.nextDue();
      if (due === null || due > this.now()) break;
      const rows = await this.store.claim(this.now(), this.options.leaseMs, this.options.batch);
      if (!rows.length) break;
      const subscriptions = new Map<string, Promise<SubscriptionRow | undefined>>();
      const subscription = (id: string) => {
        let found = subscriptions.get(id);
        if (!found) subscriptions.set(id, (found = this.store.get(id)));
        return found;
      };
      const done = await Promise.all(
        rows.map(async (row) => this.deliver(row, await subscription(row.subscription_id))),
      );
      await this.store.complete(rows.filter((_, i) => done[i]).map((row) => row.id));
    }
    await this.scheduleRetry();
  }

  private async route(events: LoggedEvent[], trx: Transaction<Database>): Promise<NewOutboxRow[]> {
    const subscriptions = await this.store.activeWebhooks(this.now(), trx);
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

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.runner.idle();
  }
}
