// Tests of the sync state on SQLite and PostgreSQL: the newest value wins, a fresh reader finds it, 1,000 sync runs'
// worth of writes leave the table's size as one run left it, and a database with the old append-only rows is migrated.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openStore, type Store } from '../store/index.ts';
import type { KyselyStore } from '../store/kysely-store.ts';
import {
  backends,
  createTestDatabase,
  migratedUpTo,
  suiteStore,
  type TestDatabase,
} from '../../test/support/backends.ts';
import { Checkpoints, EMPTY_CHECKPOINT, logName } from './checkpoint.ts';
import { stateRegister } from './state-register.ts';
import { openUpstream } from './upstream-session.ts';

const upstream = { url: 'https://platform.example.com', clientId: 'c', clientSecret: 's', jwt: 'j' };
const neverFetch = (() => Promise.reject(new Error('no request expected'))) as typeof fetch;

async function rows(store: Store, table: 'sync_state' | 'settings'): Promise<number> {
  const { db } = store as KyselyStore;
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What one sync run writes to the sync state: run state at start and end, and a checkpoint per log. */
async function oneRun(store: Store, run: number): Promise<void> {
  const session = await openUpstream(store, upstream, { fetch: neverFetch, now: () => run });
  const checkpoints = new Checkpoints(store, 'A1');
  for (const extensionId of [null, 'E2']) {
    await checkpoints.save(extensionId, { covered: { from: 0, to: run + 10 }, pass: null });
  }
  await session.close();
}

async function fastCommits(location: string): Promise<void> {
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    await client.query(`alter database ${new URL(location).pathname.slice(1)} set synchronous_commit = off`);
  } finally {
    await client.end();
  }
}

for (const backend of await backends())
  describe(`sync state (${backend})`, () => {
    let store: Store;
    // Thousands of single-row commits: this test is about row counts, not about waiting for the disk.
    const prepare = async (database: TestDatabase) => {
      if (backend === 'postgres') await fastCommits(database.location);
    };
    suiteStore(
      backend,
      (opened) => {
        store = opened;
      },
      prepare,
    );

    test('reads null before any write, then the newest value, also through a fresh register', async () => {
      const register = stateRegister(store, 'sync.test');
      assert.equal(await register.read(), null);
      for (const value of ['1', '2', '3']) await register.write(value);
      assert.equal(await register.read(), '3');
      assert.equal(await stateRegister(store, 'sync.test').read(), '3');
      assert.equal(await stateRegister(store, 'sync.other').read(), null);
    });

    test('1,000 runs leave the sync state as large as one run left it', async () => {
      await oneRun(store, 1);
      const afterOne = { state: await rows(store, 'sync_state'), settings: await rows(store, 'settings') };
      for (let run = 2; run <= 1000; run += 1) await oneRun(store, run);
      assert.deepEqual({ state: await rows(store, 'sync_state'), settings: await rows(store, 'settings') }, afterOne);
      const checkpoint = await new Checkpoints(store, 'A1').load('E2');
      assert.deepEqual(checkpoint, { covered: { from: 0, to: 1010 }, pass: null });
    });
  });

for (const backend of await backends())
  test(`a database with append-only sync rows keeps each key's newest value (${backend})`, async () => {
    const database = await createTestDatabase(backend);
    try {
      const old = await migratedUpTo(database, '0003-event-log');
      const key = `sync.account.A1.log.${logName(null)}`;
      const saved = { covered: { from: 1, to: 2 }, pass: null };
      await old
        .insertInto('settings')
        .values([
          { key: 'jwt.secret', value: 'kept' },
          { key: `${key}#1`, value: JSON.stringify(EMPTY_CHECKPOINT) },
          { key: `${key}#2`, value: JSON.stringify(EMPTY_CHECKPOINT) },
          { key: `${key}#10`, value: JSON.stringify(saved) },
          { key: 'sync.login.abc.token#1', value: 'token-1' },
        ])
        .execute();
      await old.destroy();
      const store = await openStore(database.location);
      try {
        assert.deepEqual(await new Checkpoints(store, 'A1').load(null), saved);
        assert.equal(await store.getSyncState('sync.login.abc.token'), 'token-1');
        assert.equal(await store.getSetting('jwt.secret'), 'kept');
        assert.equal(await rows(store, 'settings'), 1);
        assert.equal(await rows(store, 'sync_state'), 2);
      } finally {
        await store.close();
      }
    } finally {
      await database.drop();
    }
  });
