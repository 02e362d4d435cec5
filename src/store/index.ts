// What other modules may use from the store: the Store interface, opening a store by location, the blob store.

import { openPostgresStore } from './postgres-store.ts';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
import type { Store } from './store.ts';
import type { KyselyStore } from './kysely-store.ts';
import { SubscriptionsStore } from './subscriptions-store.ts';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type { Database } from './schema.ts';
export type {
  Store,
  DirectoryStore,
  TokenStore,
  SettingsStore,
  SyncStateStore,
  CallLogStore,
  RecordingStore,
  RateLimitStore,
  StoredToken,
  JwtCredential,
  ListedRecord,
  RecordPage,
  JsonPageFrame,
  JsonRecordPage,
  ExportFilter,
  LogKey,
  ChangeQuery,
} from './store.ts';
export { EventLog, type EventTopic, type NewEvent, type LoggedEvent, type EventFilter } from './event-log.ts';
export {
  SubscriptionsStore,
  type SubscriptionRow,
  type WsTokenRow,
  type WsSessionRow,
  type WebhookCursor,
  type CursorUpdate,
} from './subscriptions-store.ts';
export { prepareRecord, type PreparedRecord } from './call-log-row.ts';
export {
  ReportStore,
  type AggregateQuery,
  type FactDim,
  type FactGroup,
  type FactQuery,
  type FactRow,
  type OutsideCall,
  type OutsideWindow,
  type MetricStats,
  type MsRange,
  type ZoneSegments,
} from './report-store.ts';
export type { ContactTotals } from './contact-totals.ts';
export { createDiskBlobStore, type BlobStore } from './blob-store.ts';
export { AuthorizationStore, type AppAuthorization, type AuthorizationCode } from './authorization-store.ts';
export { applyRetention, startRetentionJob, type RetentionResult } from './retention.ts';
export { onQueryTimed } from './query-timing.ts';
export { decryptSetting, encryptSetting, loadSecretKey, secretKeyFile } from './crypto-settings.ts';
export { sweepTemporaryBlobs } from './blob-sweep.ts';
export type { SyncRunState } from './operator-queries.ts';
export { clientSecretMatches, hashClientSecret } from './client-secret.ts';
export { SecurityStore, type RefreshTake } from './security-store.ts';

/** The notification tables of a store opened by openStore (both backends are Kysely stores). */
export function subscriptionsStore(store: Store): SubscriptionsStore {
  const kysely = store as unknown as KyselyStore;
  return new SubscriptionsStore(kysely.db, kysely.dialect, kysely.eventLog);
}

export const isPostgresUrl = (location: string) => /^postgres(ql)?:\/\//.test(location);

/** Opens the store named by `location`: a postgres:// URL, or a SQLite file path (or ':memory:'). */
export async function openStore(location: string, options: SqliteStoreOptions = {}): Promise<Store> {
  return isPostgresUrl(location) ? openPostgresStore(location) : openSqliteStore(location, options);
}

/** Where a store's recording blobs live unless configured: beside a SQLite file, else ./ringlog-blobs. */
export function defaultBlobDir(location: string): string {
  if (isPostgresUrl(location)) return resolve('ringlog-blobs');
  if (location === ':memory:') return join(tmpdir(), `ringlog-blobs-${process.pid}`);
  return `${location}.blobs`;
}
export { listWrittenAfter, type WriteCursor, type WrittenRecord, type ExtractQuery } from './extract-sync-store.ts';
export { putSetting } from './settings-store.ts';
export {
  TelephonyStore,
  eventKey,
  type LiveCallRow,
  type PresenceItemRow,
  type SessionRow,
  type SessionUpdate,
  type TelephonyTx,
} from './telephony-store.ts';
