// Two processes writing one SQLite file, as `ringlog serve` and `ringlog sync` on the same database do: a write
// transaction that reads before it writes must wait for the other process's commits (busy_timeout), not fail with
// "database is locked" because the other process committed after its first read. Both ways a store writes: the
// record writer's own transaction and its query builder's (Kysely) transactions.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { createTestDatabase } from '../../test/support/backends.ts';
import { voiceCall } from '../../test/support/records.ts';
import { openStore } from './index.ts';
import type { KyselyStore } from './kysely-store.ts';

/** Commits one row at a time into a table of its own, as fast as it can, until killed. */
const OTHER_WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 5000');
db.exec('create table if not exists other_writer (n integer)');
const insert = db.prepare('insert into other_writer (n) values (?)');
console.log('writing');
for (let n = 0; ; n++) insert.run(n);
`;

test('SQLite: a store writes records while another process commits to the same file', async () => {
  const database = await createTestDatabase('sqlite');
  const store = await openStore(database.location);
  const other = spawn(process.execPath, ['-e', OTHER_WRITER, database.location], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const [line] = (await once(createInterface({ input: other.stdout }), 'line')) as [string];
    assert.equal(line, 'writing');
    // Each write reads the stored version of its records first (the rollups add the difference): the case that
    // failed at once when the other process committed in between.
    for (let n = 0; n < 150; n++) await store.upsertRecords([voiceCall(n), voiceCall(n + 1000)]);
    for (let n = 0; n < 50; n++) await store.upsertRecords([voiceCall(n, { duration: 31, durationMs: 31_000 })]);
    assert.equal(await store.countRecords(), 300);
    // A transaction of the store's query builder that reads, lets the other process run, then writes (as the
    // telephony group commit reads open sessions before writing their changes).
    const { db } = store as KyselyStore;
    for (let n = 0; n < 50; n++) {
      await db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('settings').select('value').where('key', '=', 'n').executeTakeFirst();
        await new Promise((resolve) => setTimeout(resolve, 2));
        const value = String(Number(row?.value ?? 0) + 1);
        await trx
          .insertInto('settings')
          .values({ key: 'n', value })
          .onConflict((c) => c.column('key').doUpdateSet({ value }))
          .execute();
      });
    }
    assert.equal(await store.getSetting('n'), '50');
    assert.equal(other.exitCode, null, 'the other process is still writing');
  } finally {
    other.kill('SIGKILL');
    await once(other, 'exit').catch(() => undefined);
    await store.close();
    await database.drop();
  }
});
