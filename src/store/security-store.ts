// The store's part in hardening: failed-authentication counters, refresh-token families (a used refresh token is
// kept, marked, until it expires, so its reuse revokes the session that continued from it), and the purge of
// rate-limit windows and failure counters that have run out.

import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { addFailure, type BackoffRule, type FailureState, type RateRule } from '../domain/index.ts';
import type { Dialect } from './migrations.ts';
import type { Database } from './schema.ts';

/** What taking a refresh token found: the token (now used), a reuse (the family is revoked), or nothing. */
export type RefreshTake =
  | { outcome: 'taken'; sessionId: string; extensionId: string; scope: string[]; expiresAt: number; endpointId: string }
  | { outcome: 'reused' }
  | { outcome: 'missing' };

/**
 * The row of a counter (`fresh.key` in a table keyed by `key`), created from `fresh` when missing and locked on
 * PostgreSQL, so that several servers' read-modify-writes of one counter follow each other (SQLite's write
 * transaction already does).
 */
export async function lockedCounter<T extends 'rate_limits' | 'auth_failures'>(
  trx: Transaction<Database>,
  dialect: Dialect,
  table: T,
  fresh: Insertable<Database[T]> & { key: string },
): Promise<Selectable<Database[T]>> {
  // Both tables are keyed by `key`: that is all these statements need to know of them.
  const counters = trx as unknown as Transaction<Record<string, { key: string }>>;
  const name: string = table;
  await counters
    .insertInto(name)
    .values(fresh)
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  let select = counters.selectFrom(name).selectAll().where('key', '=', fresh.key);
  if (dialect === 'postgres') select = select.forUpdate();
  return (await select.executeTakeFirstOrThrow()) as Selectable<Database[T]>;
}

export class SecurityStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async authFailures(key: string): Promise<FailureState | null> {
    const row = await this.db.selectFrom('auth_failures').selectAll().where('key', '=', key).executeTakeFirst();
    return row
      ? { failures: row.failures, lastFailure: Number(row.last_failure), blockedUntil: Number(row.blocked_until) }
      : null;
  }

  /** Counts one failed authentication of `key` (a known client or user); returns the new state. */
  async addAuthFailure(key: string, rule: BackoffRule, now: number): Promise<FailureState> {
    return this.db.transaction().execute(async (trx) => {
      const fresh = { key, failures: 0, last_failure: 0, blocked_until: 0 };
      const row = await lockedCounter(trx, this.dialect, 'auth_failures', fresh);
      const state = addFailure(
        { failures: row.failures, lastFailure: Number(row.last_failure), blockedUntil: Number(row.blocked_until) },
        rule,
        now,
      );
      await trx
        .updateTable('auth_failures')
        .set({ failures: state.failures, last_failure: state.lastFailure, blocked_until: state.blockedUntil })
        .where('key', '=', key)
        .execute();
      return state;
    });
  }

  async clearAuthFailures(key: string): Promise<void> {
    await this.db.deleteFrom('auth_failures').where('key', '=', key).execute();
  }

  /**
   * Marks the refresh token used and ends the rest of its session (the access tokens issued with it), atomically,
   * so of two concurrent refreshes one takes it and the other is a reuse. A token already used is a reuse: the
   * whole session (every token issued since from it) is revoked.
   */
  async takeRefreshToken(hash: string, now: number): Promise<RefreshTake> {
    return this.db.transaction().execute(async (trx) => {
      let select = trx.selectFrom('tokens').selectAll().where('hash', '=', hash).where('kind', '=', 'refresh');
      if (this.dialect === 'postgres') select = select.forUpdate();
      const row = await select.executeTakeFirst();
      if (!row) return { outcome: 'missing' } as const;
      if (row.used_at !== null) {
        await trx.deleteFrom('tokens').where('session_id', '=', row.session_id).execute();
        return { outcome: 'reused' } as const;
      }
      await trx
        .deleteFrom('tokens')
        .where('session_id', '=', row.session_id)
        .where('hash', '<>', hash)
        .where('used_at', 'is', null)
        .execute();
      await trx.updateTable('tokens').set({ used_at: now }).where('hash', '=', hash).execute();
      return {
        outcome: 'taken',
        sessionId: row.session_id,
        extensionId: row.extension_id,
        scope: row.scope ? row.scope.split(' ') : [],
        expiresAt: Number(row.expires_at),
        endpointId: row.endpoint_id,
      } as const;
    });
  }

  /** Whether a refresh token has been used already (a rotated one). */
  async refreshTokenUsed(hash: string): Promise<boolean> {
    const row = await this.db.selectFrom('tokens').select('used_at').where('hash', '=', hash).executeTakeFirst();
    return row !== undefined && row.used_at !== null;
  }

  /**
   * Deletes rate-limit windows with no request inside the longest window and no penalty left, and failure counters
   * forgotten by their rule; returns how many rows went.
   */
  async purgeExpired(now: number, rules: RateRule[], backoff: BackoffRule): Promise<number> {
    const longestMs = Math.max(60, ...rules.map((r) => Math.max(r.windowSec, r.penaltySec))) * 1000;
    let purged = 0;
    let after = '';
    for (;;) {
      const rows = await this.db
        .selectFrom('rate_limits')
        .selectAll()
        .where('key', '>', after)
        .orderBy('key')
        .limit(500)
        .execute();
      if (!rows.length) break;
      after = rows[rows.length - 1].key;
      const stale = rows
        .filter((r) => {
          const hits = JSON.parse(r.hits) as number[];
          const last = hits.length ? hits[hits.length - 1] : 0;
          return Number(r.penalty_until) <= now && last <= now - longestMs;
        })
        .map((r) => r.key);
      if (stale.length) {
        const result = await this.db.deleteFrom('rate_limits').where('key', 'in', stale).executeTakeFirst();
        purged += Number(result.numDeletedRows);
      }
    }
    const failures = await this.db
      .deleteFrom('auth_failures')
      .where('last_failure', '<', now - backoff.forgetAfterSec * 1000)
      .where('blocked_until', '<=', now)
      .executeTakeFirst();
    return purged + Number(failures.numDeletedRows);
  }
}
