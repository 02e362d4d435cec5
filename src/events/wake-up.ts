// Wakes the delivery loops when another process has something to deliver: PostgreSQL NOTIFY (raised by triggers on
// event_log, so events ingested by any server wake every server, and on WebHook subscriptions and released delivery
// cursors, so a server takes up a subscription another one created or let go), and a poll of the event log as the
// fallback (the only signal on SQLite, where another process may append to the file). What this process appends or
// changes wakes them at once (EventLog.onCommitted, SubscriptionsStore.onChanged).

import pg from 'pg';

export type Channel = 'events' | 'subscriptions';

export interface WakeUpOptions {
  /** postgres:// URL to LISTEN on; none on SQLite. */
  postgresUrl?: string;
  /** Poll period without notifications: short on SQLite, a safety net on PostgreSQL. */
  pollMs: number;
}

export class WakeUp {
  private readonly listeners = new Set<(channel: Channel) => void>();
  private client?: pg.Client;
  private timer?: NodeJS.Timeout;
  private reconnect?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: WakeUpOptions) {}

  on(listener: (channel: Channel) => void): void {
    this.listeners.add(listener);
  }

  private emit(channel: Channel): void {
    for (const listener of this.listeners) listener(channel);
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => this.emit('events'), this.options.pollMs);
    this.timer.unref();
    if (this.options.postgresUrl) await this.listen();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.postgresUrl });
    client.on('notification', (message) =>
      this.emit(message.channel === 'ringlog_subscriptions' ? 'subscriptions' : 'events'),
    );
    client.on('error', () => this.retry(client));
    client.on('end', () => this.retry(client));
    try {
      await client.connect();
      await client.query('LISTEN ringlog_events');
      await client.query('LISTEN ringlog_subscriptions');
      this.client = client;
      // Whatever was notified while this listener was away is found now.
      this.emit('events');
      this.emit('subscriptions');
    } catch {
      this.retry(client);
    }
  }

  private retry(client: pg.Client): void {
    if (this.stopped || this.reconnect) return;
    if (this.client === client) this.client = undefined;
    client.end().catch(() => {});
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      void this.listen();
    }, 1000);
    this.reconnect.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.reconnect);
    await this.client?.end().catch(() => {});
  }
}
