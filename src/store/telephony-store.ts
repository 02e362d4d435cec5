// The tables of live telephony (migration 0006-telephony): session state and row locks, accepted events keyed by
// their sequence (the dedup key), active-call entries and presence items, and writing finished records in the
// same transaction as the session state that produced them.

import { sql, type Kysely, type Transaction } from 'kysely';
import type { CallLogRecord, RecordingMeta } from '../domain/index.ts';
import { prepareRecord } from './call-log-row.ts';
import { KyselyStore } from './kysely-store.ts';
import type { Dialect } from './migrations.ts';
import type { Database } from './schema.ts';
import type { NewEvent } from './event-log.ts';
import type { Store } from './store.ts';

export interface TelephonySessionsTable {
  account_id: string;
  telephony_session_id: string;
  session_id: string;
  /** 'open' while events may still change it, 'closed' once its records are written. */
  state: string;
  first_time: number;
  last_time: number;
  /** When this server last accepted an event of the session (the sweep's clock). */
  received_at: number;
  /** 1 when every known party has ended (a short grace closes it if events are missing). */
  parties_ended: number;
  closed_at: number | null;
  /** 'ended' (the call's last event came), 'timeout' (its events stopped). */
  close_reason: string | null;
}

export interface TelephonyEventsTable {
  account_id: string;
  telephony_session_id: string;
  sequence: number;
  received_at: number;
  body: string;
}

export interface TelephonyLiveCallsTable {
  account_id: string;
  /** The extension's id, '' for the company's list. */
  log_id: string;
  telephony_session_id: string;
  start_time: number;
  ended_at: number | null;
  /** JSON of the domain CallLogRecord. */
  record: string;
}

export interface TelephonyPresenceItemsTable {
  account_id: string;
  extension_id: string;
  telephony_session_id: string;
  start_time: number;
  ended_at: number | null;
  /** JSON of the ActiveCallInfo. */
  item: string;
}

export interface TelephonyPresenceTable {
  account_id: string;
  extension_id: string;
  sequence: number;
}

export type TelephonyTables = {
  telephony_sessions: TelephonySessionsTable;
  telephony_events: TelephonyEventsTable;
  telephony_live_calls: TelephonyLiveCallsTable;
  telephony_presence_items: TelephonyPresenceItemsTable;
  telephony_presence: TelephonyPresenceTable;
};

export type TelephonyDb = Kysely<Database & TelephonyTables>;
export type TelephonyTx = Transaction<Database & TelephonyTables>;
type Executor = TelephonyDb | TelephonyTx;

export interface SessionRow {
  sessionId: string;
  state: 'open' | 'closed';
  closedAt: number | null;
  closeReason: string | null;
}

export interface LiveCallRow {
  logId: string;
  startTime: number;
  endedAt: number | null;
  record: CallLogRecord;
}

export interface PresenceItemRow {
  extensionId: string;
  startTime: number;
  endedAt: number | null;
  item: string;
}

const num = (v: number | string | bigint | null): number | null => (v === null ? null : Number(v));

/** Live telephony's store: the Kysely database of a store opened by openStore. */
export class TelephonyStore {
  readonly db: TelephonyDb;
  readonly dialect: Dialect;

  constructor(private readonly store: Store) {
    if (!(store instanceof KyselyStore)) throw new TypeError('live telephony needs a store opened by openStore');
    this.db = store.db.withTables<TelephonyTables>();
    this.dialect = store.dialect;
  }

