// Versioned schema migrations, written once for both dialects with Kysely's schema builder.

import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './schema.ts';
import { hardening } from './hardening-migration.ts';
import { addTenDayGrain, createReportRollup } from './report-rollup.ts';
import { createContactIndex, createReportHistogram, histogramTriggerBody } from './report-histogram.ts';
import { contactTriggerBody, createReportContacts } from './report-contacts.ts';
import { createEntryIndex } from './report-entries.ts';
import { replaceStatementTriggerFunctions, rollupTriggerBody, statementRollupTriggers } from './report-rollup-pg.ts';
import { callFacts, fromWire, withBase } from '../domain/index.ts';

export type Dialect = 'sqlite' | 'postgres';

function initial(dialect: Dialect): Migration {
  // Epoch milliseconds need 64 bits in PostgreSQL; SQLite integers are 64-bit already.
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('main_number', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('accounts_main_number').on('accounts').column('main_number').execute();

      await db.schema
        .createTable('extensions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('extension_number', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('phone_numbers', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .execute();
      await db.schema
        .createIndex('extensions_number')
        .on('extensions')
        .columns(['account_id', 'extension_number'])
        .unique()
        .execute();

      await db.schema
        .createTable('apps')
        .addColumn('client_id', 'text', (c) => c.primaryKey())
        .addColumn('client_secret', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('grant_types', 'text', (c) => c.notNull())
        .addColumn('issue_refresh_tokens', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('jwt_credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('extension_id', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('revoked', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('tokens')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('extension_id', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('issued_at', ms, (c) => c.notNull())
        .addColumn('expires_at', ms, (c) => c.notNull())
        .addColumn('endpoint_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('tokens_session').on('tokens').column('session_id').execute();
      await db.schema.createIndex('tokens_expiry').on('tokens').column('expires_at').execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      // A log's page is one range of the primary key: (account, log, startTime) keeps each log's records
      // together and in time order. SQLite stores the rows in that order (WITHOUT ROWID).
      let callLog = db.schema
        .createTable('call_log')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('extension_id', 'text', (c) => c.notNull())
        .addColumn('start_time', ms, (c) => c.notNull())
        // Ids order bytewise on both backends (newest first, then id descending), whatever the locale.
        .addColumn('id', 'text', (c) =>
          dialect === 'postgres' ? c.notNull().modifyEnd(sql`collate "C"`) : c.notNull(),
        )
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('telephony_session_id', 'text', (c) => c.notNull())
        .addColumn('last_modified', ms, (c) => c.notNull())
        .addColumn('deleted', 'integer', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('transport', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('recording_type', 'text')
        .addColumn('recording_id', 'text')
        .addColumn('from_digits', 'text')
        .addColumn('to_digits', 'text')
        .addColumn('simple_json', 'text', (c) => c.notNull())
        .addColumn('detailed_json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('call_log_pk', ['account_id', 'extension_id', 'start_time', 'id']);
      if (dialect === 'sqlite') callLog = callLog.modifyEnd(sql`without rowid`);
      await callLog.execute();
      // Every key of call_log leads with account_id, so Citus can distribute the table by account.
      await db.schema.createIndex('call_log_id').on('call_log').columns(['account_id', 'id']).unique().execute();
      await db.schema
        .createIndex('call_log_session')
        .on('call_log')
        .columns(['account_id', 'session_id', 'extension_id'])
        .execute();
      await db.schema
        .createIndex('call_log_recording')
        .on('call_log')
        .columns(['account_id', 'recording_id', 'extension_id'])
        .where(sql.ref('recording_id'), 'is not', null)
        .execute();

      await db.schema
        .createTable('recordings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('duration', 'integer', (c) => c.notNull())
        .addColumn('blob_key', 'text')
        .addColumn('created_at', ms, (c) => c.notNull())
        .execute();
    },
  };
}

/** Change tracking for call-log-sync (when the server last wrote each record) and rate-limit windows. */
function syncAndRateLimits(dialect: Dialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('call_log')
        .addColumn('changed_at', ms, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('call_log_changed')
        .on('call_log')
        .columns(['account_id', 'extension_id', 'changed_at'])
        .execute();
      await db.schema.createIndex('recordings_created').on('recordings').column('created_at').execute();
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('hits', 'text', (c) => c.notNull())
        .addColumn('penalty_until', ms, (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * The durable event log: every accepted telephony-session event and every finished call-log record, in the order
 * they became visible, for the assembler's replay, WebHook and WebSocket delivery and fan-out between servers.
 */
function eventLog(dialect: Dialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('event_log')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text')
        .addColumn('extension_ids', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('event_log_created').on('event_log').column('created_at').execute();
    },
  };
}

/**
 * Sync state as mutable rows, one a key: until now each write added a `key#n` row to the write-once settings and
 * the highest n held the value, so every run added rows that nothing removed. The newest value of each key moves
 * here and the old rows go.
 */
function syncState(dialect: Dialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sync_state')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', ms, (c) => c.notNull())
        .execute();
      const old = await (db as Kysely<Database>)
        .selectFrom('settings')
        .select(['key', 'value'])
        .where('key', 'like', 'sync.%#%')
        .execute();
      const newest = new Map<string, { n: number; value: string }>();
      for (const row of old) {
        const at = row.key.lastIndexOf('#');
        const key = row.key.slice(0, at);
        const n = Number(row.key.slice(at + 1));
        if (!Number.isInteger(n)) continue;
        if ((newest.get(key)?.n ?? 0) < n) newest.set(key, { n, value: row.value });
      }
      const now = Date.now();
      for (const [key, { value }] of newest) {
        await (db as Kysely<Database>).insertInto('sync_state').values({ key, value, updated_at: now }).execute();
      }
      await (db as Kysely<Database>).deleteFrom('settings').where('key', 'like', 'sync.%#%').execute();
    },
  };
}

/** Columns that reports read (domain/call-facts.ts), in the order of the covering index after the log's key. */
export const REPORT_INDEX_COLUMNS = [
  'account_id',
  'extension_id',
  'start_time',
  'deleted',
  'direction',
  'type',
  'result',
  'action',
  'duration_ms',
  'talk_ms',
  'answer_ms',
  'owner_id',
  'entry_id',
  'agent_id',
  'transferred',
  'contact_digits',
  'to_digits',
  'id',
] as const;

const BACKFILL_BATCH = 2000;

/**
 * The facts reports read, as columns of call_log (so a write, deletion or purge of a record changes them in the same
 * statement), filled in for the records already stored, and one covering index a report's range reads alone.
 */
function reports(dialect: Dialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      const add = async (name: string, type: 'text' | 'integer' | 'bigint', notNullDefault?: string | number) => {
        await db.schema
          .alterTable('call_log')
          .addColumn(name, type, (c) => (notNullDefault === undefined ? c : c.notNull().defaultTo(notNullDefault)))
          .execute();
      };
      await add('duration_ms', ms, 0);
      await add('action', 'text', '');
      await add('owner_id', 'text');
      await add('entry_id', 'text');
      await add('agent_id', 'text');
      await add('answer_ms', ms);
      await add('talk_ms', ms, 0);
      await add('transferred', 'integer', 0);
      await add('contact_digits', 'text');
      await backfillFacts(db as unknown as Kysely<Database>);
      await db.schema
        .createIndex('call_log_report')
        .on('call_log')
        .columns([...REPORT_INDEX_COLUMNS])
        .execute();
    },
  };
}

/** Computes the report columns of the records stored before this migration, from their Detailed JSON. */
async function backfillFacts(db: Kysely<Database>): Promise<void> {
  let after: { account: string; id: string } | null = null;
  for (;;) {
    let query = db.selectFrom('call_log').select(['account_id', 'id', 'extension_id', 'detailed_json']);
    if (after) {
      const { account, id } = after;
      query = query.where((eb) => eb(eb.refTuple('account_id', 'id'), '>', eb.tuple(account, id)));
    }
    const rows = await query.orderBy('account_id').orderBy('id').limit(BACKFILL_BATCH).execute();
    if (!rows.length) return;
    // Inside the migrator's transaction where the dialect has transactional DDL; in batches of its own elsewhere.
    const inTransaction = (work: (trx: typeof db) => Promise<void>) =>
      db.isTransaction ? work(db) : db.transaction().execute(work);
    await inTransaction(async (trx) => {
      for (const row of rows) {
        const record = fromWire(JSON.parse(withBase(row.detailed_json, 'http://ringlog.invalid')), {
          accountId: row.account_id,
          logExtensionId: row.extension_id === '' ? null : row.extension_id,
        });
        const f = callFacts(record);
        await trx
          .updateTable('call_log')
          .set({
            duration_ms: record.durationMs,
            action: record.action,
            owner_id: f.ownerId,
            entry_id: f.entryId,
            agent_id: f.agentId,
            answer_ms: f.answerMs,
            talk_ms: f.talkMs,
            transferred: f.transferred ? 1 : 0,
            contact_digits: f.contactDigits,
          })
          .where('account_id', '=', row.account_id)
          .where('id', '=', row.id)
          .execute();
      }
    });
    const last = rows[rows.length - 1];
    after = { account: last.account_id, id: last.id };
  }
}

/**
 * The authorization code flow: each app's redirect URIs and whether it is first-party (no consent screen), and the
 * issued authorization codes (hashed, single use, with their PKCE challenge).
 */
function authorizationCodes(dialect: Dialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('app_authorization')
        .addColumn('client_id', 'text', (c) => c.primaryKey())
        .addColumn('redirect_uris', 'text', (c) => c.notNull())
        .addColumn('first_party', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('authorization_codes')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('extension_id', 'text', (c) => c.notNull())
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('code_challenge', 'text')
        .addColumn('code_challenge_method', 'text')
        .addColumn('expires_at', ms, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('authorization_codes_expiry')
        .on('authorization_codes')
        .column('expires_at')
        .execute();
    },
  };
}

/**
 * Live telephony (src/store/telephony-store.ts): each session's state, its accepted events (the primary key is the
 * dedup key: a session's event sequence), the active-call entries and presence items the live views read.
 */
function telephony(dialect: Dialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('telephony_sessions')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('telephony_session_id', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('first_time', ms, (c) => c.notNull())
        .addColumn('last_time', ms, (c) => c.notNull())
        .addColumn('received_at', ms, (c) => c.notNull())
        .addColumn('parties_ended', 'integer', (c) => c.notNull())
        .addColumn('closed_at', ms)
        .addColumn('close_reason', 'text')
        .addPrimaryKeyConstraint('telephony_sessions_pk', ['account_id', 'telephony_session_id'])
        .execute();
      await db.schema
        .createIndex('telephony_sessions_open')
        .on('telephony_sessions')
        .columns(['state', 'received_at'])
        .execute();
      await db.schema
        .createTable('telephony_events')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('telephony_session_id', 'text', (c) => c.notNull())
        .addColumn('sequence', 'integer', (c) => c.notNull())
        .addColumn('received_at', ms, (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('telephony_events_pk', ['account_id', 'telephony_session_id', 'sequence'])
        .execute();
      await db.schema
        .createTable('telephony_live_calls')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('log_id', 'text', (c) => c.notNull())
        .addColumn('telephony_session_id', 'text', (c) => c.notNull())
        .addColumn('start_time', ms, (c) => c.notNull())
        .addColumn('ended_at', ms)
        .addColumn('record', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('telephony_live_calls_pk', ['account_id', 'log_id', 'telephony_session_id'])
        .execute();
      await db.schema
        .createIndex('telephony_live_calls_start')
        .on('telephony_live_calls')
        .columns(['account_id', 'log_id', 'start_time'])
        .execute();
      await db.schema
        .createTable('telephony_presence_items')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('extension_id', 'text', (c) => c.notNull())
        .addColumn('telephony_session_id', 'text', (c) => c.notNull())
        .addColumn('start_time', ms, (c) => c.notNull())
        .addColumn('ended_at', ms)
        .addColumn('item', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('telephony_presence_items_pk', ['account_id', 'extension_id', 'telephony_session_id'])
        .execute();
      await db.schema
        .createTable('telephony_presence')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('extension_id', 'text', (c) => c.notNull())
        .addColumn('sequence', ms, (c) => c.notNull())
        .addPrimaryKeyConstraint('telephony_presence_pk', ['account_id', 'extension_id'])
        .execute();
    },
  };
}

/**
 * Notification subscriptions (WebHook and WebSocket), WebSocket tokens and gateway sessions, and the WebHook
 * outbox with the fan-out cursor over the event log. On PostgreSQL, inserts into event_log and webhook_outbox
 * NOTIFY the servers listening, so another server's events reach this server's WebSocket clients at once.
 */
function subscriptions(dialect: Dialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('extension_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('transport', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('verification_token', 'text')
        .addColumn('event_filters', 'text', (c) => c.notNull())
        .addColumn('disabled_filters', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('expires_at', ms, (c) => c.notNull())
        .addColumn('expires_in', 'integer', (c) => c.notNull())
        .addColumn('blacklisted_at', ms)
        .addColumn('blacklist_reason', 'text')
        .addColumn('ws_session_id', 'text')
        .execute();
      await db.schema
        .createIndex('subscriptions_owner')
        .on('subscriptions')
        .columns(['account_id', 'extension_id'])
        .execute();
      await db.schema.createIndex('subscriptions_ws').on('subscriptions').column('ws_session_id').execute();

      await db.schema
        .createTable('ws_tokens')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('extension_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('expires_at', ms, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('ws_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('extension_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('last_event_id', ms, (c) => c.notNull())
        .addColumn('sequence', ms, (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('closed_at', ms)
        .execute();

      await db.schema
        .createTable('notify_cursors')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('event_id', ms, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('webhook_outbox')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('event_id', ms, (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', ms, (c) => c.notNull())
        .addColumn('last_error', 'text')
        .execute();
      await db.schema.createIndex('webhook_outbox_due').on('webhook_outbox').column('next_attempt_at').execute();
      await db.schema
        .createIndex('webhook_outbox_subscription')
        .on('webhook_outbox')
        .column('subscription_id')
        .execute();

      if (dialect === 'postgres') {
        await sql`create function ringlog_notify_events() returns trigger language plpgsql as $$
          begin perform pg_notify('ringlog_events', ''); return null; end $$`.execute(db);
        await sql`create trigger event_log_notify after insert on event_log
          for each statement execute function ringlog_notify_events()`.execute(db);
        await sql`create function ringlog_notify_outbox() returns trigger language plpgsql as $$
          begin perform pg_notify('ringlog_outbox', ''); return null; end $$`.execute(db);
        await sql`create trigger webhook_outbox_notify after insert on webhook_outbox
          for each statement execute function ringlog_notify_outbox()`.execute(db);
      }
    },
  };
}

/**
 * Live ingest at volume (src/telephony/telephony-service.ts): a session's version (the count of its stored events,
 * so a server knows whether the events it holds in memory are still all there are), and indexes by session for
 * the rows an event rewrites (active-call entries, presence items) and for pruning closed sessions.
 */
function liveIngest(dialect: Dialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('telephony_sessions')
        .addColumn('version', ms, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('telephony_sessions_closed')
        .on('telephony_sessions')
        .columns(['state', 'closed_at'])
        .execute();
      await db.schema
        .createIndex('telephony_live_calls_session')
        .on('telephony_live_calls')
        .columns(['account_id', 'telephony_session_id'])
        .execute();
      await db.schema
        .createIndex('telephony_presence_items_session')
        .on('telephony_presence_items')
        .columns(['account_id', 'telephony_session_id'])
        .execute();
    },
  };
}

/**
 * WebHook delivery from the event log with a cursor per subscription (src/events/webhook-dispatcher.ts), instead of
 * an outbox row per notification and subscription: `webhook_cursors` holds where each WebHook subscription's
 * delivery is (every event up to `event_id` taken by its receiver), which server holds it (`owner`, until
 * `lease_until`) and its retry state. Existing subscriptions resume at their oldest undelivered outbox row (or at
 * the old fan-out cursor), so nothing accepted before the upgrade is lost; the outbox and its cursor go. On
 * PostgreSQL, changes to WebHook subscriptions and released cursors NOTIFY the servers (channel
 * ringlog_subscriptions), so another server takes a subscription up at once.
 */
function webhookCursors(dialect: Dialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webhook_cursors')
        .addColumn('subscription_id', 'text', (c) => c.primaryKey())
        .addColumn('event_id', ms, (c) => c.notNull())
        .addColumn('owner', 'text')
        .addColumn('lease_until', ms, (c) => c.notNull().defaultTo(0))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', ms, (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .execute();
      await sql`insert into webhook_cursors (subscription_id, event_id)
        select s.id, coalesce(
          (select min(o.event_id) - 1 from webhook_outbox o where o.subscription_id = s.id),
          (select c.event_id from notify_cursors c where c.name = 'webhook-fanout'),
          (select max(e.id) from event_log e),
          0)
        from subscriptions s where s.transport = 'WebHook'`.execute(db);
      await db.schema.dropTable('webhook_outbox').execute();
      await db.schema.dropTable('notify_cursors').execute();
      if (dialect === 'postgres') {
        await sql`drop function ringlog_notify_outbox()`.execute(db);
        await sql`create function ringlog_notify_subscriptions() returns trigger language plpgsql as $$
          begin perform pg_notify('ringlog_subscriptions', ''); return null; end $$`.execute(db);
        await sql`create trigger subscriptions_notify after insert or update on subscriptions
          for each row when (new.transport = 'WebHook') execute function ringlog_notify_subscriptions()`.execute(db);
        await sql`create trigger subscriptions_delete_notify after delete on subscriptions
          for each row when (old.transport = 'WebHook') execute function ringlog_notify_subscriptions()`.execute(db);
        await sql`create trigger webhook_cursors_release_notify after update on webhook_cursors
          for each row when (new.owner is null and old.owner is not null)
          execute function ringlog_notify_subscriptions()`.execute(db);
      }
    },
  };
}

/** The migrations of a dialect, by name; names sort in the order they apply. */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    getMigrations() {
      return Promise.resolve({
        '0001-initial': initial(dialect),
        '0002-sync-and-rate-limits': syncAndRateLimits(dialect),
        '0003-event-log': eventLog(dialect),
        '0004-sync-state': syncState(dialect),
        '0005-hardening': hardening(dialect),
        '0006-telephony': telephony(dialect),
        '0007-subscriptions': subscriptions(dialect),
        '0008-reports': reports(dialect),
        '0009-authorization-codes': authorizationCodes(dialect),
        '0010-live-ingest': liveIngest(dialect),
        '0011-report-rollup': { up: (db) => createReportRollup(db, dialect) },
        // SQLite only: PostgreSQL hashes groups itself, and got its histogram with 0019.
        '0012-report-speedups': {
          up: async (db) => {
            if (dialect !== 'sqlite') return;
            await createReportHistogram(db, dialect);
            await createContactIndex(db);
          },
        },
        '0013-webhook-cursors': webhookCursors(dialect),
        '0014-report-rollup-statement-triggers': {
          up: (db) => (dialect === 'postgres' ? statementRollupTriggers(db) : Promise.resolve()),
        },
        '0015-report-contacts': { up: (db) => createReportContacts(db, dialect) },
        // `call-log?telephonySessionId=` (how an integration fetches a finished call's records) walked the whole
        // log range it was given: on the 1M set 79 ms over 7 days, 517 over 60.
        '0016-call-log-telephony-session': {
          up: (db) =>
            db.schema
              .createIndex('call_log_telephony_session')
              .on('call_log')
              .columns(['account_id', 'telephony_session_id', 'extension_id'])
              .execute(),
        },
        // The `agents` report's transfers out: the company log's transferred records by agent (3% of them in the
        // seeded company). Through call_log_report a month read every record of the company log: 57 MB on the 1M
        // set, most of the report's first run on SQLite and 240–290 ms on PostgreSQL.
        '0017-call-log-transfers': {
          up: async (db) => {
            await sql`create index call_log_transferred on call_log (account_id, extension_id, start_time, agent_id,
              duration_ms, talk_ms, answer_ms) where transferred = 1 and deleted = 0`.execute(db);
          },
        },
        // The queue reports' calls (report-entries.ts).
        '0018-call-log-entries': { up: (db) => createEntryIndex(db, dialect) },
        // PostgreSQL's `durations` ranked every value of the period with percentile_disc: 3.1–5.7 s for the whole range
        // of the 10M set. The value histograms SQLite has had since 0012 (report-histogram.ts).
        '0019-report-histogram-pg': {
          up: (db) => (dialect === 'postgres' ? createReportHistogram(db, dialect) : Promise.resolve()),
        },
        '0020-report-rollup-ten-days': {
          up: async (db) => {
            await addTenDayGrain(db, dialect);
            if (dialect === 'postgres') await replaceStatementTriggerFunctions(db, 'report_rollup', rollupTriggerBody);
          },
        },
        // PostgreSQL: every statement trigger that keeps a sum takes the account's lock first (report-rollup-pg.ts).
        '0021-report-trigger-locks': {
          up: async (db) => {
            if (dialect !== 'postgres') return;
            await replaceStatementTriggerFunctions(db, 'report_rollup', rollupTriggerBody);
            await replaceStatementTriggerFunctions(db, 'report_contact', contactTriggerBody);
            await replaceStatementTriggerFunctions(db, 'report_histogram', histogramTriggerBody);
          },
        },
      });
    },
  };
}

/** Applies the migrations not yet applied, in order. */
export async function migrate(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: 'ringlog_migration',
    migrationLockTableName: 'ringlog_migration_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (!error) return;
  // A migration this version does not have was run on the database: a newer ringlog wrote it.
  const known = new Set(Object.keys(await migrationProvider(dialect).getMigrations()));
  const executed = await sql<{ name: string }>`select name from ringlog_migration`.execute(db).catch(() => null);
  const unknown = (executed?.rows ?? []).map((r) => r.name).filter((name) => !known.has(name));
  if (unknown.length) {
    throw new Error(
      `the database was upgraded by a newer ringlog (its migration ${unknown.join(', ')} is unknown to this one): run a ringlog at least as new as the one that last opened it`,
      { cause: error },
    );
  }
  throw error instanceof Error ? error : new Error('migration failed', { cause: error });
}
