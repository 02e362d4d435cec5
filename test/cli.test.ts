// End-to-end tests of the `ringlog` command as users run it: seed, credentials --json, serve on --port 0.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createInterface } from 'node:readline';

const BIN = join(import.meta.dirname, '../bin/ringlog.js');

function ringlog(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('ringlog command', () => {
  let dir: string;
  let db: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ringlog-cli-'));
    db = join(dir, 'cli.db');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('seed --json reports what it wrote and is deterministic', () => {
    const args = [
      'seed',
      '--db',
      db,
      '--seed',
      '3',
      '--extensions',
      '5',
      '--days',
      '2',
      '--calls-per-day',
      '20',
      '--json',
    ];
    const first = ringlog(args);
    assert.equal(first.status, 0, first.stderr);
    const summary = JSON.parse(first.stdout);
    assert.equal(summary.users, 5);
    assert.ok(summary.extensions > summary.users, 'call queues are extensions too');
    assert.ok(summary.records > 0);
    const again = JSON.parse(ringlog(args).stdout);
    assert.equal(again.accountId, summary.accountId);
  });

  test('credentials --json prints one JSON object with both logins, the same each time', () => {
    const result = ringlog(['credentials', '--json'], { RINGLOG_DB: db });
    assert.equal(result.status, 0, result.stderr);
    const c = JSON.parse(result.stdout);
    for (const key of ['accountId', 'clientId', 'clientSecret']) assert.equal(typeof c[key], 'string');
    for (const who of [c.admin, c.user]) {
      for (const key of ['extensionId', 'extensionNumber', 'username', 'password', 'jwt']) {
        assert.equal(typeof who[key], 'string', key);
      }
    }
    assert.equal(c.admin.extensionNumber, '101');
    assert.deepEqual(JSON.parse(ringlog(['credentials', '--json', '--db', db]).stdout), c);
  });

  test('app --name --redirect-uri registers a third-party app, the same one each time; a bad URI is refused', () => {
    const args = ['app', '--db', db, '--name', 'Acme CRM', '--redirect-uri', 'https://crm.example.com/cb', '--json'];
    const first = ringlog([...args, '--redirect-uri', 'http://localhost:7000/cb']);
    assert.equal(first.status, 0, first.stderr);
    type App = { name: string; clientId: string; clientSecret: string; redirectUris: string[] };
    const app = JSON.parse(first.stdout) as App;
    assert.equal(app.name, 'Acme CRM');
    assert.deepEqual(app.redirectUris, ['https://crm.example.com/cb', 'http://localhost:7000/cb']);
    assert.equal(typeof app.clientId, 'string');
    assert.ok(app.clientSecret.length >= 32);
    const again = JSON.parse(ringlog(args).stdout) as App;
    assert.deepEqual(again, { ...app, redirectUris: ['https://crm.example.com/cb'] });
    const spa = JSON.parse(
      ringlog(['app', '--db', db, '--name', 'SPA', '--public', '--redirect-uri', 'http://localhost:9/', '--json'])
        .stdout,
    ) as App;
    assert.equal(spa.clientSecret, '');
    assert.notEqual(spa.clientId, app.clientId);
    const bad = ringlog(['app', '--db', db, '--name', 'Bad', '--redirect-uri', 'javascript:alert(1)']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /redirect URI "javascript:alert\(1\)" may not use javascript:/);
  });

  test('serve --port 0 prints the URL first and answers the token endpoint', async () => {
    const credentials = JSON.parse(ringlog(['credentials', '--json', '--db', db]).stdout);
    const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout! });
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      assert.match(firstLine, /^http:\/\/127\.0\.0\.1:\d+$/);
      const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
      const response = await fetch(`${firstLine}/restapi/oauth/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'password',
          username: `${credentials.user.username}*${credentials.user.extensionNumber}`,
          password: credentials.user.password,
        }),
      });
      assert.equal(response.status, 200);
      const token = await response.json();
      assert.equal(token.owner_id, credentials.user.extensionId);
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('bad flags fail with a message, not a stack trace', () => {
    const result = ringlog(['serve', '--port', 'abc', '--db', db]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /--port.*'abc'.*must be a whole number/);
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/);
  });
});
