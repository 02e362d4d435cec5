// Tests of the PostgreSQL store's pool: an idle connection the server drops is reported (not swallowed) and
// replaced on the next query.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { backends, createTestDatabase } from '../../test/support/backends.ts';
import { openPostgresStore } from './postgres-store.ts';

if ((await backends()).includes('postgres'))
  test('a dropped idle connection is reported and replaced', async () => {
    const database = await createTestDatabase('postgres');
    const reported: Error[] = [];
    let told: () => void = () => {};
    const toldOnce = new Promise<void>((resolve) => (told = resolve));
    const store = await openPostgresStore(database.location, {
      poolSize: 1,
      onPoolError: (err) => {
        reported.push(err);
        told();
      },
    });
    try {
      await store.listAccounts();
      const admin = new pg.Client({ connectionString: database.location });
      await admin.connect();
      try {
        await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        );
      } finally {
        await admin.end();
      }
      await toldOnce;
      assert.equal(reported.length, 1);
      assert.deepEqual(await store.listAccounts(), []);
    } finally {
      await store.close();
      await database.drop();
    }
  });
