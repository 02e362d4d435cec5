// Tests of the sync command's options: flags win over RINGLOG_SYNC_* variables, which win over the --config file;
// the file is checked (each bad setting named with the file); missing credentials are named; --verify gets whole days.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSyncConfig, syncCommand, type SyncConfig, type SyncFlags } from './sync-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'ringlog-sync-config-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function file(settings: unknown): string {
  const path = join(dir, `sync-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(settings));
  return path;
}

/** The configuration `ringlog sync ARGS` would run with, under the environment variables `env`. */
async function configOf(args: string[], env: Record<string, string> = {}): Promise<SyncConfig> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (name.startsWith('RINGLOG_')) delete process.env[name];
  Object.assign(process.env, env);
  try {
    let seen: SyncConfig | undefined;
    const cmd = syncCommand((config) => {
      seen = config;
      return Promise.resolve(0);
    })
      .exitOverride()
      .configureOutput({ writeErr: () => {} });
    await cmd.parseAsync(args, { from: 'user' });
    return seen!;
  } finally {
    process.env = saved;
  }
}

const FILE = {
  from: 'https://file.example.com',
  clientId: 'file-id',
  clientSecret: 'file-secret',
  jwt: 'file-jwt',
  db: 'file.db',
  lookbackDays: 30,
  recordings: true,
  since: '2026-01-01',
};

test('flags win over the environment, which wins over the file, which wins over the defaults', async () => {
  const path = file(FILE);
  const env = { RINGLOG_SYNC_CLIENT_ID: 'env-id', RINGLOG_SYNC_JWT: 'env-jwt' };
  const config = await configOf(['--config', path, '--jwt', 'flag-jwt'], env);
  assert.deepEqual(config.upstream, {
    url: 'https://file.example.com',
    clientId: 'env-id',
    clientSecret: 'file-secret',
    jwt: 'flag-jwt',
  });
  assert.equal(config.db, 'file.db');
  assert.equal(config.lookbackDays, 30);
  assert.equal(config.recordings, true);
  assert.equal(config.since, Date.UTC(2026, 0, 1));
  assert.equal(config.perPage, 1000);
  assert.equal((await configOf(['--config', path, '--db', 'flag.db'], { RINGLOG_DB: 'env.db' })).db, 'flag.db');
  assert.equal((await configOf(['--config', path], { RINGLOG_DB: 'env.db' })).db, 'env.db');
  assert.equal((await configOf([], { RINGLOG_SYNC_CONFIG: path })).upstream.clientId, 'file-id');
  assert.equal((await configOf(['--config', path, '--lookback', '2'])).lookbackDays, 2);
});

test('the --config file is checked: each bad setting is named with the file', async () => {
  const path = file({ recordings: 'no', db: 42 });
  await assert.rejects(configOf(['--config', path]), (err: Error) => {
    assert.match(err.message, new RegExp(`--config ${path.replace(/[.\\]/g, '\\$&')}`));
    assert.match(err.message, /recordings: .*boolean/);
    assert.match(err.message, /db: .*string/);
    return true;
  });
  await assert.rejects(configOf(['--config', file({ ...FILE, perPage: 5000 })]), /perPage: .*1000/);
  await assert.rejects(configOf(['--config', file({ ...FILE, recording: true })]), /recording/);
  await assert.rejects(configOf(['--config', file({ ...FILE, since: 'yesterday' })]), /since: must be a date/);
  await assert.rejects(configOf(['--config', file({ ...FILE, from: 'ftp://x' })]), /from: must be an http\(s\) URL/);
  await assert.rejects(configOf(['--config', join(dir, 'missing.json')]), /--config .*missing\.json: ENOENT/);
});

test('bad flag and variable values are refused by name', async () => {
  const base = ['--from', 'https://x.example.com', '--client-id', 'a', '--client-secret', 'b', '--jwt', 'c'];
  await assert.rejects(configOf([...base, '--per-page', '0']), /--per-page.*must be at least 1/);
  await assert.rejects(configOf([...base, '--lookback', 'two']), /--lookback.*whole number/);
  await assert.rejects(configOf(base.slice(2), { RINGLOG_SYNC_FROM: 'ftp://x' }), /RINGLOG_SYNC_FROM.*http\(s\) URL/);
});

test('missing credentials are named with their variables', async () => {
  await assert.rejects(
    configOf(['--from', 'https://x.example.com']),
    /--client-id \(or RINGLOG_SYNC_CLIENT_ID\), --client-secret .*, --jwt/,
  );
});

test('--verify: dates are whole days; by default the last 30 days', async () => {
  const base = [
    '--from',
    'https://x.example.com',
    '--client-id',
    'a',
    '--client-secret',
    'b',
    '--jwt',
    'c',
    '--verify',
  ];
  const range = (await configOf([...base, '--date-from', '2026-11-01', '--date-to', '2026-11-02'])).verify;
  assert.deepEqual(range, { dateFrom: Date.UTC(2026, 10, 1), dateTo: Date.UTC(2026, 10, 3) - 1 });
  const now = Date.UTC(2026, 10, 20, 12);
  const flags: SyncFlags = {
    db: 'x.db',
    from: 'https://x.example.com',
    clientId: 'a',
    clientSecret: 'b',
    jwt: 'c',
    lookback: 14,
    recordings: false,
    perPage: 1000,
    verify: true,
  };
  assert.deepEqual(buildSyncConfig(flags, now).verify, { dateFrom: Date.UTC(2026, 9, 22), dateTo: now });
  await assert.rejects(configOf([...base, '--date-from', 'yesterday']), /--date-from.*must be a date/);
});

test('--follow cannot be combined with --verify', () => {
  const flags: SyncFlags = {
    db: 'x.db',
    from: 'https://x.example.com',
    clientId: 'i',
    clientSecret: 's',
    jwt: 'j',
    lookback: 14,
    recordings: false,
    perPage: 1000,
  };
  assert.equal(buildSyncConfig({ ...flags, follow: true }, 0).follow, true);
  assert.equal(buildSyncConfig(flags, 0).follow, false);
  assert.throws(() => buildSyncConfig({ ...flags, follow: true, verify: true }, 0), /--follow and --verify/);
});
