// Table shapes as Kysely sees them, shared by the SQLite and PostgreSQL stores.

import type { Generated } from 'kysely';

export interface AccountsTable {
  id: string;
  name: string;
  main_number: string;
  created_at: number;
}

export interface ExtensionsTable {
  id: string;
  account_id: string;
  extension_number: string;
  name: string;
  type: string;
  status: string;
  role: string;
  /** JSON array of E.164 numbers. */
  phone_numbers: string;
  password_hash: string | null;
}

export interface AppsTable {
  client_id: string;
  client_secret: string;
  name: string;
  /** Space-separated app permissions. */
  permissions: string;
  /** Space-separated grant types. */
  grant_types: string;
  issue_refresh_tokens: number;
}

export interface JwtCredentialsTable {
  id: string;
  account_id: string;
  extension_id: string;
  created_at: number;
  revoked: number;
}

export interface TokensTable {
  /** SHA-256 of the token, hex. */
  hash: string;
  kind: string;
  session_id: string;
  client_id: string;
  account_id: string;
  extension_id: string;
  scope: string;
  issued_at: number;
  expires_at: number;
  endpoint_id: string;
  /** When a refresh token was used (rotated); kept until it expires so that a reuse revokes its family. */
  used_at: number | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** Mutable state by key (sync checkpoints, upstream tokens, run state): one row a key. */
export interface SyncStateTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface CallLogTable {
  account_id: string;
  /** The log's extension id; '' for the company log. */
  extension_id: string;
  start_time: number;
  id: string;
  session_id: string;
  telephony_session_id: string;
  last_modified: number;
  deleted: number;
  direction: string;
  type: string;
  transport: string;
  result: string;
  recording_type: string | null;
  recording_id: string | null;
  from_digits: string | null;
  to_digits: string | null;
  /** The digits reversed, so a suffix of the number is a prefix: phoneNumber search is one index range. */
  from_rev: string | null;
  to_rev: string | null;
  simple_json: string;
  detailed_json: string;
  /** When this server last wrote the record (epoch ms); call-log-sync reads changes by it. */
  changed_at: number;
  // What reports read (domain/call-facts.ts), kept beside the record so every write, deletion and purge of it
  // changes them in the same statement (migration 0008-reports).
  duration_ms: number;
  action: string;
  owner_id: string | null;
  entry_id: string | null;
  agent_id: string | null;
  answer_ms: number | null;
  talk_ms: number;
  transferred: number;
  contact_digits: string | null;
}

/**
 * Live records of a log per hour, day or ten days (`grain`, ms) and kind, kept by triggers on call_log
 * (report-rollup.ts).
 */
export interface ReportRollupTable {
  account_id: string;
  extension_id: string;
  grain: number;
  /** The period's start, epoch ms. */
  start_time: number;
  direction: string;
  type: string;
  result: string;
  action: string;
  transferred: number;
  n: number;
  duration_ms: number;
  talk_ms: number;
  answer_ms: number;
}

export interface RateLimitsTable {
  key: string;
  /** JSON array of the request times (epoch ms) inside the window. */
  hits: string;
  penalty_until: number;
}

export interface AuthFailuresTable {
  /** `client:<client id>` or `user:<extension id>`: only known clients and users are counted. */
  key: string;
  failures: number;
  last_failure: number;
  blocked_until: number;
}

export interface RecordingsTable {
  id: string;
  account_id: string;
  type: string;
  content_type: string;
  duration: number;
  blob_key: string | null;
  created_at: number;
}

export interface EventLogTable {
  id: Generated<number>;
  account_id: string;
  topic: string;
  /** The telephony session the event belongs to, if any. */
  session_id: string | null;
  /** JSON array of the extension ids the event concerns. */
  extension_ids: string;
  created_at: number;
  /** The event's JSON body. */
  body: string;
}

export interface SubscriptionsTable {
  id: string;
  account_id: string;
  /** The owner: the extension whose token created the subscription. */
  extension_id: string;
  client_id: string;
  /** 'WebHook' or 'WebSocket'. */
  transport: string;
  address: string | null;
  verification_token: string | null;
  /** JSON array of the event filters, ids resolved. */
  event_filters: string;
  /** JSON array of {filter, reason, message}. */
  disabled_filters: string;
  /** 'Active' or 'Blacklisted'. */
  status: string;
  created_at: number;
  expires_at: number;
  expires_in: number;
  blacklisted_at: number | null;
  blacklist_reason: string | null;
  /** The WebSocket gateway session a WebSocket subscription belongs to. */
  ws_session_id: string | null;
}

export interface WsTokensTable {
  hash: string;
  account_id: string;
  extension_id: string;
  client_id: string;
  /** Space-separated app permissions of the token it was issued for. */
  scope: string;
  role: string;
  expires_at: number;
}

export interface WsSessionsTable {
  /** Also the `wsc.token` a client presents to recover the session. */
  id: string;
  account_id: string;
  extension_id: string;
  client_id: string;
  scope: string;
  role: string;
  /** The last event-log id delivered (or skipped) on this session. */
  last_event_id: number;
  sequence: number;
  created_at: number;
  closed_at: number | null;
}

/** Where a WebHook subscription's delivery is, and which server delivers it (src/events/webhook-dispatcher.ts). */
export interface WebhookCursorsTable {
  subscription_id: string;
  /** Every event-log row up to this id has been taken by the receiver (or delivers nothing to it). */
  event_id: number;
  /** The server delivering this subscription, until lease_until; null when none. */
  owner: string | null;
  lease_until: number;
  /** Failed attempts in a row; the subscription is Blacklisted after the dispatcher's limit. */
  attempts: number;
  /** No server takes the subscription up before this (the retry's backoff). */
  next_attempt_at: number;
  last_error: string | null;
}

export interface Database {
  accounts: AccountsTable;
  extensions: ExtensionsTable;
  apps: AppsTable;
  jwt_credentials: JwtCredentialsTable;
  tokens: TokensTable;
  settings: SettingsTable;
  sync_state: SyncStateTable;
  call_log: CallLogTable;
  report_rollup: ReportRollupTable;
  recordings: RecordingsTable;
  rate_limits: RateLimitsTable;
  event_log: EventLogTable;
  auth_failures: AuthFailuresTable;
  subscriptions: SubscriptionsTable;
  ws_tokens: WsTokensTable;
  ws_sessions: WsSessionsTable;
  webhook_cursors: WebhookCursorsTable;
}
