// Issue 11 items 9 and 12: the upstream admin's tokens are encrypted at rest in the archive, under a key kept out of
// the database; half-written blobs left by a killed writer are swept.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  createDiskBlobStore,
  decryptSetting,
  loadSecretKey,
  openStore,
  secretKeyFile,
  sweepTemporaryBlobs,
  type Store,
} from '../src/store/index.ts';
import type { KyselyStore } from '../src/store/kysely-store.ts';
import { runSync } from '../src/sync/index.ts';
import { startTestServer, TEST_END_TIME, type TestServer } from './support/test-server.ts';

const DAY = 86_400_000;

describe('upstream tokens at rest', () => {
  let upstream: TestServer;
  let dir: string;
  let store: Store;
  before(async () => {
    upstream = await startTestServer({ seed: { extensions: 3, days: 1, callsPerDay: 10 } });
    dir = mkdtempSync(join(tmpdir(), 'ringlog-secrets-'));
    store = await openStore(join(dir, 'archive.db'));
  });
  after(async () => {
    await store.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Fails on de17a40: the settings held the upstream access and refresh tokens as plain JSON.
  test('the archive keeps the upstream tokens encrypted; the key lives outside the database', async () => {
    const location = join(dir, 'archive.db');
    const key = loadSecretKey(location, undefined);
    assert.equal(statSync(secretKeyFile(location)).mode & 0o777, 0o600);
    assert.deepEqual(loadSecretKey(location, undefined), key, 'the key file is read again, not replaced');
    const sync = () =>
      runSync({
        store,
        upstream: {
          url: upstream.url,
          clientId: upstream.credentials.clientId,
          clientSecret: upstream.credentials.clientSecret,
          jwt: upstream.credentials.admin.jwt,
        },
        blobs: createDiskBlobStore(join(dir, 'blobs')),
        lookbackDays: Math.ceil((Date.now() - TEST_END_TIME) / DAY) + 3,
        secretKey: key,
        decoders: 0,
      });
    const first = await sync();
    assert.equal(first.logins, 1);
    const db = (store as KyselyStore).db;
    const settings = [
      ...(await db.selectFrom('settings').select(['key', 'value']).execute()),
      ...(await db.selectFrom('sync_state').select(['key', 'value']).execute()),
    ];
    const tokenRows = settings.filter((s) => s.key.startsWith('sync.login.') && s.key.endsWith('.token'));
    assert.ok(tokenRows.length >= 1);
    const saved = JSON.parse(decryptSetting(tokenRows[tokenRows.length - 1].value, key)!) as {
      accessToken: string;
      refreshToken: string;
    };
    const live = await fetch(`${upstream.url}/restapi/v1.0/account/~/extension/~`, {
      headers: { Authorization: `Bearer ${saved.accessToken}` },
    });
    assert.equal(live.status, 200, 'the kept token is the live one');
    for (const row of settings) {
      assert.ok(!row.value.includes(saved.accessToken), `${row.key} holds the access token`);
      assert.ok(!row.value.includes(saved.refreshToken), `${row.key} holds the refresh token`);
    }
    const file = readFileSync(location).toString('latin1') + readFileSync(`${location}-wal`).toString('latin1');
    assert.ok(!file.includes(saved.accessToken), 'the database file holds the access token');
    // The next run goes on with the kept session; without the key it cannot, and logs in again.
    assert.equal((await sync()).logins, 0);
    assert.equal(decryptSetting(tokenRows[0].value, Buffer.alloc(32, 7)), null);
    const env = loadSecretKey(location, 'ab'.repeat(32));
    assert.deepEqual(env, Buffer.alloc(32, 0xab));
    assert.throws(() => loadSecretKey(location, 'short'), /256-bit key/);
  });
});

// Fails on de17a40: a kill -9 during `sync --recordings` left its `.tmp-` file forever.
test('temporary blobs older than a quarter of an hour are swept; fresh ones and blobs are kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlog-sweep-'));
  try {
    mkdirSync(join(dir, 'ab'));
    const stale = join(dir, 'ab', 'k-recording%2F1.tmp-0123456789ab');
    const fresh = join(dir, 'ab', 'k-recording%2F2.tmp-0123456789ac');
    const blob = join(dir, 'ab', 'k-recording%2F3');
    for (const f of [stale, fresh, blob]) writeFileSync(f, 'x');
    const old = new Date(Date.now() - 3600_000);
    utimesSync(stale, old, old);
    utimesSync(blob, old, old);
    assert.equal(await sweepTemporaryBlobs(dir, Date.now()), 1);
    assert.throws(() => statSync(stale));
    statSync(fresh);
    statSync(blob);
    assert.equal(await sweepTemporaryBlobs(join(dir, 'missing'), Date.now()), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
