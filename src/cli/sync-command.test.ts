// Tests of the sync configuration: flags win over RINGLOG_SYNC_* variables, which win over the --config file;
// missing credentials are named; --verify gets a whole-day range.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSyncConfig } from './sync-command.ts';

const FILE = JSON.stringify({
  from: 'https://file.example.com',
  clientId: 'file-id',
  clientSecret: 'file-secret',
  jwt: 'file-jwt',
  db: 'file.db',
  lookbackDays: 30,
  recordings: true,
});
const read = () => FILE;

test('flags win over the environment, which wins over the file', () => {
  const env = { RINGLOG_SYNC_CLIENT_ID: 'env-id', RINGLOG_SYNC_JWT: 'env-jwt' };
  const config = buildSyncConfig({ config: 'sync.json', jwt: 'flag-jwt' }, env, 0, read);
  assert.deepEqual(config.upstream, {
    url: 'https://file.example.com',
    clientId: 'env-id',
    clientSecret: 'file-secret',
    jwt: 'flag-jwt',
  });
  assert.equal(config.db, 'file.db');
  assert.equal(config.lookbackDays, 30);
  assert.equal(config.recordings, true);
  assert.equal(buildSyncConfig({ config: 'x', db: 'flag.db' }, { RINGLOG_DB: 'env.db' }, 0, read).db, 'flag.db');
  assert.equal(buildSyncConfig({ config: 'x' }, { RINGLOG_DB: 'env.db' }, 0, read).db, 'env.db');
});

test('missing credentials are named with their variables', () => {
  assert.throws(
    () => buildSyncConfig({ from: 'https://x.example.com' }, {}),
    /--client-id \(or RINGLOG_SYNC_CLIENT_ID\), --client-secret .*, --jwt/,
  );
  assert.throws(
    () => buildSyncConfig({ from: 'ftp://x', clientId: 'a', clientSecret: 'b', jwt: 'c' }, {}),
    /--from must be an http\(s\) URL/,
  );
});

test('--verify: dates are whole days; by default the last 30 days', () => {
  const base = { from: 'https://x.example.com', clientId: 'a', clientSecret: 'b', jwt: 'c', verify: true };
  const range = buildSyncConfig({ ...base, dateFrom: '2026-11-01', dateTo: '2026-11-02' }, {}).verify;
  assert.deepEqual(range, { dateFrom: Date.UTC(2026, 10, 1), dateTo: Date.UTC(2026, 10, 3) - 1 });
  const now = Date.UTC(2026, 10, 20, 12);
  assert.deepEqual(buildSyncConfig(base, {}, now).verify, { dateFrom: Date.UTC(2026, 9, 22), dateTo: now });
  assert.throws(() => buildSyncConfig({ ...base, dateFrom: 'yesterday' }, {}), /--date-from must be a date/);
});

test('--follow cannot be combined with --verify', () => {
  const flags = { from: 'https://x.example.com', clientId: 'i', clientSecret: 's', jwt: 'j' };
  assert.equal(buildSyncConfig({ ...flags, follow: true }, {}).follow, true);
  assert.equal(buildSyncConfig(flags, {}).follow, false);
  assert.throws(() => buildSyncConfig({ ...flags, follow: true, verify: true }, {}), /--follow and --verify/);
});
