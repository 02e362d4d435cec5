// Migration 0005-hardening: client secrets stored hashed, refresh-token families (a rotated refresh token is kept,
// marked used, so its reuse can be told from a stranger's guess), failed-authentication counters, and the reversed
// digits of both parties' numbers with indexes, so a phoneNumber (suffix) search is an index range.

import { sql, type Kysely, type Migration } from 'kysely';
import { hashClientSecret } from './client-secret.ts';
import type { Dialect } from './migrations.ts';
import type { Database } from './schema.ts';

export function hardening(dialect: Dialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<Database>) {
      const apps = await db.selectFrom('apps').select(['client_id', 'client_secret']).execute();
      for (const app of apps) {
        await db
          .updateTable('apps')
          .set({ client_secret: hashClientSecret(app.client_secret) })
          .where('client_id', '=', app.client_id)
          .execute();
      }

      await db.schema.alterTable('tokens').addColumn('used_at', ms).execute();

      await db.schema
        .createTable('auth_failures')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('last_failure', ms, (c) => c.notNull())
        .addColumn('blocked_until', ms, (c) => c.notNull())
        .execute();

      // Digits compare bytewise on both backends whatever the locale, so a prefix is one range.
      for (const column of ['from_rev', 'to_rev']) {
        await db.schema
          .alterTable('call_log')
          .addColumn(column, 'text', (c) => (dialect === 'postgres' ? c.modifyEnd(sql`collate "C"`) : c))
          .execute();
      }
      const reverse = dialect === 'postgres' ? 'reverse' : 'ringlog_reverse';
      await sql`update call_log set from_rev = ${sql.raw(reverse)}(from_digits), to_rev = ${sql.raw(reverse)}(to_digits)
        where from_digits is not null or to_digits is not null`.execute(db);
      for (const column of ['from_rev', 'to_rev']) {
        await db.schema
          .createIndex(`call_log_${column}`)
          .on('call_log')
          .columns(['account_id', 'extension_id', column])
          .where(sql.ref(column), 'is not', null)
          .execute();
      }
    },
  };
}
