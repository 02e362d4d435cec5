// Migration 0013 on both backends: WebHook subscriptions of a database that delivered through the outbox get a
// delivery cursor where their undelivered notifications start (or at the old fan-out cursor), so nothing accepted
// before the upgrade is lost; WebSocket subscriptions get none; the outbox goes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { backends, createTestDatabase, migratedUpTo } from '../../test/support/backends.ts';
import { openStore } from './index.ts';
import type { KyselyStore } from './kysely-store.ts';

for (const backend of await backends())
  test(`WebHook subscriptions resume at their oldest undelivered notification (${backend})`, async () => {
    const database = await createTestDatabase(backend);
    try {
      const old = await migratedUpTo(database, '0007-subscriptions');
      for (let i = 1; i <= 4; i++) {
        await sql`insert into event_log (account_id, topic, session_id, extension_ids, created_at, body)
          values ('1', 'telephony-session', ${`s-${i}`}, '[]', ${i}, '{}')`.execute(old);
      }
      const subscription = (id: string, transport: string) =>
        sql`insert into subscriptions (id, account_id, extension_id, client_id, transport, address,
          verification_token, event_filters, disabled_filters, status, created_at, expires_at, expires_in,
          blacklisted_at, blacklist_reason, ws_session_id)
          values (${id}, '1', '2', 'c', ${transport}, 'https://example.com/hook', null, '[]', '[]', 'Active', 0,
          ${Date.now() + 60_000}, 60, null, null, null)`.execute(old);
      await subscription('behind', 'WebHook');
      await subscription('caught-up', 'WebHook');
      await subscription('socket', 'WebSocket');
      // 'behind' still had the notifications of events 2 and 4 to deliver; the fan-out had read up to event 3.
      for (const eventId of [4, 2]) {
        await sql`insert into webhook_outbox (subscription_id, event_id, body, created_at, attempts, next_attempt_at)
          values ('behind', ${eventId}, '{}', 0, 0, 0)`.execute(old);
      }
      await sql`insert into notify_cursors (name, event_id) values ('webhook-fanout', 3)`.execute(old);
      await old.destroy();

      const store = await openStore(database.location);
      try {
        const { db } = store as KyselyStore;
        const cursors = await db
          .selectFrom('webhook_cursors')
          .select(['subscription_id', 'event_id', 'owner', 'attempts'])
          .orderBy('subscription_id')
          .execute();
        assert.deepEqual(
          cursors.map((c) => ({ ...c, event_id: Number(c.event_id) })),
          [
            { subscription_id: 'behind', event_id: 1, owner: null, attempts: 0 },
            { subscription_id: 'caught-up', event_id: 3, owner: null, attempts: 0 },
          ],
        );
        const tables = await db.introspection.getTables();
        assert.deepEqual(
          tables.map((t) => t.name).filter((name) => ['webhook_outbox', 'notify_cursors'].includes(name)),
          [],
        );
      } finally {
        await store.close();
      }
    } finally {
      await database.drop();
    }
  });
