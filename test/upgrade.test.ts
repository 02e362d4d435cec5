// Upgrading a database that holds records: an archive written by ringlog before its live features (schema
// 0001–0002, sync state as append-only settings rows; see test/fixtures/release-0.1-archive/README.md) is opened
// by today's code on both backends. Every later migration applies; the records read back as they were written;
// the sync checkpoints move to sync_state; and the report columns the migrations backfill give the same figures
// as a database that received the same records through today's import.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore, type Store } from '../src/store/index.ts';
import { backends, createTestDatabase, type TestDatabase } from './support/backends.ts';
import { ringlog } from './support/ringlog-cli.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures/release-0.1-archive');
const ACCOUNT = '405986647008';
const LOGS = [
  'company',
  '405988089008',
  '405988090008',
  '405988091008',
  '405988095008',
  '405988097008',
  '405988101008',
];

const fixture = (name: string) => gunzipSync(readFileSync(join(FIXTURE, name)));
const oldRecords = fixture('archive.ndjson.gz')
  .toString('utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { id: string });
const byId = (records: { id: string }[]) => [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

function cli(...args: string[]): string {
  const run = ringlog(args);
  assert.equal(run.status, 0, `ringlog ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

const exported = (db: string) =>
  cli('export', '--db', db, '--format', 'ndjson', '--from', '2000-01-01')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id: string });

const report = (db: string, name: string) =>
  JSON.parse(cli('report', name, '--db', db, '--from', '2026-11-01', '--to', '2026-12-31', '--format', 'json')) as {
    rows: unknown[];
  };

async function restore(db: TestDatabase): Promise<void> {
  if (db.backend === 'sqlite') {
    writeFileSync(db.location, fixture('archive.db.gz'));
    return;
  }
  const client = new pg.Client({ connectionString: db.location });
  await client.connect();
  try {
    await client.query(fixture('archive.pg.sql.gz').toString('utf8'));
  } finally {
    await client.end();
  }
}

for (const backend of await backends())
  describe(`upgrading an archive written before the live features (${backend})`, () => {
    let upgraded: TestDatabase;
    let fresh: TestDatabase;
    let store: Store;

    before(async () => {
      upgraded = await createTestDatabase(backend);
      fresh = await createTestDatabase(backend);
      await restore(upgraded);
      store = await openStore(upgraded.location);
    });
    after(async () => {
      await store?.close();
      await upgraded.drop();
      await fresh.drop();
    });

    test('every record reads back as the old release wrote it', () => {
      assert.equal(oldRecords.length, 332);
      assert.deepEqual(byId(exported(upgraded.location)), byId(oldRecords));
    });

    test('the sync checkpoints move to sync_state with their newest values, and the old rows go', async () => {
      for (const log of LOGS) {
        const value = await store.getSyncState(`sync.account.${ACCOUNT}.log.${log}`);
        assert.ok(value, `checkpoint of ${log}`);
        // The second run wrote the newest checkpoint: it names the first run's end, not the start of history.
        assert.doesNotMatch(value, /^2000-/);
      }
      for (const n of [1, 2, 3, 4])
        assert.equal(await store.getSetting(`sync.account.${ACCOUNT}.log.company#${n}`), null);
    });

    test('reports over the upgraded archive equal those over the same records imported today', () => {
      const ndjson = join(fresh.dir, 'records.ndjson');
      writeFileSync(ndjson, `${oldRecords.map((r) => JSON.stringify(r)).join('\n')}\n`);
      cli('import', ndjson, '--db', fresh.location);
      // Per-agent and per-queue figures also depend on the directory, which an import into an empty database
      // guesses from the records (the archive copied the upstream's); these depend on the records alone.
      for (const name of ['outcomes', 'volume', 'durations', 'contacts']) {
        const old = report(upgraded.location, name);
        assert.ok(old.rows.length > 0, `${name} has rows`);
        assert.deepEqual(old, report(fresh.location, name), name);
      }
    });
  });

test('a database a newer ringlog upgraded is refused with a message that says so, not as corrupted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlog-newer-'));
  try {
    const file = join(dir, 'newer.db');
    const store = await openStore(file);
    await store.close();
    // What a newer release leaves: a migration this one does not have.
    const db = new Database(file);
    db.prepare("insert into ringlog_migration (name, timestamp) values ('9999-from-a-newer-release', ?)").run(
      new Date().toISOString(),
    );
    db.close();
    const run = ringlog(['report', 'volume', '--db', file, '--from', '2026-01-01', '--to', '2026-01-02']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /upgraded by a newer ringlog \(its migration 9999-from-a-newer-release is unknown/);
    assert.doesNotMatch(run.stderr, /corrupted|at .*\.ts:\d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
