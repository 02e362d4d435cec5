// The tables of live telephony (migration 0006-telephony): session state and row locks, accepted events keyed by
// their sequence (the dedup key), active-call entries and presence items, and writing finished records in the
// same transaction as the session state that produced them.

import { CompiledQuery, sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { CallLogRecord, RecordingMeta } from '../domain/index.ts';
import { prepareRecord } from './call-log-row.ts';
import { KyselyStore, recordingRow } from './kysely-store.ts';
import type { Dialect } from './migrations.ts';
import type { Database } from './schema.ts';
import type { NewEvent } from './event-log.ts';
import type { Store } from './store.ts';
import { rollupUpsert } from './report-rollup.ts';
import { recordsetInsert } from './pg-recordset.ts';
import { CALL_LOG_UPSERT } from './record-writers.ts';

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
  /** How many events of the session are stored (migration 0010); servers compare it with what they hold. */
  version: number;
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
  /** How many events of the session are stored (bumped by every writer, under the row's lock). */
  version: number;
  /** The row was created by this transaction: the session has no events stored before it, nor live views. */
  created: boolean;
}

/** A session's state after a change (written by updateSessions). */
export interface SessionUpdate {
  telephonySessionId: string;
  sessionId: string;
  firstTime: number;
  lastTime: number;
  partiesEnded: boolean;
  version: number;
  closed?: { at: number; reason: string };
}

export interface LiveCallRow {
  telephonySessionId: string;
  logId: string;
  startTime: number;
  endedAt: number | null;
  record: CallLogRecord;
}

export interface PresenceItemRow {
  telephonySessionId: string;
  extensionId: string;
  startTime: number;
  endedAt: number | null;
  item: string;
}

/** Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 30_000;

/**
 * `rows` cut into runs of at most MAX_PARAMETERS bound values (each row binding `width` of them). With `fixedSizes`
 * (SQLite) each run's length is a power of two, so a statement's text is one of a few that stay prepared: runs of
 * any length gave a new text almost every group, prepared afresh (and flushing the statement cache).
 */
