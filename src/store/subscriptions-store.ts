// Tables of the notification work: subscriptions, WebSocket tokens and gateway sessions, and the WebHook delivery
// cursors. A server delivers a WebHook subscription under a lease of its cursor row (taken with FOR UPDATE SKIP
// LOCKED on PostgreSQL), so several servers sharing one database never deliver one subscription at once, and one a
// killed server held is taken up again when its lease ends.

import { DAY_MS } from '../domain/index.ts';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { EventLog, LoggedEvent } from './event-log.ts';
import type { Dialect } from './migrations.ts';
import type { Database, SubscriptionsTable, WebhookCursorsTable, WsSessionsTable, WsTokensTable } from './schema.ts';

export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type WsTokenRow = Selectable<WsTokensTable>;
export type WsSessionRow = Selectable<WsSessionsTable>;
/** A WebHook subscription with its delivery cursor (where it is, who holds it, its retry state). */
export type WebhookCursor = SubscriptionRow &
  Pick<WebhookCursorsTable, 'owner' | 'lease_until' | 'attempts' | 'next_attempt_at'> & { cursor: number };
export type CursorUpdate = Omit<Updateable<WebhookCursorsTable>, 'subscription_id'>;

export class SubscriptionsStore {
  private readonly changeListeners = new Set<() => void>();

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    /** The store's event log (its commits wake delivery in this process). */
    readonly events: EventLog,
  ) {}

  /**
   * Calls `listener` when this process has created, changed or removed a subscription (other servers hear of
   * WebHook ones through NOTIFY on PostgreSQL). Returns the function that removes it.
   */
  onChanged(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  // ---- subscriptions ----

  /** Stores a subscription; a WebHook one gets its delivery cursor at the log's end (it delivers what comes next). */
  async insert(row: SubscriptionRow): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('subscriptions').values(row).execute();
      if (row.transport === 'WebHook') {
        const eventId = await this.events.lastId(trx);
        await trx
          .insertInto('webhook_cursors')
          .values({
            subscription_id: row.id,
            event_id: eventId,
            owner: null,
            lease_until: 0,
            attempts: 0,
            next_attempt_at: 0,
            last_error: null,
          })
          .execute();
      }
    });
    this.changed();
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
    this.changed();
  }

  /** Removes a subscription and its delivery cursor. */
  async delete(id: string): Promise<boolean> {
    const deleted = await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhook_cursors').where('subscription_id', '=', id).execute();
      const result = await trx.deleteFrom('subscriptions').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
    this.changed();
    return deleted;
  }

  async bySession(sessionId: string): Promise<SubscriptionRow[]> {
    return this.db.selectFrom('subscriptions').selectAll().where('ws_session_id', '=', sessionId).execute();
  }

  /** Marks a subscription Blacklisted: nothing more is delivered (its cursor goes). */
  async blacklist(id: string, reason: string, at: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('subscriptions')
        .set({ status: 'Blacklisted', blacklisted_at: at, blacklist_reason: reason })
        .where('id', '=', id)
        .execute();
      await trx.deleteFrom('webhook_cursors').where('subscription_id', '=', id).execute();
    });
    this.changed();
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

  /**
   * Gives up the gateway sessions that can no longer be recovered, with their WebSocket subscriptions: those closed
   * before `before`, and those still open whose server stopped taking events: the first event after their position
   * was appended before `before` (a live gateway saves its sessions' positions every second, so only a session whose
   * server was killed stays behind that long). Returns how many.
   */
  async giveUpWsSessions(before: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const gone = await trx
        .deleteFrom('ws_sessions')
        .where((eb) =>
          eb.or([
            eb('closed_at', '<', before),
            eb.and([
              eb('closed_at', 'is', null),
              eb(
                eb
                  .selectFrom('event_log')
                  .select('event_log.created_at')
                  .whereRef('event_log.id', '>', 'ws_sessions.last_event_id')
                  .orderBy('event_log.id')
                  .limit(1),
                '<',
                before,
              ),
            ]),
          ]),
        )
        .returning('id')
        .execute();
      const ids = gone.map((r) => r.id);
      if (ids.length) await trx.deleteFrom('subscriptions').where('ws_session_id', 'in', ids).execute();
      return ids.length;
    });
  }

  // ---- WebHook delivery cursors ----

  /**
   * Active, unexpired WebHook subscriptions with their delivery cursors: what the dispatcher delivers, which of
   * them another server holds, and when a retry is due.
   */
  async webhookCursors(now: number): Promise<WebhookCursor[]> {
    return this.db
      .selectFrom('subscriptions')
      .innerJoin('webhook_cursors', 'webhook_cursors.subscription_id', 'subscriptions.id')
      .selectAll('subscriptions')
      .select([
        'webhook_cursors.event_id as cursor',
        'webhook_cursors.owner',
        'webhook_cursors.lease_until',
        'webhook_cursors.attempts',
        'webhook_cursors.next_attempt_at',
      ])
      .where('subscriptions.transport', '=', 'WebHook')
      .where('subscriptions.status', '=', 'Active')
      .where('subscriptions.expires_at', '>', now)
      .execute();
  }

  /**
   * Leases for `owner` until `now + ms` those of the subscriptions `ids` that no server holds (or whose lease has
   * ended) and whose retry is due; returns them with their cursors. On PostgreSQL the rows are taken with SKIP
   * LOCKED, so two servers leasing at once never both get one subscription.
   */
  async lease(
    ids: string[],
    owner: string,
    now: number,
    ms: number,
  ): Promise<{ subscription_id: string; event_id: number; attempts: number }[]> {
    if (!ids.length) return [];
    let free = this.db
      .selectFrom('webhook_cursors')
      .select('subscription_id')
      .where('subscription_id', 'in', ids)
      .where((eb) => eb.or([eb('owner', 'is', null), eb('lease_until', '<=', now)]))
      .where('next_attempt_at', '<=', now);
    if (this.dialect === 'postgres') free = free.forUpdate().skipLocked();
    const rows = await this.db
      .updateTable('webhook_cursors')
      .set({ owner, lease_until: now + ms })
      .where('subscription_id', 'in', free)
      .returning(['subscription_id', 'event_id', 'attempts'])
      .execute();
    return rows.map((r) => ({ ...r, event_id: Number(r.event_id) }));
  }

  /** Extends `owner`'s leases of `ids` to `until`; returns the ids it still held. */
  async renewLeases(ids: string[], owner: string, until: number): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await this.db
      .updateTable('webhook_cursors')
      .set({ lease_until: until })
      .where('subscription_id', 'in', ids)
      .where('owner', '=', owner)
      .returning('subscription_id')
      .execute();
    return rows.map((r) => r.subscription_id);
  }

  /**
   * Writes the cursors (and retry state, or a release) of subscriptions `owner` holds, in one transaction; returns
   * the ids it no longer held (another server took them over, or they are gone), whose rows were left as they were.
   */
  async saveCursors(owner: string, updates: { id: string; set: CursorUpdate }[]): Promise<string[]> {
    if (!updates.length) return [];
    return this.db.transaction().execute(async (trx) => {
      const lost: string[] = [];
      for (const { id, set } of updates) {
        const result = await trx
          .updateTable('webhook_cursors')
          .set(set)
          .where('subscription_id', '=', id)
          .where('owner', '=', owner)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) lost.push(id);
      }
      return lost;
    });
  }

  /** Removes the WebHook subscriptions expired by `now` (not renewed in time) with their cursors; returns how many. */
  async deleteExpiredWebhooks(now: number): Promise<number> {
    const ids = await this.db.transaction().execute(async (trx) => {
      const gone = await trx
        .deleteFrom('subscriptions')
        .where('transport', '=', 'WebHook')
        .where('expires_at', '<=', now)
        .returning('id')
        .execute();
      const ids = gone.map((r) => r.id);
      if (ids.length) await trx.deleteFrom('webhook_cursors').where('subscription_id', 'in', ids).execute();
      return ids;
    });
    if (ids.length) this.changed();
    return ids.length;
  }

  /**
   * The lowest event id someone may still be owed, null when nobody is: the event after the lowest cursor of an
   * Active, unexpired WebHook subscription, and after the position of a gateway session open or closed since
   * `recoverableSince` (giveUpWsSessions forgets the rest). Events below it may be pruned.
   */
  async lowestOwed(now: number, recoverableSince: number): Promise<number | null> {
    const webhooks = await this.db
      .selectFrom('webhook_cursors')
      .innerJoin('subscriptions', 'subscriptions.id', 'webhook_cursors.subscription_id')
      .select((eb) => eb.fn.min('webhook_cursors.event_id').as('id'))
      .where('subscriptions.transport', '=', 'WebHook')
      .where('subscriptions.status', '=', 'Active')
      .where('subscriptions.expires_at', '>', now)
      .executeTakeFirst();
    const sessions = await this.db
      .selectFrom('ws_sessions')
      .select((eb) => eb.fn.min('last_event_id').as('id'))
      .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', recoverableSince)]))
      .executeTakeFirst();
    const positions = [webhooks?.id, sessions?.id].filter((id) => id !== null && id !== undefined).map(Number);
    return positions.length ? Math.min(...positions) + 1 : null;
  }

  /** The newest event id (where a fresh reader starts). */
  async lastEventId(): Promise<number> {
    return this.events.lastId();
  }

  async eventsAfter(afterId: number, limit: number): Promise<LoggedEvent[]> {
    return this.events.readAfter(afterId, limit);
  }
}
