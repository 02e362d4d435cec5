// What other modules may use from events: the notification service a server runs (subscriptions, WebHook delivery
// from the event log, the WebSocket gateway, and the wake-ups that join several servers on one database).

import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { isPostgresUrl, subscriptionsStore, type Store, type SubscriptionsStore } from '../store/index.ts';
import { SubscriptionService } from './subscription-service.ts';
import { DEFAULT_DISPATCHER, WebhookDispatcher, type DispatcherOptions } from './webhook-dispatcher.ts';
import { DEFAULT_WEBHOOK_CLIENT, WebhookClient, type WebhookClientOptions } from './webhook-client.ts';
import { WakeUp } from './wake-up.ts';
import { HOUSEKEEPING_MS, housekeep, type HousekeepingResult } from './housekeeping.ts';
import { DEFAULT_GATEWAY, WS_PATH, WsGateway, type GatewayOptions } from './ws-gateway.ts';

export { parseEventFilters, type EventFilter, type Subscriber } from './event-filters.ts';
export { SubscriptionService, type SubscriptionInfo, type SubscriptionOwner } from './subscription-service.ts';
export { notificationUuid } from './notifications.ts';
export { WS_PATH } from './ws-gateway.ts';
export { EVENT_RETENTION_MS, type HousekeepingResult } from './housekeeping.ts';

export interface NotificationOptions {
  /** The store's location (`--db`): a postgres:// URL makes servers LISTEN for each other's events. */
  location: string;
  /** `--allow-private-webhooks`: WebHook addresses may be loopback or private. */
  allowPrivateWebhooks: boolean;
  webhook: Partial<WebhookClientOptions>;
  dispatcher: Partial<DispatcherOptions>;
  gateway: Partial<GatewayOptions>;
  /**
   * Poll period of the delivery loops, for events other processes append: default 20 ms on SQLite, 1 s on PostgreSQL
   * where NOTIFY wakes them (this process's own appends wake them when they commit).
   */
  pollMs?: number;
  now: () => number;
  onError: (err: unknown) => void;
}

export class Notifications {
  readonly store: SubscriptionsStore;
  readonly subscriptions: SubscriptionService;
  readonly gateway: WsGateway;
  readonly dispatcher: WebhookDispatcher;
  private readonly wakeUp: WakeUp;
  private readonly client: WebhookClient;
  private base = 'http://127.0.0.1';
  private started = false;
  private readonly now: () => number;
  private readonly onError: (err: unknown) => void;
  private readonly recoveryMs: number;
  private housekeepingTimer?: NodeJS.Timeout;
  /** The running housekeeping pass, if any (a tick while one runs, on a big backlog, is skipped). */
  private housekeeping: Promise<unknown> | null = null;

  constructor(store: Store, options: Partial<NotificationOptions> & { location: string }) {
    const now = (this.now = options.now ?? Date.now);
    const onError = (this.onError =
      options.onError ?? ((err: unknown) => process.stderr.write(`notifications: ${String(err)}\n`)));
    this.store = subscriptionsStore(store);
    const client = (this.client = new WebhookClient({
      ...DEFAULT_WEBHOOK_CLIENT,
      allowPrivate: options.allowPrivateWebhooks ?? false,
      ...options.webhook,
    }));
    this.subscriptions = new SubscriptionService(this.store, client, now);
    const baseUrl = () => this.base;
    this.dispatcher = new WebhookDispatcher(
      this.store,
      client,
      { ...DEFAULT_DISPATCHER, ...options.dispatcher },
      baseUrl,
      now,
      onError,
    );
    const gateway = { ...DEFAULT_GATEWAY, ...options.gateway };
    this.recoveryMs = gateway.recoveryTimeout * 1000;
    this.gateway = new WsGateway(this.store, this.subscriptions, gateway, baseUrl, now, onError);
    const postgres = isPostgresUrl(options.location);
    this.wakeUp = new WakeUp({
      postgresUrl: postgres ? options.location : undefined,
      pollMs: options.pollMs ?? (postgres ? 1000 : 20),
    });
    this.wakeUp.on((channel) => {
      if (channel === 'subscriptions') return this.dispatcher.subscriptionsChanged();
      this.gateway.poke();
      this.dispatcher.poke();
    });
  }

  /** Delivers events this process appended as soon as they have committed, without waiting for a wake-up. */
  private readonly onCommitted = () => {
    this.gateway.poke();
    this.dispatcher.poke();
  };
  private stopListening: (() => void)[] = [];

  /** The base URL written into notifications (record URIs) and the WebSocket URI. */
  setBaseUrl(url: string): void {
    this.base = url.replace(/\/$/, '');
  }

  get baseUrl(): string {
    return this.base;
  }

  /** Starts delivery and serves WebSocket upgrades on `server`. */
  async start(server: Server, app: FastifyInstance): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.gateway.attach(server, app);
    await this.wakeUp.start();
    this.stopListening = [
      this.store.events.onCommitted(this.onCommitted),
      this.store.onChanged(() => this.dispatcher.subscriptionsChanged()),
    ];
    this.gateway.poke();
    this.dispatcher.poke();
    this.housekeepingTimer = setInterval(() => {
      this.housekeeping ??= this.housekeep(this.now())
        .catch(this.onError)
        .finally(() => (this.housekeeping = null));
    }, HOUSEKEEPING_MS);
    this.housekeepingTimer.unref();
  }

  /**
   * Forgets expired WebHook subscriptions and WebSocket sessions past recovery, and prunes the event log behind
   * whoever is still owed events (housekeeping.ts). Every server runs it every minute.
   */
  housekeep(now: number): Promise<HousekeepingResult> {
    return housekeep(this.store, now, this.recoveryMs);
  }

  /** The WebSocket URI for a base URL (`http://h:p` → `ws://h:p/ws`). */
  wsUri(base: string): string {
    return `${base.replace(/^http/, 'ws')}${WS_PATH}`;
  }

  async close(): Promise<void> {
    clearInterval(this.housekeepingTimer);
    await this.housekeeping;
    for (const stop of this.stopListening) stop();
    await this.wakeUp.stop();
    await this.dispatcher.stop();
    await this.gateway.close();
    this.client.close();
  }
}
