// The Store written once over Kysely; the SQLite and PostgreSQL stores differ only in how they connect.

import {
  CompiledQuery,
  sql,
  type Compilable,
  type Insertable,
  type Kysely,
  type Selectable,
  type SqlBool,
} from 'kysely';
import {
  countRequest,
  markDeletedJson,
  withoutRecordingJson,
  type RateDecision,
  type RateRule,
  type Account,
  type App,
  type CallLogQuery,
  type CallLogRecord,
  type Extension,
  type GrantType,
  type RecordingMeta,
  type View,
} from '../domain/index.ts';
import type { Dialect } from './migrations.ts';
import { EventLog } from './event-log.ts';
import { hashClientSecret } from './client-secret.ts';
import { lockedCounter, SecurityStore } from './security-store.ts';
import { ReportStore, type CopyOut } from './report-store.ts';
import { ROLLUP_SOURCE_COLUMNS, RollupDeltas } from './report-rollup.ts';
import { OperatorQueries } from './operator-queries.ts';
import { prepareRecord, type PreparedRecord } from './call-log-row.ts';
import { listParameters, listShape, sameValues } from './list-query-shape.ts';
import { phoneSuffix, unindexed } from './phone-search.ts';
import type { RecordWriter } from './record-writers.ts';
import { jsonRecordPage } from './json-page.ts';
import type { SqliteReaders } from './sqlite-readers.ts';
import { syncStateTable } from './sync-state-store.ts';
import type { AccountsTable, Database, ExtensionsTable, RecordingsTable, TokensTable } from './schema.ts';
import type {
  ChangeQuery,
  ExportFilter,
  JsonPageFrame,
  JsonRecordPage,
  JwtCredential,
  LogKey,
  ListedRecord,
  RecordPage,
  Store,
  StoredToken,
  SyncStateStore,
} from './store.ts';

const UPSERT_BATCH = 500;
/** At most this many list-query shapes kept compiled (a shape is a set of filters, a handful in practice). */
const LIST_TEXTS = 200;

type ListRow = { start_time: number; id: string; json: string };

/** The log key of a record: its extension id, or '' for the company log. */
const logKey = (extensionId: string | null) => extensionId ?? '';

function toExtension(row: Omit<Selectable<ExtensionsTable>, 'password_hash'>): Extension {
  return {
    id: row.id,
    accountId: row.account_id,
    extensionNumber: row.extension_number,
    name: row.name,
    type: row.type,
    status: row.status as Extension['status'],
    role: row.role as Extension['role'],
    phoneNumbers: JSON.parse(row.phone_numbers) as string[],
  };
}

/**
 * A query of one parameter, built and compiled once; each call gives it with another value. For the lookups every
 * API request makes, which would otherwise run Kysely's builder and compiler each time.
 */
function compiledOnce<R>(query: Compilable<R>): (value: unknown) => CompiledQuery<R> {
  const compiled = query.compile();
  if (compiled.parameters.length !== 1)
    throw new Error(`compiledOnce: ${compiled.parameters.length} parameters in ${compiled.sql}`);
  return (value) => ({ ...compiled, parameters: [value] });
}

/** The lookup every API request starts with: the token and its owner in one query (not two), compiled once. */
const compileTokenWithOwner = (db: Kysely<Database>) =>
  compiledOnce(
    db
      .selectFrom('tokens')
      .leftJoin('extensions', 'extensions.id', 'tokens.extension_id')
      .selectAll('tokens')
      .select([
        'extensions.id as owner_id',
        'extensions.account_id as owner_account_id',
        'extensions.extension_number as owner_extension_number',
        'extensions.name as owner_name',
        'extensions.type as owner_type',
        'extensions.status as owner_status',
        'extensions.role as owner_role',
        'extensions.phone_numbers as owner_phone_numbers',
      ])
      .where('tokens.hash', '=', ''),
  );

/** PostgreSQL returns bigint columns as text. */
const listedRecord = (row: { start_time: number | string; id: string; json: string }): ListedRecord => ({
  startTime: Number(row.start_time),
  id: row.id,
  json: row.json,
});

function toAccount(row: Selectable<AccountsTable>): Account {
  return { id: row.id, name: row.name, mainNumber: row.main_number, createdAt: Number(row.created_at) };
}

