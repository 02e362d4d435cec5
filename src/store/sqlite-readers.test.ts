// SQLite's reader threads: a thread that cannot start fails the store's open (openSqliteStore awaits ready()).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteReaders } from './sqlite-readers.ts';

test(
  'reader threads that cannot open their database fail ready(), not a later query',
  { timeout: 30_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringlog-readers-'));
    const readers = new SqliteReaders(join(dir, 'missing.db'), 2);
    try {
      await assert.rejects(readers.ready());
    } finally {
      await readers.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'a freed reader thread goes to a waiting list page first, unless other queries wait and none holds a thread',
  { timeout: 10_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringlog-readers-'));
    const file = join(dir, 'readers.db');
    new Database(file).close();
    const readers = new SqliteReaders(file, 2);
    try {
      await readers.ready();
      const order: string[] = [];
      // A thread that never comes fails the test (which then closes the threads) rather than hanging it.
      const take = (name: string, page: boolean) =>
        Promise.race([
          readers.acquire(page).then((thread) => {
            order.push(name);
            return thread;
          }),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${name} got no thread`)), 3000)),
        ]);
      // Both threads on list pages; a page, then a report's part, wait. The part goes first: no other query holds a
      // thread (behind a steady list load it would starve otherwise).
      const first = await readers.acquire(true);
      const second = await readers.acquire(true);
      const page0 = take('page 0', true);
      const part1 = take('part 1', false);
      readers.release(first);
      const partThread = await part1;
      // A part holds a thread: waiting pages go before another part, even one that waited longer.
      const part2 = take('part 2', false);
      const page1 = take('page 1', true);
      readers.release(second);
      const pageThread = await page0;
      readers.release(partThread);
      const part2Thread = await part2;
      readers.release(pageThread);
      const page1Thread = await page1;
      assert.deepEqual(order, ['part 1', 'page 0', 'part 2', 'page 1']);
      readers.release(part2Thread);
      readers.release(page1Thread);
    } finally {
      await readers.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
