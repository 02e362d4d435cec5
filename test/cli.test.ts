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
