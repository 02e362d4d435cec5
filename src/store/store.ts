// The Store interface: the one API through which every source writes and every outlet reads, in one interface per area.
// Implemented once over Kysely (kysely-store.ts) for SQLite and PostgreSQL.

import type {
  Account,
  App,
  CallLogQuery,
  CallLogRecord,
  Extension,
  RateDecision,
  RateRule,
  RecordingMeta,
  RecordsJson,
  View,
} from '../domain/index.ts';
import type { PreparedRecord } from './call-log-row.ts';
import type { Dialect } from './migrations.ts';
import type { EventLog } from './event-log.ts';
import type { SecurityStore } from './security-store.ts';
import type { ReportStore } from './report-store.ts';
import type { OperatorQueries } from './operator-queries.ts';

export interface StoredToken {
  /** SHA-256 of the token, hex; the token itself is never stored. */
  hash: string;
  kind: 'access' | 'refresh';
  /** OAuth session: the tokens issued together and by the refreshes that followed. */
  sessionId: string;
  clientId: string;
  accountId: string;
  extensionId: string;
  scope: string[];
  issuedAt: number;
  expiresAt: number;
  endpointId: string;
}

export interface JwtCredential {
  id: string;
  accountId: string;
  extensionId: string;
  createdAt: number;
  revoked: boolean;
}

/** A record as a list reads it: its place in the log (startTime, then id) beside its prepared JSON (with the base-URL mark). */
export interface ListedRecord {
  startTime: number;
  id: string;
  json: string;
}

/** A page of records, newest first. */
export interface RecordPage {
  records: ListedRecord[];
  hasMore: boolean;
}

/** Where a page's records go as JSON bytes (records-json.ts): after `head`, `base` put in, `tailRoom` left after them. */
export interface JsonPageFrame {
  head: string;
  base: string;
  tailRoom: number;
}

/** A page of records written as JSON bytes (listRecordsJson). */
export interface JsonRecordPage {
  count: number;
  hasMore: boolean;
  json: RecordsJson;
}

/** What an export reads: one account's logs in a startTime range (inclusive bounds, epoch ms). */
export interface ExportFilter {
  accountId: string;
  /** One log (null = the company log), or undefined for every log of the account. */
  extensionId?: string | null;
  dateFrom: number;
  dateTo: number;
  view: View;
}

/** One call log: an extension's, or the company's (extensionId null). */
export interface LogKey {
  accountId: string;
  extensionId: string | null;
}

/** The records of a log that this server wrote after `changedAfter` (call-log-sync's ISync). */
export interface ChangeQuery extends LogKey {
  changedAfter: number;
  results?: string[];
  showDeleted: boolean;
  view: View;
  limit: number;
}

/** Accounts and extensions (the company directory), and the extensions' password hashes. */
export interface DirectoryStore {
  putAccount(account: Account): Promise<void>;
  getAccount(id: string): Promise<Account | null>;
  /** The accounts, oldest first. */
  listAccounts(): Promise<Account[]>;
  findAccountByMainNumber(digits: string): Promise<Account | null>;

  putExtensions(extensions: Extension[]): Promise<void>;
  getExtension(id: string): Promise<Extension | null>;
  findExtensionByNumber(accountId: string, extensionNumber: string): Promise<Extension | null>;
  /** The extension whose direct number this is (digits only). */
  findExtensionByDirectNumber(digits: string): Promise<Extension | null>;
  listExtensions(accountId: string): Promise<Extension[]>;
  setPasswordHash(extensionId: string, hash: string): Promise<void>;
  getPasswordHash(extensionId: string): Promise<string | null>;
}

/** Apps, JWT credentials and the OAuth tokens issued to them. */
export interface TokenStore {
  putApp(app: App): Promise<void>;
  getApp(clientId: string): Promise<App | null>;
  putJwtCredential(credential: JwtCredential): Promise<void>;
  getJwtCredential(id: string): Promise<JwtCredential | null>;

  putTokens(tokens: StoredToken[]): Promise<void>;
  getToken(hash: string): Promise<StoredToken | null>;
  /** The token and the extension it was issued to (null if that extension is gone), in one read. */
  getTokenWithOwner(hash: string): Promise<{ token: StoredToken; owner: Extension | null } | null>;
  /** Removes the token's whole session and returns the token if it existed; atomic, so one caller wins a race. */
  takeTokenSession(hash: string): Promise<StoredToken | null>;
  revokeSession(sessionId: string): Promise<void>;
  deleteToken(hash: string): Promise<void>;
  deleteExpiredTokens(now: number): Promise<number>;
}