function toRecording(row: Selectable<RecordingsTable>): RecordingMeta {
  return {
    id: row.id,
    accountId: row.account_id,
    type: row.type as RecordingMeta['type'],
    contentType: row.content_type as RecordingMeta['contentType'],
    duration: Number(row.duration),
    blobKey: row.blob_key,
    createdAt: Number(row.created_at),
  };
}

function toToken(row: Selectable<TokensTable>): StoredToken {
  return {
    hash: row.hash,
    kind: row.kind as StoredToken['kind'],
    sessionId: row.session_id,
    clientId: row.client_id,
    accountId: row.account_id,
    extensionId: row.extension_id,
    scope: row.scope ? row.scope.split(' ') : [],
    issuedAt: Number(row.issued_at),
    expiresAt: Number(row.expires_at),
    endpointId: row.endpoint_id,
  };
}

/** A recording's metadata as its `recordings` row. */
export function recordingRow(r: RecordingMeta): Insertable<RecordingsTable> {
  return {
    id: r.id,
    account_id: r.accountId,
    type: r.type,
    content_type: r.contentType,
    duration: r.duration,
    blob_key: r.blobKey,
    created_at: r.createdAt,
  };
}

export class KyselyStore implements Store {
  private readonly tokenWithOwner: ReturnType<typeof compileTokenWithOwner>;
  /** Where reads that need no transaction run: SQLite's reader threads where the store has them, else `db`. */
  readonly reads: Kysely<Database>;
  /** Compiled list queries by shape (listCompiled). */
  private readonly listTexts = new Map<string, CompiledQuery<ListRow>>();
  private readonly syncState: SyncStateStore;
  readonly eventLog: EventLog;
  readonly security: SecurityStore;
  readonly reports: ReportStore;
  readonly operator: OperatorQueries;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    /** The backend's bulk write of call-log rows (record-writers.ts). */
    private readonly writeRows: RecordWriter,
    private readonly backend: {
      /** Where list queries run: SQLite's reader threads (sqlite-readers.ts), else `db`. */
      threads?: { db: Kysely<Database>; readers: SqliteReaders };
      /** Stops the backend's own helpers (SQLite's checkpointer thread) before the connections close. */
      stopHelpers?: () => Promise<void>;
      /** PostgreSQL's binary COPY out (postgres-store.ts), for the reports that read many rows. */
      copyOut?: CopyOut;
    } = {},
  ) {
    this.reads = backend.threads?.db ?? db;
    this.tokenWithOwner = compileTokenWithOwner(db);
    this.eventLog = new EventLog(db, dialect);
    this.syncState = syncStateTable(db);
    this.security = new SecurityStore(db, dialect);
    // Reports read where lists do: on SQLite's reader threads a long report no longer holds up the server's other
    // requests (docs/benchmarks.md, session13-reports), and with two threads its parts run at once, as on
    // PostgreSQL's pool.
    this.reports = new ReportStore(this.reads, dialect, {
      copyOut: backend.copyOut,
      parallel: backend.threads ? backend.threads.readers.size > 1 : dialect === 'postgres',
    });
    this.operator = new OperatorQueries(db);
  }

  async putAccount(a: Account): Promise<void> {
    const row = { id: a.id, name: a.name, main_number: a.mainNumber, created_at: a.createdAt };
    await this.db
      .insertInto('accounts')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: row.name, main_number: row.main_number }))
      .execute();
  }

  async getAccount(id: string): Promise<Account | null> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toAccount(row) : null;
  }

  async listAccounts(): Promise<Account[]> {
    const rows = await this.db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toAccount);
  }

  async findAccountByMainNumber(digits: string): Promise<Account | null> {
    const row = await this.db
      .selectFrom('accounts')
      .select('id')
      .where('main_number', '=', `+${digits}`)
      .executeTakeFirst();
    return row ? this.getAccount(row.id) : null;
  }

  async putExtensions(extensions: Extension[]): Promise<void> {
    if (!extensions.length) return;
    await this.db.transaction().execute(async (trx) => {
      for (const e of extensions) {
        const row = {
          id: e.id,
          account_id: e.accountId,
          extension_number: e.extensionNumber,
          name: e.name,
          type: e.type,
          status: e.status,
          role: e.role,
          phone_numbers: JSON.stringify(e.phoneNumbers),
        };
        await trx
          .insertInto('extensions')
          .values({ ...row, password_hash: null })
          .onConflict((oc) => oc.column('id').doUpdateSet(row))
          .execute();
      }
    });
  }

  async getExtension(id: string): Promise<Extension | null> {
    const row = await this.db.selectFrom('extensions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toExtension(row) : null;
  }

  async findExtensionByNumber(accountId: string, extensionNumber: string): Promise<Extension | null> {
    const row = await this.db
      .selectFrom('extensions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('extension_number', '=', extensionNumber)
      .executeTakeFirst();
    return row ? toExtension(row) : null;
  }

  async findExtensionByDirectNumber(digits: string): Promise<Extension | null> {
    const row = await this.db
      .selectFrom('extensions')
      .selectAll()
      .where('phone_numbers', 'like', `%"+${digits}"%`)
      .executeTakeFirst();
    return row ? toExtension(row) : null;
  }

  async listExtensions(accountId: string): Promise<Extension[]> {
    const rows = await this.db
      .selectFrom('extensions')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('extension_number')
      .execute();
    return rows.map(toExtension);
  }

  async setPasswordHash(extensionId: string, hash: string): Promise<void> {
    await this.db.updateTable('extensions').set({ password_hash: hash }).where('id', '=', extensionId).execute();
  }

  async getPasswordHash(extensionId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('extensions')
      .select('password_hash')
      .where('id', '=', extensionId)
      .executeTakeFirst();
    return row?.password_hash ?? null;
  }

  async putApp(app: App): Promise<void> {
    const row = {
      client_id: app.clientId,
      client_secret: hashClientSecret(app.clientSecret),
      name: app.name,
      permissions: app.permissions.join(' '),
      grant_types: app.grantTypes.join(' '),
      issue_refresh_tokens: app.issueRefreshTokens ? 1 : 0,
    };
    await this.db
      .insertInto('apps')
      .values(row)
      .onConflict((oc) => oc.column('client_id').doUpdateSet(row))
      .execute();
  }

  async getApp(clientId: string): Promise<App | null> {
    const row = await this.db.selectFrom('apps').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return row ? toApp(row) : null;
  }

  async putJwtCredential(c: JwtCredential): Promise<void> {
    await this.db
      .insertInto('jwt_credentials')
      .values({
        id: c.id,
        account_id: c.accountId,
        extension_id: c.extensionId,
        created_at: c.createdAt,
        revoked: c.revoked ? 1 : 0,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ revoked: c.revoked ? 1 : 0 }))
      .execute();
  }

  async getJwtCredential(id: string): Promise<JwtCredential | null> {
    const row = await this.db.selectFrom('jwt_credentials').selectAll().where('id', '=', id).executeTakeFirst();
    return row
      ? {
          id: row.id,
          accountId: row.account_id,
          extensionId: row.extension_id,
          createdAt: Number(row.created_at),
          revoked: row.revoked === 1,
        }
      : null;
  }

  async putTokens(tokens: StoredToken[]): Promise<void> {
    if (!tokens.length) return;
    await this.db
      .insertInto('tokens')
      .values(
        tokens.map((t) => ({
          hash: t.hash,
          kind: t.kind,
          session_id: t.sessionId,
          client_id: t.clientId,
          account_id: t.accountId,
          extension_id: t.extensionId,
          scope: t.scope.join(' '),
          issued_at: t.issuedAt,
          expires_at: t.expiresAt,
          endpoint_id: t.endpointId,
          used_at: null,
        })),
      )
      .execute();
  }

  async getToken(hash: string): Promise<StoredToken | null> {
    const row = await this.db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async getTokenWithOwner(hash: string): Promise<{ token: StoredToken; owner: Extension | null } | null> {
    const [row] = (await this.db.executeQuery(this.tokenWithOwner(hash))).rows;
    if (!row) return null;
    const owner =
      row.owner_id === null
        ? null
        : toExtension({
            id: row.owner_id,
            account_id: row.owner_account_id!,
            extension_number: row.owner_extension_number!,
            name: row.owner_name!,
            type: row.owner_type!,
            status: row.owner_status!,
            role: row.owner_role!,
            phone_numbers: row.owner_phone_numbers!,
          });
    return { token: toToken(row), owner };
  }

  async takeTokenSession(hash: string): Promise<StoredToken | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.deleteFrom('tokens').where('hash', '=', hash).returningAll().executeTakeFirst();
      if (!row) return null;
      await trx.deleteFrom('tokens').where('session_id', '=', row.session_id).execute();
      return toToken(row);
    });
  }

  async revokeSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom('tokens').where('session_id', '=', sessionId).execute();
  }

  async deleteToken(hash: string): Promise<void> {
    await this.db.deleteFrom('tokens').where('hash', '=', hash).execute();
  }

  async deleteExpiredTokens(now: number): Promise<number> {
    const result = await this.db.deleteFrom('tokens').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async getSetting(key: string): Promise<string | null> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async initSetting(key: string, value: string): Promise<string> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.getSetting(key)) ?? value;
  }

  getSyncState(key: string): Promise<string | null> {
    return this.syncState.getSyncState(key);
  }

  putSyncState(key: string, value: string): Promise<void> {
    return this.syncState.putSyncState(key, value);
  }

  async upsertRecords(records: CallLogRecord[]): Promise<void> {
    await this.upsertPrepared(records.map(prepareRecord));
  }

  async upsertPrepared(input: PreparedRecord[]): Promise<void> {
    const rows = newestRows(input);
    if (!rows.length) return;
    await this.writeRows([rows], Date.now());
  }

  async upsertPreparedBatches(batches: AsyncIterable<PreparedRecord[]>): Promise<void> {
    await this.writeRows(newestBatches(batches), Date.now());
  }

  async upsertRecordBatches(batches: Iterable<CallLogRecord[]>): Promise<void> {
    await this.writeRows(preparedBatches(batches), Date.now());
  }

  async listRecords(q: CallLogQuery): Promise<RecordPage> {
    const rows = (await this.reads.executeQuery(this.listCompiled(q))).rows;
    const hasMore = rows.length > q.perPage;
    return { records: (hasMore ? rows.slice(0, q.perPage) : rows).map(listedRecord), hasMore };
  }

  async listRecordsJson(q: CallLogQuery, frame: JsonPageFrame): Promise<JsonRecordPage> {
    const compiled = this.listCompiled(q);
    if (this.backend.threads) return this.backend.threads.readers.listJsonPage(compiled, q.perPage, frame);
    const rows = (await this.reads.executeQuery(compiled)).rows;
    return jsonRecordPage(
      rows.map((row) => row.json),
      q.perPage,
      frame,
    );
  }

  /**
   * The list query compiled: Kysely's builder and compiler cost more than the query itself on a 100-record page
   * (issue 16's profile), so queries of one shape reuse one SQL text with their own parameters (list-query-shape.ts).
   */
  private listCompiled(q: CallLogQuery): CompiledQuery<ListRow> {
    const shape = listShape(q, this.dialect);
    const known = shape === null ? undefined : this.listTexts.get(shape);
    if (known) return { ...known, parameters: listParameters(q) };
    const compiled = this.buildList(q).compile();
    if (shape !== null && sameValues(compiled.parameters, listParameters(q))) {
      if (this.listTexts.size >= LIST_TEXTS) this.listTexts.clear();
      this.listTexts.set(shape, compiled);
    }
    return compiled;
  }

  /**
   * `column = value` for a column that names one call (its own index, call_log_session or call_log_telephony_session).
   * SQLite keeps no statistics and walked the log's primary-key range (no sort needed) rather than seek the index:
   * said to be rarely true, the term makes it seek (src/store/query-plans.test.ts).
   */
  private selective(column: 'session_id' | 'telephony_session_id', value: string) {
    return this.dialect === 'sqlite'
      ? sql<SqlBool>`likelihood(${sql.ref(column)} = ${value}, 0.001)`
      : sql<SqlBool>`${sql.ref(column)} = ${value}`;
  }

  private buildList(q: CallLogQuery) {
    const column = q.view === 'Detailed' ? 'detailed_json' : 'simple_json';
    // A phoneNumber search on SQLite goes in by the phone indexes (phone-search.ts), not the primary key.
    const phone = q.phoneNumber !== undefined && this.dialect === 'sqlite';
    const col = <C extends 'account_id' | 'extension_id' | 'start_time'>(c: C) => (phone ? unindexed(c) : c);
    let query = this.reads
      .selectFrom('call_log')
      .select(['start_time', 'id', sql<string>`${sql.ref(column)}`.as('json')])
      .where(col('account_id'), '=', q.accountId)
      .where(col('extension_id'), '=', logKey(q.extensionId))
      .where(col('start_time'), '>=', q.dateFrom)
      .where(col('start_time'), '<=', q.dateTo);
    if (!q.showDeleted) query = query.where('deleted', '=', 0);
    if (!q.showBlocked) query = query.where('result', '<>', 'Blocked');
    if (q.direction) query = query.where('direction', 'in', q.direction);
    if (q.type) query = query.where('type', 'in', q.type);
    if (q.transport) query = query.where('transport', 'in', q.transport);
    if (q.recordingType === 'All') query = query.where('recording_type', 'is not', null);
    else if (q.recordingType) query = query.where('recording_type', '=', q.recordingType);
    if (q.results) query = query.where('result', 'in', q.results);
    if (q.before) {
      const { startTime, id } = q.before;
      query = query.where((eb) =>
        eb.or([eb('start_time', '<', startTime), eb.and([eb('start_time', '=', startTime), eb('id', '<', id)])]),
      );
    }
    if (q.sessionId !== undefined) query = query.where(this.selective('session_id', q.sessionId));
    if (q.telephonySessionId !== undefined) {
      query = query.where(this.selective('telephony_session_id', q.telephonySessionId));
    }
    if (q.phoneNumber !== undefined) {
      query = query.where(phoneSuffix(q.phoneNumber, q.accountId, logKey(q.extensionId)));
    }
    if (q.extensionNumber !== undefined) {
      const { accountId, extensionNumber } = q;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('call_log as other')
            .innerJoin('extensions', 'extensions.id', 'other.extension_id')
            .select(sql.lit(1).as('one'))
            .whereRef('other.account_id', '=', 'call_log.account_id')
            .whereRef('other.session_id', '=', 'call_log.session_id')
            .where('extensions.account_id', '=', accountId)
            .where('extensions.extension_number', '=', extensionNumber),
        ),
      );
    }
    return query
      .orderBy('start_time', 'desc')
      .orderBy('id', 'desc')
      .limit(q.perPage + 1)
      .offset((q.page - 1) * q.perPage);
  }

  async listChangedRecords(q: ChangeQuery): Promise<ListedRecord[]> {
    let query = this.db
      .selectFrom('call_log')
      .select(['start_time', 'id', q.view === 'Detailed' ? 'detailed_json as json' : 'simple_json as json'])
      .where('account_id', '=', q.accountId)
      .where('extension_id', '=', logKey(q.extensionId))
      .where('changed_at', '>', q.changedAfter);
    if (!q.showDeleted) query = query.where('deleted', '=', 0);
    if (q.results) query = query.where('result', 'in', q.results);
    const rows = await query.orderBy('start_time', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map(listedRecord);
  }

  async deleteLogRecords(accountId: string, extensionId: string, before: number, now: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('call_log')
        .select(['id', 'simple_json', 'detailed_json', ...ROLLUP_SOURCE_COLUMNS])
        .where('account_id', '=', accountId)
        .where('extension_id', '=', extensionId)
        .where('start_time', '<', before)
        .where('deleted', '=', 0)
        .limit(UPSERT_BATCH)
        .execute();
      if (!rows.length) return deleted;
      await this.db.transaction().execute(async (trx) => {
        // PostgreSQL's trigger takes them out of the report rollup; on SQLite this does (report-rollup.ts).
        if (this.dialect === 'sqlite') {
          const deltas = new RollupDeltas();
          for (const row of rows) deltas.add(row, -1);
          for (const [statement, parameters] of deltas.changes()) {
            await trx.executeQuery(CompiledQuery.raw(statement, parameters));
          }
        }
        for (const row of rows) {
          await trx
            .updateTable('call_log')
            .set({
              deleted: 1,
              last_modified: now,
              changed_at: now,
              simple_json: markDeletedJson(row.simple_json, now),
              detailed_json: markDeletedJson(row.detailed_json, now),
            })
            .where('account_id', '=', accountId)
            .where('id', '=', row.id)
            .execute();
        }
      });
      deleted += rows.length;
    }
  }

  async listLogs(): Promise<LogKey[]> {
    // From the records themselves: a log may hold records of an extension the directory does not know.
    const accounts = await this.db.selectFrom('accounts').select('id').orderBy('id').execute();
    const logs: LogKey[] = [];
    for (const a of accounts) {
      for (const e of await this.logKeys(a.id)) logs.push({ accountId: a.id, extensionId: e === '' ? null : e });
    }
    return logs;
  }

  async purgeLog(log: LogKey, before: number, limit: number): Promise<number> {
    const result = await this.purgeQuery(log, before, limit).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * The delete of purgeLog: the log's oldest records, by their whole primary key. With `account_id = ? and id in
   * (…)` SQLite walked every record of the account for each batch (3.2 s for 51 records of the 1M seed, now 0.2 s).
   */
  private purgeQuery(log: LogKey, before: number, limit: number) {
    const victims = this.db
      .selectFrom('call_log')
      .select(['account_id', 'extension_id', 'start_time', 'id'])
      .where('account_id', '=', log.accountId)
      .where('extension_id', '=', logKey(log.extensionId))
      .where('start_time', '<', before)
      .orderBy('start_time')
      .limit(limit)
      .$asTuple('account_id', 'extension_id', 'start_time', 'id');
    return this.db
      .deleteFrom('call_log')
      .where((eb) => eb(eb.refTuple('account_id', 'extension_id', 'start_time', 'id'), 'in', victims));
  }

  async expireRecordings(before: number, limit: number): Promise<RecordingMeta[]> {
    const rows = await this.db
      .selectFrom('recordings')
      .selectAll()
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    if (!rows.length) return [];
    await this.db.transaction().execute(async (trx) => {
      for (const rec of rows) {
        const records = await trx
          .selectFrom('call_log')
          .select(['id', 'simple_json', 'detailed_json'])
          .where('account_id', '=', rec.account_id)
          .where('recording_id', '=', rec.id)
          .execute();
        for (const r of records) {
          await trx
            .updateTable('call_log')
            .set({
              recording_id: null,
              recording_type: null,
              simple_json: withoutRecordingJson(r.simple_json),
              detailed_json: withoutRecordingJson(r.detailed_json),
            })
            .where('account_id', '=', rec.account_id)
            .where('id', '=', r.id)
            .execute();
        }
        await trx.deleteFrom('recordings').where('id', '=', rec.id).execute();
      }
    });
    return rows.map(toRecording);
  }

  async getRecords(
    accountId: string,
    extensionId: string | null,
    ids: string[],
    view: View,
  ): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (!ids.length) return found;
    const rows = await this.db
      .selectFrom('call_log')
      .select(['id', view === 'Detailed' ? 'detailed_json as json' : 'simple_json as json'])
      .where('id', 'in', ids)
      .where('account_id', '=', accountId)
      .where('extension_id', '=', logKey(extensionId))
      .execute();
    for (const row of rows) found.set(row.id, row.json);
    return found;
  }

  async countRecords(filter?: ExportFilter): Promise<number> {
    let query = this.db.selectFrom('call_log').select((eb) => eb.fn.countAll<number | string>().as('n'));
    if (filter) {
      query = query
        .where('account_id', '=', filter.accountId)
        .where('start_time', '>=', filter.dateFrom)
        .where('start_time', '<=', filter.dateTo);
      if (filter.extensionId !== undefined) query = query.where('extension_id', '=', logKey(filter.extensionId));
    }
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async *exportRecords(filter: ExportFilter, batchSize: number): AsyncIterable<string[]> {
    const logs = filter.extensionId === undefined ? await this.logKeys(filter.accountId) : [logKey(filter.extensionId)];
    for (const log of logs) yield* this.exportLog(filter, log, batchSize);
  }

  /** The account's logs that hold records ('' = the company log first), found by skipping along the key. */
  private async logKeys(accountId: string): Promise<string[]> {
    const { rows } = await sql<{ e: string }>`
      with recursive logs(e) as (
        select min(extension_id) from call_log where account_id = ${accountId}
        union all
        select (select min(extension_id) from call_log where account_id = ${accountId} and extension_id > logs.e)
        from logs where logs.e is not null
      )
      select e from logs where e is not null`.execute(this.db);
    return rows.map((r) => r.e);
  }

  /**
   * One log's records in the range, oldest first, a page at a time after the last (start_time, id) sent. A page's
   * range starts at that start time: SQLite seeks the key from the `start_time >=` bound, not from the row-value
   * comparison, so with dateFrom there each page read every record before it again (quadratic: on the 1M set the
   * company log's page at record 300,000 took 375–686 ms, its first 9).
   */
  private async *exportLog(filter: ExportFilter, log: string, batchSize: number): AsyncIterable<string[]> {
    const json = filter.view === 'Detailed' ? 'detailed_json' : 'simple_json';
    let after: { start: number; id: string } | null = null;
    for (;;) {
      // Typed: inferred, it would depend on `after`, which the loop assigns from this query's rows.
      const from: number = after?.start ?? filter.dateFrom;
      let query = this.db
        .selectFrom('call_log')
        .select(['start_time', 'id', sql<string>`${sql.ref(json)}`.as('json')])
        .where('account_id', '=', filter.accountId)
        .where('extension_id', '=', log)
        .where('start_time', '>=', from)
        .where('start_time', '<=', filter.dateTo);
      if (after) {
        const { start, id } = after;
        query = query.where((eb) => eb(eb.refTuple('start_time', 'id'), '>', eb.tuple(start, id)));
      }
      const rows = await query.orderBy('start_time').orderBy('id').limit(batchSize).execute();
      if (rows.length) yield rows.map((r) => r.json);
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1];
      after = { start: Number(last.start_time), id: last.id };
    }
  }

  async upsertRecordings(input: RecordingMeta[]): Promise<void> {
    const recordings = [...new Map(input.map((r) => [r.id, r])).values()];
    if (!recordings.length) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < recordings.length; i += UPSERT_BATCH) {
        const rows = recordings.slice(i, i + UPSERT_BATCH).map(recordingRow);
        await trx
          .insertInto('recordings')
          .values(rows)
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              type: eb.ref('excluded.type'),
              content_type: eb.ref('excluded.content_type'),
              duration: eb.ref('excluded.duration'),
              blob_key: eb.ref('excluded.blob_key'),
            })),
          )
          .execute();
      }
    });
  }

  async getRecording(accountId: string, id: string): Promise<RecordingMeta | null> {
    const row = await this.db
      .selectFrom('recordings')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row ? toRecording(row) : null;
  }

  async logHasRecording(accountId: string, extensionId: string, recordingId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('call_log')
      .select('id')
      .where('account_id', '=', accountId)
      .where('recording_id', '=', recordingId)
      .where('extension_id', '=', extensionId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async countRateLimited(key: string, rule: RateRule, now: number): Promise<RateDecision> {
    return this.db.transaction().execute(async (trx) => {
      const row = await lockedCounter(trx, this.dialect, 'rate_limits', { key, hits: '[]', penalty_until: 0 });
      const counted = countRequest(
        { hits: JSON.parse(row.hits) as number[], penaltyUntil: Number(row.penalty_until) },
        rule,
        now,
      );
      await trx
        .updateTable('rate_limits')
        .set({ hits: JSON.stringify(counted.window.hits), penalty_until: counted.window.penaltyUntil })
        .where('key', '=', key)
        .execute();
      return counted.decision;
    });
  }

  async close(): Promise<void> {
    await this.backend.stopHelpers?.();
    const { threads } = this.backend;
    if (threads) await Promise.all([threads.db.destroy(), threads.readers.close()]);
    await this.db.destroy();
  }
}

function toApp(row: Selectable<Database['apps']>): App {
  return {
    clientId: row.client_id,
    clientSecret: row.client_secret,
    name: row.name,
    permissions: row.permissions ? row.permissions.split(' ') : [],
    grantTypes: (row.grant_types ? row.grant_types.split(' ') : []) as GrantType[],
    issueRefreshTokens: row.issue_refresh_tokens === 1,
  };
}

/** Each id's newest version among the rows: one statement may not touch a row twice (PostgreSQL refuses). */
function newestRows(input: PreparedRecord[]): PreparedRecord[] {
  const newest = new Map<string, PreparedRecord>();
  for (const r of input) {
    const key = `${r.account_id}/${r.id}`;
    const seen = newest.get(key);
    if (!seen || r.last_modified > seen.last_modified) newest.set(key, r);
  }
  return newest.size === input.length ? input : [...newest.values()];
}

/** Each batch at most one row per record, as the writer reads them. */
async function* newestBatches(batches: AsyncIterable<PreparedRecord[]>): AsyncGenerator<PreparedRecord[]> {
  for await (const rows of batches) yield newestRows(rows);
}

/** The batches prepared one at a time, as the writer reads them. */
function* preparedBatches(batches: Iterable<CallLogRecord[]>): Generator<PreparedRecord[]> {
  for (const records of batches) yield newestRows(records.map(prepareRecord));
}
