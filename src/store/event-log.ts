// The durable event log (table event_log): appended in the same transaction as the state an event changes, read
// in id order by whatever replays or delivers events (the assembler, WebHook and WebSocket delivery, other servers).

import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Dialect } from './migrations.ts';
import type { Database, EventLogTable } from './schema.ts';
import { recordsetInsert } from './pg-recordset.ts';

/** What an event is about: a telephony session's party states, or a finished call-log record. */
export type EventTopic = 'telephony-session' | 'call-log-record';

export interface NewEvent {
  accountId: string;
  topic: EventTopic;
  /** The telephony session the event belongs to, if any. */
  sessionId: string | null;
  /** The extensions the event concerns (its parties' owners, the record's log). */
  extensionIds: string[];
  createdAt: number;
  /** The event's JSON. */
  body: string;
}

export interface LoggedEvent extends NewEvent {
  /** Increases in the order events became visible to readers. */
  id: number;
}

export interface EventFilter {
  accountId?: string;
  topic?: EventTopic;
}

type Executor = Kysely<Database> | Transaction<Database>;

/** Any number that PostgreSQL advisory locks take; this one serialises appends to the event log. */
const APPEND_LOCK = 0x72696e67;

function toEvent(row: Selectable<EventLogTable>): LoggedEvent {
  return {
    id: Number(row.id),
    accountId: row.account_id,
    topic: row.topic as EventTopic,
    sessionId: row.session_id,
    extensionIds: JSON.parse(row.extension_ids) as string[],
    createdAt: Number(row.created_at),
    body: row.body,
  };
}

export class EventLog {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Calls `listener` whenever events appended in this process have committed: the in-process wake-up of delivery
   * (other servers hear of them through NOTIFY on PostgreSQL). Returns the function that removes it.
   */
  onCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Says that a transaction that appended events has committed (append does so itself when it has no `trx`). */
  committed(): void {
    for (const listener of this.listeners) listener();
  }

  /**
   * Appends events and returns their ids. Give the transaction that changes the state the events describe, so
   * both commit or neither does. On PostgreSQL appends are serialised by a transaction-scoped lock, so ids become
   * visible in increasing order and a reader paging by id never skips a row that committed late (SQLite has one
   * writer at a time already). Whoever gives a transaction calls committed() after it has committed.
   */
  async append(events: NewEvent[], trx?: Transaction<Database>): Promise<number[]> {
    if (events.length === 0) return [];
    if (!trx) {
      const ids = await this.db.transaction().execute((t) => this.append(events, t));
      this.committed();
      return ids;
    }
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${APPEND_LOCK})`.execute(trx);
    const values = events.map((e) => ({
      account_id: e.accountId,
      topic: e.topic,
      session_id: e.sessionId,
      extension_ids: JSON.stringify(e.extensionIds),
      created_at: e.createdAt,
      body: e.body,
    }));
    const rows =
      this.dialect === 'postgres'
        ? (await trx.executeQuery(recordsetInsert<{ id: number }>('event_log', values, 'returning id'))).rows
        : await trx.insertInto('event_log').values(values).returning('id').execute();
    return rows.map((r) => Number(r.id));
  }

  /** Up to `limit` events with ids above `afterId`, in id order. */
  async readAfter(
    afterId: number,
    limit: number,
    filter: EventFilter = {},
    db: Executor = this.db,
  ): Promise<LoggedEvent[]> {
    let query = db.selectFrom('event_log').selectAll().where('id', '>', afterId);
    if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
    if (filter.topic !== undefined) query = query.where('topic', '=', filter.topic);
    const rows = await query.orderBy('id').limit(limit).execute();
    return rows.map(toEvent);
  }

  /** The newest event's id, 0 when the log is empty. */
  async lastId(db: Executor = this.db): Promise<number> {
    const row = await db
      .selectFrom('event_log')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  /**
   * Removes up to `limit` of the oldest events with ids below `upTo` created before `before`; returns how many. One
   * bounded statement, so a big backlog is pruned in short transactions (call again while it returns `limit`). On
   * PostgreSQL rows another server is pruning at the same time are skipped (SKIP LOCKED), not waited for.
   */
  async prune(before: number, upTo: number, limit: number): Promise<number> {
    let ids = this.db
      .selectFrom('event_log')
      .select('id')
      .where('id', '<', upTo)
      .where('created_at', '<', before)
      .orderBy('id')
      .limit(limit);
    if (this.dialect === 'postgres') ids = ids.forUpdate().skipLocked();
    const result = await this.db.deleteFrom('event_log').where('id', 'in', ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
