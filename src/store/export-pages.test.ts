// An export reads each log a page at a time after the last (start_time, id) sent. SQLite does not seek the primary
// key with that row-value comparison: it starts the range at the query's `start_time >=` bound and tests the
// comparison row by row, so a page whose bound was the filter's dateFrom read every record before it again (the 1M
// set's company log: 9 ms for its first page of 1,000, 375–686 ms for the page at record 300,000). Each page's
// bound is the last start time sent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { createTestDatabase } from '../../test/support/backends.ts';
import { FIRST_CALL, voiceCall } from '../../test/support/records.ts';
import { openStore } from './index.ts';
import type { KyselyStore } from './kysely-store.ts';

type Statement = { source: string; all: (this: Statement, ...params: unknown[]) => unknown[] };

test('SQLite: each page of an export starts its range at the last start time sent', async () => {
  const database = await createTestDatabase('sqlite');
  const store = await openStore(database.location);
  // better-sqlite3's Statement class, reached through a statement of a database of its own.
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Statement;
  probe.close();
  const all = proto.all;
  const bounds: unknown[] = [];
  proto.all = function (this: Statement, ...params: unknown[]) {
    const at = this.source.indexOf('"start_time" >= ?');
    if (this.source.includes('from "call_log"') && at >= 0 && this.source.includes('order by "start_time", "id"')) {
      bounds.push(params.flat()[this.source.slice(0, at).split('?').length - 1]);
    }
    return all.apply(this, params);
  };
  try {
    // The company's calls, two at each start time: a page may end between them.
    const record = (n: number) =>
      voiceCall(n, {
        id: `R${String(n).padStart(3, '0')}`,
        extensionId: null,
        startTime: FIRST_CALL + Math.floor(n / 2) * 60_000,
      });
    await store.upsertRecords(Array.from({ length: 25 }, (_, n) => record(n)));
    const filter = { accountId: '1000', dateFrom: 0, dateTo: FIRST_CALL + 86_400_000, view: 'Simple' as const };
    const pages: string[][] = [];
    for await (const page of store.exportRecords(filter, 7)) pages.push(page);
    const ids = pages.flat().map((json) => (JSON.parse(json) as { id: string }).id);
    assert.deepEqual(
      ids,
      Array.from({ length: 25 }, (_, n) => record(n).id),
    );
    // Pages of 7, 7, 7, 4: the first from dateFrom, each next from the start time of the last record sent.
    assert.deepEqual(bounds, [0, record(6).startTime, record(13).startTime, record(20).startTime]);
  } finally {
    proto.all = all;
    await store.close();
    await database.drop();
  }
});

test("SQLite: the main connection's page cache is the store's cacheKiB (export asks for a small one), 64 MiB by default", async () => {
  const database = await createTestDatabase('sqlite');
  const cacheOf = async (options: { cacheKiB?: number }) => {
    const store = (await openStore(database.location, options)) as KyselyStore;
    try {
      const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(store.db);
      return rows[0].cache_size;
    } finally {
      await store.close();
    }
  };
  try {
    assert.equal(await cacheOf({}), -65536);
    assert.equal(await cacheOf({ cacheKiB: 8192 }), -8192);
  } finally {
    await database.drop();
  }
});