  transaction<T>(fn: (trx: TelephonyTx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  /**
   * Creates the session's row if it is new and locks it for the transaction (PostgreSQL: FOR UPDATE, so two
   * servers given events of one session take turns; SQLite has one writer at a time already).
   */
  async lockSession(
    trx: TelephonyTx,
    accountId: string,
    telephonySessionId: string,
    init: { sessionId: string; time: number; now: number },
  ): Promise<SessionRow> {
    await trx
      .insertInto('telephony_sessions')
      .values({
        account_id: accountId,
        telephony_session_id: telephonySessionId,
        session_id: init.sessionId,
        state: 'open',
        first_time: init.time,
        last_time: init.time,
        received_at: init.now,
        parties_ended: 0,
        closed_at: null,
        close_reason: null,
      })
      .onConflict((oc) => oc.columns(['account_id', 'telephony_session_id']).doNothing())
      .execute();
    let query = trx
      .selectFrom('telephony_sessions')
      .select(['session_id', 'state', 'closed_at', 'close_reason'])
      .where('account_id', '=', accountId)
      .where('telephony_session_id', '=', telephonySessionId);
    if (this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirstOrThrow();
    return {
      sessionId: row.session_id,
      state: row.state === 'closed' ? 'closed' : 'open',
      closedAt: num(row.closed_at),
      closeReason: row.close_reason,
    };
  }

  /** Stores events not seen before (by sequence); returns the sequences stored. */
  async insertEvents(
    trx: TelephonyTx,
    accountId: string,
    telephonySessionId: string,
    events: { sequence: number; body: string }[],
    now: number,
  ): Promise<Set<number>> {
    if (!events.length) return new Set();
    const rows = await trx
      .insertInto('telephony_events')
      .values(
        events.map((e) => ({
          account_id: accountId,
          telephony_session_id: telephonySessionId,
          sequence: e.sequence,
          received_at: now,
          body: e.body,
        })),
      )
      .onConflict((oc) => oc.columns(['account_id', 'telephony_session_id', 'sequence']).doNothing())
      .returning('sequence')
      .execute();
    return new Set(rows.map((r) => Number(r.sequence)));
  }

  /** The session's stored event bodies (JSON), in sequence order. */
  async loadEvents(db: Executor, accountId: string, telephonySessionId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('telephony_events')
      .select('body')
      .where('account_id', '=', accountId)
      .where('telephony_session_id', '=', telephonySessionId)
      .orderBy('sequence')
      .execute();
    return rows.map((r) => r.body);
  }

  async updateSession(
    trx: TelephonyTx,
    accountId: string,
    telephonySessionId: string,
    s: {
      firstTime: number;
      lastTime: number;
      receivedAt?: number;
      partiesEnded: boolean;
      closed?: { at: number; reason: string };
    },
  ): Promise<void> {
    await trx
      .updateTable('telephony_sessions')
      .set({
        first_time: s.firstTime,
        last_time: s.lastTime,
        ...(s.receivedAt !== undefined ? { received_at: s.receivedAt } : {}),
        parties_ended: s.partiesEnded ? 1 : 0,
        ...(s.closed ? { state: 'closed', closed_at: s.closed.at, close_reason: s.closed.reason } : {}),
      })
      .where('account_id', '=', accountId)
      .where('telephony_session_id', '=', telephonySessionId)
      .execute();
  }

  /** Open sessions idle since before `idleBefore`, or whose parties all ended and idle since before `graceBefore`. */
  async dueSessions(
    idleBefore: number,
    graceBefore: number,
    limit: number,
  ): Promise<{ accountId: string; telephonySessionId: string }[]> {
    const rows = await this.db
      .selectFrom('telephony_sessions')
      .select(['account_id', 'telephony_session_id'])
      .where('state', '=', 'open')
      .where((eb) =>
        eb.or([
          eb('received_at', '<', idleBefore),
          eb.and([eb('parties_ended', '=', 1), eb('received_at', '<', graceBefore)]),
        ]),
      )
      .limit(limit)
      .execute();
    return rows.map((r) => ({ accountId: r.account_id, telephonySessionId: r.telephony_session_id }));
  }

  async replaceLiveCalls(
    trx: TelephonyTx,
    accountId: string,
    telephonySessionId: string,
    rows: LiveCallRow[],
  ): Promise<void> {
    await trx
      .deleteFrom('telephony_live_calls')
      .where('account_id', '=', accountId)
      .where('telephony_session_id', '=', telephonySessionId)
      .execute();
    if (!rows.length) return;
    await trx
      .insertInto('telephony_live_calls')
      .values(
        rows.map((r) => ({
          account_id: accountId,
          log_id: r.logId,
          telephony_session_id: telephonySessionId,
          start_time: r.startTime,
          ended_at: r.endedAt,
          record: JSON.stringify(r.record),
        })),
      )
      .execute();
  }

  /** Active-call entries of a log ('' = company) in progress or ended at or after `endedSince`, newest first. */
  async liveCalls(accountId: string, logId: string, endedSince: number): Promise<CallLogRecord[]> {
    const rows = await this.db
      .selectFrom('telephony_live_calls')
      .select('record')
      .where('account_id', '=', accountId)
      .where('log_id', '=', logId)
      .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>=', endedSince)]))
      .orderBy('start_time', 'desc')
      .orderBy('telephony_session_id', 'desc')
      .execute();
    return rows.map((r) => JSON.parse(r.record) as CallLogRecord);
  }

  /** Replaces the session's presence items; bumps the sequence of each extension whose item changed. */
  async replacePresence(
    trx: TelephonyTx,
    accountId: string,
    telephonySessionId: string,
    items: PresenceItemRow[],
  ): Promise<void> {
    const old = await trx
      .selectFrom('telephony_presence_items')
      .select(['extension_id', 'item'])
      .where('account_id', '=', accountId)
      .where('telephony_session_id', '=', telephonySessionId)
      .execute();
    const before = new Map(old.map((r) => [r.extension_id, r.item]));
    const changed = items.filter((i) => before.get(i.extensionId) !== i.item).map((i) => i.extensionId);
    if (!changed.length) return;
    await trx
      .deleteFrom('telephony_presence_items')
      .where('account_id', '=', accountId)
      .where('telephony_session_id', '=', telephonySessionId)
      .execute();
    await trx
      .insertInto('telephony_presence_items')
      .values(
        items.map((i) => ({
          account_id: accountId,
          extension_id: i.extensionId,
          telephony_session_id: telephonySessionId,
          start_time: i.startTime,
          ended_at: i.endedAt,
          item: i.item,
        })),
      )
      .execute();
    for (const extensionId of changed) {
      await trx
        .insertInto('telephony_presence')
        .values({ account_id: accountId, extension_id: extensionId, sequence: 1 })
        .onConflict((oc) =>
          oc.columns(['account_id', 'extension_id']).doUpdateSet({ sequence: sql`telephony_presence.sequence + 1` }),
        )
        .execute();
    }
  }

  /** An extension's presence items (JSON) not ended before `endedSince`, newest first, and its sequence. */
  async presence(
    accountId: string,
    extensionId: string,
    endedSince: number,
  ): Promise<{ items: string[]; sequence: number }> {
    const rows = await this.db
      .selectFrom('telephony_presence_items')
      .select('item')
      .where('account_id', '=', accountId)
      .where('extension_id', '=', extensionId)
      .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>=', endedSince)]))
      .orderBy('start_time', 'desc')
      .execute();
    const seq = await this.db
      .selectFrom('telephony_presence')
      .select('sequence')
      .where('account_id', '=', accountId)
      .where('extension_id', '=', extensionId)
      .executeTakeFirst();
    return { items: rows.map((r) => r.item), sequence: Number(seq?.sequence ?? 0) };
  }

  /** Writes finished records (upsert by id, lastModifiedTime only forward) and recordings inside `trx`. */
  async writeRecords(
    trx: TelephonyTx,
    records: CallLogRecord[],
    recordings: RecordingMeta[],
    now: number,
  ): Promise<void> {
    for (const record of records) {
      const row = { ...prepareRecord(record), changed_at: now };
      await trx
        .insertInto('call_log')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['account_id', 'id'])
            .doUpdateSet((eb) => {
              const { account_id: _a, id: _i, ...rest } = row;
              return Object.fromEntries(
                Object.keys(rest).map((k) => [k, eb.ref(`excluded.${k}` as 'excluded.result')]),
              );
            })
            .where(sql<boolean>`excluded.last_modified > call_log.last_modified`),
        )
        .execute();
    }
    for (const r of recordings) {
      await trx
        .insertInto('recordings')
        .values({
          id: r.id,
          account_id: r.accountId,
          type: r.type,
          content_type: r.contentType,
          duration: r.duration,
          blob_key: r.blobKey,
          created_at: r.createdAt,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
  }

  appendEvents(trx: TelephonyTx, events: NewEvent[]): Promise<number[]> {
    return this.store.eventLog.append(events, trx as unknown as Transaction<Database>);
  }

  /** The session's row, or null. */
  async sessionRow(accountId: string, telephonySessionId: string): Promise<SessionRow | null> {
    const row = await this.db
      .selectFrom('telephony_sessions')
      .select(['session_id', 'state', 'closed_at', 'close_reason'])
      .where('account_id', '=', accountId)
      .where('telephony_session_id', '=', telephonySessionId)
      .executeTakeFirst();
    if (!row) return null;
    return {
      sessionId: row.session_id,
      state: row.state === 'closed' ? 'closed' : 'open',
      closedAt: num(row.closed_at),
      closeReason: row.close_reason,
    };
  }

  /**
   * Forgets old live state: active-call entries and presence items ended before `endedBefore`, and the events of
   * sessions closed before `closedBefore` (their rows stay, so a late copy of an event is still known as late).
   */
  async prune(endedBefore: number, closedBefore: number): Promise<void> {
    await this.db.deleteFrom('telephony_live_calls').where('ended_at', '<', endedBefore).execute();
    await this.db.deleteFrom('telephony_presence_items').where('ended_at', '<', endedBefore).execute();
    const closed = this.db
      .selectFrom('telephony_sessions')
      .select('telephony_session_id')
      .where('state', '=', 'closed')
      .where('closed_at', '<', closedBefore);
    await this.db.deleteFrom('telephony_events').where('telephony_session_id', 'in', closed).execute();
  }
}