function chunks<T>(rows: readonly T[], width: number, fixedSizes = false): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / width));
  const out: T[][] = [];
  for (let i = 0; i < rows.length;) {
    let n = Math.min(size, rows.length - i);
    if (fixedSizes) n = 2 ** Math.floor(Math.log2(n));
    out.push(rows.slice(i, i + n));
    i += n;
  }
  return out;
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

  private parts<T>(rows: readonly T[], width: number): T[][] {
    return chunks(rows, width, this.dialect === 'sqlite');
  }

  /** SQLite's multi-row insert texts, by table, columns, row count and tail. */
  private readonly valuesTexts = new Map<string, string>();

  /**
   * `INSERT INTO table (columns of rows[0]) … tail` (ON CONFLICT, RETURNING), its text compiled once, not built by
   * Kysely for every statement: one statement of a JSON recordset on PostgreSQL (pg-recordset.ts), a multi-row
   * VALUES list on SQLite (run lengths are powers of two: few texts). Returns the rows RETURNING gave.
   */
  private async insertRows<R = unknown>(
    trx: TelephonyTx,
    table: string,
    rows: readonly Record<string, unknown>[],
    tail = '',
  ): Promise<R[]> {
    if (!rows.length) return [];
    if (this.dialect === 'postgres') return (await trx.executeQuery(recordsetInsert<R>(table, rows, tail))).rows;
    const columns = Object.keys(rows[0]);
    const key = `${table}(${columns.join()})${rows.length}${tail}`;
    let text = this.valuesTexts.get(key);
    if (text === undefined) {
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${Array.from(rows, () => tuple).join(', ')} ${tail}`;
      this.valuesTexts.set(key, text);
    }
    const params: unknown[] = [];
    for (const row of rows) for (const c of columns) params.push(row[c] ?? null);
    return (await trx.executeQuery<R>(CompiledQuery.raw(text, params))).rows;
  }

  /** `ref IN ids`: on PostgreSQL `= any(array)`, one statement text for any number of ids. */
  private inList(ref: Expression<string>, ids: readonly string[]): Expression<SqlBool> {
    return this.dialect === 'postgres'
      ? sql<SqlBool>`${ref} = any(${ids}::text[])`
      : sql<SqlBool>`${ref} in (${sql.join([...ids])})`;
  }

  /** Runs `fn` in a transaction; once it has committed, what listens for new events is told (appendEvents). */
  async transaction<T>(fn: (trx: TelephonyTx) => Promise<T>): Promise<T> {
    const result = await this.db.transaction().execute(fn);
    this.store.eventLog.committed();
    return result;
  }

  /**
   * Creates the rows of the sessions that are new and locks all of them for the transaction, in key order
   * (PostgreSQL: FOR UPDATE, so two servers given events of one session take turns and never deadlock; SQLite has
   * one writer at a time already). Returns the rows by telephony session id.
   */
  async lockSessions(
    trx: TelephonyTx,
    accountId: string,
    inits: { telephonySessionId: string; sessionId: string; time: number }[],
    now: number,
  ): Promise<Map<string, SessionRow>> {
    const sorted = [...inits].sort((a, b) => (a.telephonySessionId < b.telephonySessionId ? -1 : 1));
    const created = new Set<string>();
    const newRows = sorted.map((init) => ({
      account_id: accountId,
      telephony_session_id: init.telephonySessionId,
      session_id: init.sessionId,
      state: 'open',
      first_time: init.time,
      last_time: init.time,
      received_at: now,
      parties_ended: 0,
      closed_at: null,
      close_reason: null,
      version: 0,
    }));
    for (const part of this.parts(newRows, 10)) {
      const inserted = await this.insertRows<{ telephony_session_id: string }>(
        trx,
        'telephony_sessions',
        part,
        'on conflict (account_id, telephony_session_id) do nothing returning telephony_session_id',
      );
      for (const r of inserted) created.add(r.telephony_session_id);
    }
    const out = new Map<string, SessionRow>();
    for (const part of this.parts(sorted, 1)) {
      const ids = part.map((i) => i.telephonySessionId);
      const query = trx
        .selectFrom('telephony_sessions')
        .select(['telephony_session_id', 'session_id', 'state', 'closed_at', 'close_reason', 'version'])
        .where('account_id', '=', accountId)
        .where((eb) => this.inList(eb.ref('telephony_session_id'), ids))
        .orderBy('telephony_session_id');
      for (const row of await (this.dialect === 'postgres' ? query.forUpdate() : query).execute()) {
        out.set(row.telephony_session_id, {
          sessionId: row.session_id,
          state: row.state === 'closed' ? 'closed' : 'open',
          closedAt: num(row.closed_at),
          closeReason: row.close_reason,
          version: Number(row.version),
          created: created.has(row.telephony_session_id),
        });
      }
    }
    return out;
  }

  /** Stores the events not seen before (by session and sequence); returns the keys stored (`sessionKey`). */
  async insertEvents(
    trx: TelephonyTx,
    accountId: string,
    events: { telephonySessionId: string; sequence: number; body: string }[],
    now: number,
  ): Promise<Set<string>> {
    const stored = new Set<string>();
    const rows = events.map((e) => ({
      account_id: accountId,
      telephony_session_id: e.telephonySessionId,
      sequence: e.sequence,
      received_at: now,
      body: e.body,
    }));
    for (const part of this.parts(rows, 5)) {
      const inserted = await this.insertRows<{ telephony_session_id: string; sequence: number }>(
        trx,
        'telephony_events',
        part,
        'on conflict (account_id, telephony_session_id, sequence) do nothing returning telephony_session_id, sequence',
      );
      for (const r of inserted) stored.add(eventKey(r.telephony_session_id, Number(r.sequence)));
    }
    return stored;
  }

  /** The stored event bodies (JSON) of the sessions, each in sequence order, by telephony session id. */
  async loadEvents(db: Executor, accountId: string, telephonySessionIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const part of this.parts(telephonySessionIds, 1)) {
      const rows = await db
        .selectFrom('telephony_events')
        .select(['telephony_session_id', 'body'])
        .where('account_id', '=', accountId)
        .where((eb) => this.inList(eb.ref('telephony_session_id'), part))
        .orderBy('telephony_session_id')
        .orderBy('sequence')
        .execute();
      for (const r of rows) {
        let list = out.get(r.telephony_session_id);
        if (!list) out.set(r.telephony_session_id, (list = []));
        list.push(r.body);
      }
    }
    return out;
  }

  /** Writes the sessions' new state (their rows exist and are locked by this transaction). */
  async updateSessions(trx: TelephonyTx, accountId: string, updates: SessionUpdate[], now: number): Promise<void> {
    const rows = updates.map((s) => ({
      account_id: accountId,
      telephony_session_id: s.telephonySessionId,
      session_id: s.sessionId,
      state: s.closed ? 'closed' : 'open',
      first_time: s.firstTime,
      last_time: s.lastTime,
      received_at: now,
      parties_ended: s.partiesEnded ? 1 : 0,
      closed_at: s.closed?.at ?? null,
      close_reason: s.closed?.reason ?? null,
      version: s.version,
    }));
    const set = [
      'state',
      'first_time',
      'last_time',
      'received_at',
      'parties_ended',
      'closed_at',
      'close_reason',
      'version',
    ];
    const tail = `on conflict (account_id, telephony_session_id) do update set ${set.map((c) => `${c} = excluded.${c}`).join(', ')}`;
    for (const part of this.parts(rows, 11)) await this.insertRows(trx, 'telephony_sessions', part, tail);
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

  /** Deletes the active-call entries of the sessions `telephonySessionIds` and stores `rows` (theirs and new ones). */
  async replaceLiveCalls(
    trx: TelephonyTx,
    accountId: string,
    telephonySessionIds: string[],
    rows: LiveCallRow[],
  ): Promise<void> {
    for (const part of this.parts(telephonySessionIds, 1)) {
      await trx
        .deleteFrom('telephony_live_calls')
        .where('account_id', '=', accountId)
        .where((eb) => this.inList(eb.ref('telephony_session_id'), part))
        .execute();
    }
    const values = rows.map((r) => ({
      account_id: accountId,
      log_id: r.logId,
      telephony_session_id: r.telephonySessionId,
      start_time: r.startTime,
      ended_at: r.endedAt,
      record: JSON.stringify(r.record),
    }));
    for (const part of this.parts(values, 6)) await this.insertRows(trx, 'telephony_live_calls', part);
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

  /** The sessions' presence items (JSON) by telephony session id, then by extension id. */
  async presenceItems(
    trx: TelephonyTx,
    accountId: string,
    telephonySessionIds: string[],
  ): Promise<Map<string, Map<string, string>>> {
    const out = new Map<string, Map<string, string>>();
    for (const part of this.parts(telephonySessionIds, 1)) {
      const rows = await trx
        .selectFrom('telephony_presence_items')
        .select(['telephony_session_id', 'extension_id', 'item'])
        .where('account_id', '=', accountId)
        .where((eb) => this.inList(eb.ref('telephony_session_id'), part))
        .execute();
      for (const r of rows) {
        let items = out.get(r.telephony_session_id);
        if (!items) out.set(r.telephony_session_id, (items = new Map<string, string>()));
        items.set(r.extension_id, r.item);
      }
    }
    return out;
  }

  /** Deletes the presence items of the sessions `telephonySessionIds` and stores `rows` (theirs and new ones). */
  async replacePresence(
    trx: TelephonyTx,
    accountId: string,
    telephonySessionIds: string[],
    rows: PresenceItemRow[],
  ): Promise<void> {
    for (const part of this.parts(telephonySessionIds, 1)) {
      await trx
        .deleteFrom('telephony_presence_items')
        .where('account_id', '=', accountId)
        .where((eb) => this.inList(eb.ref('telephony_session_id'), part))
        .execute();
    }
    const items = rows.map((i) => ({
      account_id: accountId,
      extension_id: i.extensionId,
      telephony_session_id: i.telephonySessionId,
      start_time: i.startTime,
      ended_at: i.endedAt,
      item: i.item,
    }));
    for (const part of this.parts(items, 6)) await this.insertRows(trx, 'telephony_presence_items', part);
  }

  /**
   * Bumps each extension's presence sequence by its count in `bumps` (the sessions whose item of that extension
   * changed), in extension order (PostgreSQL locks the rows).
   */
  async bumpPresence(trx: TelephonyTx, accountId: string, bumps: Map<string, number>): Promise<void> {
    const sequences = [...bumps]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([extensionId, n]) => ({ account_id: accountId, extension_id: extensionId, sequence: n }));
    const tail =
      'on conflict (account_id, extension_id) do update set sequence = telephony_presence.sequence + excluded.sequence';
    for (const part of this.parts(sequences, 3)) await this.insertRows(trx, 'telephony_presence', part, tail);
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
    const rows = records.map((record) => ({ ...prepareRecord(record), changed_at: now }));
    // PostgreSQL's trigger keeps the report rollup; on SQLite the writer does (report-rollup.ts).
    if (this.dialect === 'sqlite') await rollupUpsert(trx as unknown as Kysely<Database>, rows);
    const width = rows.length ? Object.keys(rows[0]).length : 1;
    for (const part of this.parts(rows, width)) await this.insertRows(trx, 'call_log', part, CALL_LOG_UPSERT);
    for (const part of this.parts(recordings, 7)) {
      await trx
        .insertInto('recordings')
        .values(part.map(recordingRow))
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
  }

  async appendEvents(trx: TelephonyTx, events: NewEvent[]): Promise<number[]> {
    const ids: number[] = [];
    for (const part of this.parts(events, 6))
      ids.push(...(await this.store.eventLog.append(part, trx as unknown as Transaction<Database>)));
    return ids;
  }

  /**
   * Forgets old live state: active-call entries and presence items ended before `endedBefore`, and the events of
   * sessions closed in [closedSince, closedBefore) (their rows stay, so a late copy of an event is still known as
   * late).
   */
  async prune(endedBefore: number, closedSince: number, closedBefore: number): Promise<void> {
    await this.db.deleteFrom('telephony_live_calls').where('ended_at', '<', endedBefore).execute();
    await this.db.deleteFrom('telephony_presence_items').where('ended_at', '<', endedBefore).execute();
    const closed = await this.db
      .selectFrom('telephony_sessions')
      .select(['account_id', 'telephony_session_id'])
      .where('state', '=', 'closed')
      .where('closed_at', '>=', closedSince)
      .where('closed_at', '<', closedBefore)
      .orderBy('account_id')
      .execute();
    const byAccount = new Map<string, string[]>();
    for (const r of closed) {
      let list = byAccount.get(r.account_id);
      if (!list) byAccount.set(r.account_id, (list = []));
      list.push(r.telephony_session_id);
    }
    for (const [accountId, ids] of byAccount) {
      for (const part of this.parts(ids, 1)) {
        await this.db
          .deleteFrom('telephony_events')
          .where('account_id', '=', accountId)
          .where('telephony_session_id', 'in', part)
          .execute();
      }
    }
  }
}

/** The key of a session's event: its telephony session id and sequence. */
export const eventKey = (telephonySessionId: string, sequence: number): string => `${telephonySessionId} ${sequence}`;