/** Write-once settings (e.g. the JWT signing secret): the first value stored stays. */
export interface SettingsStore {
  getSetting(key: string): Promise<string | null>;
  /** Stores the value unless the key exists; returns the value in force. */
  initSetting(key: string, value: string): Promise<string>;
}

/** Mutable state by key (sync checkpoints, upstream tokens, run state): one row a key, replaced atomically. */
export interface SyncStateStore {
  getSyncState(key: string): Promise<string | null>;
  putSyncState(key: string, value: string): Promise<void>;
}

/** The call-log records: written by every source, read by every outlet. */
export interface CallLogStore {
  /** Inserts or updates by (account, record id); an update applies only if lastModifiedTime moves forward. */
  upsertRecords(records: CallLogRecord[]): Promise<void>;
  /** `upsertRecords` of records already prepared (prepareRecord), as bulk writers build them off the main thread. */
  upsertPrepared(records: PreparedRecord[]): Promise<void>;
  /**
   * `upsertPrepared` of several batches in one transaction (one commit), each awaited only when the write reaches
   * it: memory holds the batches not yet written, however many the transaction takes. The write holds the store's
   * (SQLite: only) connection until the last batch, so making a batch must not use the store.
   */
  upsertPreparedBatches(batches: AsyncIterable<PreparedRecord[]>): Promise<void>;
  /**
   * `upsertRecords` of several batches in one transaction (one commit), each batch read and prepared only when
   * the write reaches it: memory holds one batch, however many the transaction takes.
   */
  upsertRecordBatches(batches: Iterable<CallLogRecord[]>): Promise<void>;
  listRecords(query: CallLogQuery): Promise<RecordPage>;
  /**
   * The page `listRecords` reads, as JSON bytes in `frame`: on SQLite a reader thread writes them and hands the
   * buffer over, so the API thread neither copies nor holds the page's strings.
   */
  listRecordsJson(query: CallLogQuery, frame: JsonPageFrame): Promise<JsonRecordPage>;
  /** Prepared JSON of the records with these ids in the given log (extensionId null = company log). */
  getRecords(accountId: string, extensionId: string | null, ids: string[], view: View): Promise<Map<string, string>>;
  /** All records, or those an export of `filter` reads. */
  countRecords(filter?: ExportFilter): Promise<number>;
  /**
   * Prepared JSON (with the base-URL mark) of every record of the filter's logs in its date range, deleted ones
   * included, in pages of up to `batchSize`: log by log (company log first), oldest first within a log. Pages by
   * keyset on (startTime, id), so memory stays flat whatever the range.
   */
  exportRecords(filter: ExportFilter, batchSize: number): AsyncIterable<string[]>;
  /** Changed records, newest first (prepared JSON). */
  listChangedRecords(query: ChangeQuery): Promise<ListedRecord[]>;
  /** Marks an extension's records that started before `before` deleted; returns how many. */
  deleteLogRecords(accountId: string, extensionId: string, before: number, now: number): Promise<number>;
  /** Every log of every account (the company logs and the extensions'). */
  listLogs(): Promise<LogKey[]>;
  /** Removes up to `limit` records of a log that started before `before` (retention); returns how many. */
  purgeLog(log: LogKey, before: number, limit: number): Promise<number>;
}

/** Recording metadata (the audio itself is in the blob store). */
export interface RecordingStore {
  upsertRecordings(recordings: RecordingMeta[]): Promise<void>;
  getRecording(accountId: string, id: string): Promise<RecordingMeta | null>;
  /** Whether the extension's log holds a record with this recording (users may fetch their own recordings). */
  logHasRecording(accountId: string, extensionId: string, recordingId: string): Promise<boolean>;
  /** Drops up to `limit` recordings created before `before` from the records and the store; returns them. */
  expireRecordings(before: number, limit: number): Promise<RecordingMeta[]>;
}

/** Rate-limit windows, shared by every server on the database. */
export interface RateLimitStore {
  /** Counts one request of `key` (caller and group) against `rule`, atomically across servers. */
  countRateLimited(key: string, rule: RateRule, now: number): Promise<RateDecision>;
}

/** Every area of the store, on one database. */
export interface Store
  extends DirectoryStore, TokenStore, SettingsStore, SyncStateStore, CallLogStore, RecordingStore, RateLimitStore {
  readonly dialect: Dialect;
  /** The durable event log (event-log.ts). */
  readonly eventLog: EventLog;
  /** Failed-authentication counters, refresh-token families, purges (security-store.ts). */
  readonly security: SecurityStore;
  /** What reports read (report-store.ts). */
  readonly reports: ReportStore;
  /** Readiness probe and sync-run states for health and metrics (operator-queries.ts). */
  readonly operator: OperatorQueries;

  close(): Promise<void>;
}
