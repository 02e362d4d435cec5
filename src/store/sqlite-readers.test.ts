// SQLite's reader threads: a thread that cannot start fails the store's open (openSqliteStore awaits ready()).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
