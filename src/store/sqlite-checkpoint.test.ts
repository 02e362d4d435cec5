// The checkpointer thread of a server's SQLite store (sqlite-store.ts): the WAL is copied back into the database
// file by that thread, not by the main connection's commits.

import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { createTestDatabase } from '../../test/support/backends.ts';
import { openSqliteStore } from './sqlite-store.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes about `mib` MiB in 1 MiB transactions. */
async function write(db: Awaited<ReturnType<typeof openSqliteStore>>['db'], mib: number) {
  await sql`create table filler (n integer primary key, data text not null)`.execute(db);
  const row = 'x'.repeat(16 * 1024);
  for (let i = 0; i < mib; i++) {
    await db.transaction().execute(async (trx) => {
      for (let k = 0; k < 64; k++) await sql`insert into filler (n, data) values (${i * 64 + k}, ${row})`.execute(trx);
    });
  }
}

test('with reader threads, a thread checkpoints the WAL while the main connection only appends to it', async () => {
  const database = await createTestDatabase('sqlite');
  const store = await openSqliteStore(database.location, { readers: 1 });
  try {
    const before = statSync(database.location).size;
    // 20 MiB: far below the main connection's own checkpoint (4,096 pages of 64 KiB), so only the thread's passes
    // can move it into the database file.
    await write(store.db, 20);
    let size = statSync(database.location).size;
    for (let i = 0; i < 200 && size < before + 20 * 1024 * 1024; i++) {
      await sleep(50);
      size = statSync(database.location).size;
    }
    assert.ok(size >= before + 20 * 1024 * 1024, `database file ${before} → ${size} bytes`);
  } finally {
    await store.close();
    await database.drop();
  }
});
