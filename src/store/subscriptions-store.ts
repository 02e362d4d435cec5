// Tables of the notification work: subscriptions, WebSocket tokens and gateway sessions, and the WebHook outbox
// with its fan-out cursor. Claims use FOR UPDATE SKIP LOCKED on PostgreSQL, so several servers sharing one database
// never deliver one row at once; a claim is a lease, so a row a killed server held is claimed again when it ends.

import { DAY_MS } from '../domain/index.ts';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { EventLog, LoggedEvent } from './event-log.ts';
import type { Dialect } from './migrations.ts';
import type { Database, SubscriptionsTable, WebhookOutboxTable, WsSessionsTable, WsTokensTable } from './schema.ts';

/** Outbox rows a statement inserts (a row binds about 10 values). */
const OUTBOX_INSERT_ROWS = 1000;

export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type WsTokenRow = Selectable<WsTokensTable>;
export type WsSessionRow = Selectable<WsSessionsTable>;
export type OutboxRow = Selectable<WebhookOutboxTable>;
export interface NewOutboxRow {
  subscription_id: string;
  event_id: number;
  body: string;
}

const FANOUT_CURSOR = 'webhook-fanout';

export class SubscriptionsStore {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    /** The store's event log (its commits wake delivery in this process). */
    readonly events: EventLog,
  ) {}

  // ---- subscriptions ----

  async insert(row: SubscriptionRow): Promise<void> {
    await this.db.insertInto('subscriptions').values(row).execute();
  }

  async get(id: string): Promise<SubscriptionRow | undefined> {
    return this.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** An owner's subscriptions, oldest first. */
  async listOwned(accountId: string, extensionId: string, clientId: string): Promise<SubscriptionRow[]> {
    return this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('extension_id', '=', extensionId)
      .where('client_id', '=', clientId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async update(id: string, patch: Partial<SubscriptionRow>): Promise<void> {
    await this.db.updateTable('subscriptions').set(patch).where('id', '=', id).execute();
  }

  /** Removes a subscription and what its outbox still held. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhook_outbox').where('subscription_id', '=', id).execute();
      const result = await trx.deleteFrom('subscriptions').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async bySession(sessionId: string): Promise<SubscriptionRow[]> {
    return this.db.selectFrom('subscriptions').selectAll().where('ws_session_id', '=', sessionId).execute();
  }

  /** WebHook subscriptions that deliver at `now` (active, not expired). */
  async activeWebhooks(
    now: number,
    db: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<SubscriptionRow[]> {
    return db
      .selectFrom('subscriptions')
      .selectAll()
      .where('transport', '=', 'WebHook')
      .where('status', '=', 'Active')
      .where('expires_at', '>', now)
      .execute();
  }

  /** Marks a subscription Blacklisted and drops its undelivered notifications. */
  async blacklist(id: string, reason: string, at: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('subscriptions')
        .set({ status: 'Blacklisted', blacklisted_at: at, blacklist_reason: reason })
        .where('id', '=', id)
        .execute();
      await trx.deleteFrom('webhook_outbox').where('subscription_id', '=', id).execute();
    });
  }

  /** Deletes subscriptions expired before `before` (and their outbox rows); returns how many. */
  async deleteExpired(before: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const ids = trx.selectFrom('subscriptions').select('id').where('expires_at', '<', before);
      await trx.deleteFrom('webhook_outbox').where('subscription_id', 'in', ids).execute();
      const result = await trx.deleteFrom('subscriptions').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  // ---- WebSocket tokens and sessions ----

  async insertWsToken(row: WsTokenRow): Promise<void> {
    await this.db.insertInto('ws_tokens').values(row).execute();
    await this.db
      .deleteFrom('ws_tokens')
      .where('expires_at', '<', row.expires_at - DAY_MS)
      .execute();
  }

  async wsToken(hash: string): Promise<WsTokenRow | undefined> {
    return this.db.selectFrom('ws_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
  }

  async insertWsSession(row: WsSessionRow): Promise<void> {
    await this.db.insertInto('ws_sessions').values(row).execute();
  }

  async wsSession(id: string): Promise<WsSessionRow | undefined> {
    return this.db.selectFrom('ws_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async updateWsSession(id: string, patch: Partial<WsSessionRow>): Promise<void> {
    await this.db.updateTable('ws_sessions').set(patch).where('id', '=', id).execute();
  }

  /** Forgets gateway sessions closed before `before` and their WebSocket subscriptions. */
  async deleteClosedWsSessions(before: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const ids = trx.selectFrom('ws_sessions').select('id').where('closed_at', '<', before);
      await trx.deleteFrom('subscriptions').where('ws_session_id', 'in', ids).execute();
      await trx.deleteFrom('ws_sessions').where('closed_at', '<', before).execute();
    });
  }

  // ---- the WebHook outbox ----

  /**
   * Moves up to `limit` events past the fan-out cursor into the outbox: `route` says which notifications each event
   * makes; the rows and the cursor's advance commit together, so an event is fanned out exactly once whatever
   * crashes. On PostgreSQL the cursor row is locked with SKIP LOCKED: while one server fans out, the others skip.
   * The first `lease.rows` rows are inserted already claimed by the caller for `lease.ms` (as claim() would, so it
   * can POST them as soon as this commits) and returned as `leased`; the rest are due now.
   * Returns how many events were read (0 when none, or another server holds the cursor) and the cursor after.
   */
  async fanOut(
    limit: number,
    route: (events: LoggedEvent[], trx: Transaction<Database>) => Promise<NewOutboxRow[]>,
    now: number,
    lease: { ms: number; rows: number },
  ): Promise<{ read: number; cursor: number; leased: OutboxRow[] }> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('notify_cursors')
        .values({ name: FANOUT_CURSOR, event_id: 0 })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      let cursor = trx.selectFrom('notify_cursors').select('event_id').where('name', '=', FANOUT_CURSOR);
      if (this.dialect === 'postgres') cursor = cursor.forUpdate().skipLocked();
      const row = await cursor.executeTakeFirst();
      if (!row) return { read: 0, cursor: 0, leased: [] };
      const events = await this.events.readAfter(Number(row.event_id), limit, {}, trx);
      if (!events.length) return { read: 0, cursor: Number(row.event_id), leased: [] };
      const rows = await route(events, trx);
      const leasedCount = Math.min(rows.length, Math.max(0, lease.rows));
      const leased: OutboxRow[] = [];
      // In slices: SQLite takes at most 32,766 bound values a statement (a batch of events × 10 subscriptions
      // went over it: "too many SQL variables").
      for (let i = 0; i < rows.length;) {
        const claimed = i < leasedCount;
        const end = Math.min(i + OUTBOX_INSERT_ROWS, claimed ? leasedCount : rows.length);
        const values = rows.slice(i, end).map((r) => ({
          ...r,
          created_at: now,
          attempts: claimed ? 1 : 0,
          next_attempt_at: claimed ? now + lease.ms : now,
          last_error: null,
        }));
        const insert = trx.insertInto('webhook_outbox').values(values);
        if (claimed) leased.push(...(await insert.returningAll().execute()));
        else await insert.execute();
        i = end;
      }
      await trx
        .updateTable('notify_cursors')
        .set({ event_id: events[events.length - 1].id })
        .where('name', '=', FANOUT_CURSOR)
        .execute();
      return { read: events.length, cursor: events[events.length - 1].id, leased };
    });
  }

  /** Starts the fan-out at the log's end (a new database need not deliver history). */
  async initFanOutCursor(): Promise<void> {
    const last = await this.events.lastId();
    await this.db
      .insertInto('notify_cursors')
      .values({ name: FANOUT_CURSOR, event_id: last })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }

  /**
   * Claims up to `limit` due outbox rows for `leaseMs`: they are not due again until the lease ends, so if this
   * server dies before completing them another one delivers them.
   */
  async claim(now: number, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    return this.db.transaction().execute(async (trx) => {
      let due = trx
        .selectFrom('webhook_outbox')
        .select('id')
        .where('next_attempt_at', '<=', now)
        .orderBy('id')
        .limit(limit);
      if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
      const ids = (await due.execute()).map((r) => r.id);
      if (!ids.length) return [];
      return trx
        .updateTable('webhook_outbox')
        .set((eb) => ({ next_attempt_at: now + leaseMs, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', ids)
        .returningAll()
        .execute();
    });
  }

  /** Deletes delivered rows. */
  async complete(ids: number[]): Promise<void> {
    if (ids.length) await this.db.deleteFrom('webhook_outbox').where('id', 'in', ids).execute();
  }

  async retryLater(id: number, at: number, error: string): Promise<void> {
    await this.db
      .updateTable('webhook_outbox')
      .set({ next_attempt_at: at, last_error: error })
      .where('id', '=', id)
      .execute();
  }

  /** The earliest time an outbox row is due, or null when the outbox is empty. */
  async nextDue(): Promise<number | null> {
    const row = await this.db
      .selectFrom('webhook_outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .executeTakeFirst();
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }

  async pending(): Promise<number> {
    const row = await this.db
      .selectFrom('webhook_outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The newest event id (where a fresh reader starts). */
  async lastEventId(): Promise<number> {
    return this.events.lastId();
  }

  async eventsAfter(afterId: number, limit: number): Promise<LoggedEvent[]> {
    return this.events.readAfter(afterId, limit);
  }

  /** A raw statement (LISTEN helpers use the pg client directly; this is for NOTIFY). */
  async notify(channel: string): Promise<void> {
    if (this.dialect === 'postgres') await sql`select pg_notify(${channel}, '')`.execute(this.db);
  }
}
