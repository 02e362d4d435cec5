// End-to-end tests of the `ringlog` command as users run it: seed, credentials --json, serve on --port 0.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { createInterface } from 'node:readline';
import type { Credentials } from '../src/auth/index.ts';
import { tokenRequest } from './support/oauth.ts';
import { ringlogArgs } from './support/ringlog-cli.ts';

function ringlog(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ringlogArgs(args), { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** `ringlog ARGS` with Date.now() pinned, so a history "ending now" ends at the same time in every run. */
function ringlogAtFixedTime(args: string[]) {
  return spawnSync(process.execPath, ringlogArgs(args, { pinnedClock: true }), {
    encoding: 'utf8',
    env: { ...process.env, RINGLOG_BENCH_NOW: String(Date.UTC(2026, 10, 20, 12)) },
    maxBuffer: 1 << 28,
  });
}

/** What `ringlog seed --json` prints. */
interface SeedSummary {
  accountId: string;
  users: number;
  extensions: number;
  records: number;
}

describe('ringlog command', () => {
  let dir: string;
  let db: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ringlog-cli-'));
    db = join(dir, 'cli.db');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('seed --json reports what it wrote, and the same flags at the same time seed the same records', () => {
    const seed = (file: string) => {
      const flags = ['--seed', '3', '--extensions', '5', '--days', '2', '--calls-per-day', '20', '--json'];
      const seeded = ringlogAtFixedTime(['seed', '--db', file, ...flags]);
      assert.equal(seeded.status, 0, seeded.stderr);
      const exported = ringlogAtFixedTime(['export', '--db', file, '--format', 'ndjson', '--out', '-']);
      assert.equal(exported.status, 0, exported.stderr);
      return {
        summary: JSON.parse(seeded.stdout) as SeedSummary,
        records: exported.stdout.split('\n').filter(Boolean),
      };
    };
    const first = seed(db);
    assert.equal(first.summary.users, 5);
    assert.ok(first.summary.extensions > first.summary.users, 'call queues are extensions too');
    assert.ok(first.summary.records > 0);
    assert.equal(first.records.length, first.summary.records);
    const again = seed(join(dir, 'again.db'));
    assert.equal(again.summary.accountId, first.summary.accountId);
    assert.deepEqual(again.records.sort(), first.records.sort());
  });

  test('credentials --json prints one JSON object with both logins, the same each time', () => {
    const result = ringlog(['credentials', '--json'], { RINGLOG_DB: db });
    assert.equal(result.status, 0, result.stderr);
    const c = JSON.parse(result.stdout) as Credentials;
    for (const key of ['accountId', 'clientId', 'clientSecret'] as const) assert.equal(typeof c[key], 'string');
    for (const who of [c.admin, c.user]) {
      for (const key of ['extensionId', 'extensionNumber', 'username', 'password', 'jwt'] as const) {
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
    const credentials = JSON.parse(ringlog(['credentials', '--json', '--db', db]).stdout) as Credentials;
    const child = spawn(process.execPath, ringlogArgs(['serve', '--db', db, '--port', '0']), {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout });
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      assert.match(firstLine, /^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await tokenRequest(
        { url: firstLine, credentials },
        {
          grant_type: 'password',
          username: `${credentials.user.username}*${credentials.user.extensionNumber}`,
          password: credentials.user.password,
        },
      );
      assert.equal(response.status, 200);
      const token = (await response.json()) as { owner_id: string };
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

describe('bin/ringlog.js, the installed command', () => {
  const bin = fileURLToPath(new URL('../bin/ringlog.js', import.meta.url));
  // What node itself sees of GLIBC_TUNABLES (printed on stderr before the CLI runs); node is found on PATH, as a
  // user's shell finds it.
  const run = (command: string, args: string[], tunables?: string) =>
    spawnSync(command, args, {
      encoding: 'utf8',
      env: {
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        NODE_OPTIONS: '--import=data:text/javascript,console.error(`tunables=${process.env.GLIBC_TUNABLES}`)',
        ...(tunables === undefined ? {} : { GLIBC_TUNABLES: tunables }),
      },
    });
  /** The GLIBC_TUNABLES node started with, as the NODE_OPTIONS import above printed it. */
  const tunablesOf = (stderr: string) => /^tunables=(.*)$/m.exec(stderr)?.[1];
  const LAUNCH = 'glibc.malloc.hugetlb=1:glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=262144';

  test('run as a command, it starts node with glibc malloc tuned and passes every argument as given', () => {
    const result = run(bin, ['no such command']);
    assert.equal(tunablesOf(result.stderr), LAUNCH);
    assert.match(result.stderr, /unknown command 'no such command'/);
    assert.equal(run(bin, ['help']).status, 0);
  });

  test("a caller's own tunables are kept, after the launcher's, so they win", () => {
    const result = run(bin, ['help'], 'glibc.malloc.hugetlb=0:glibc.malloc.arena_max=8');
    assert.equal(tunablesOf(result.stderr), `${LAUNCH}:glibc.malloc.hugetlb=0:glibc.malloc.arena_max=8`);
    assert.equal(result.status, 0);
  });

  test('run by node itself, the shell line is a comment and the environment is left as it is', () => {
    const result = run(process.execPath, [bin, 'help']);
    assert.equal(tunablesOf(result.stderr), 'undefined');
    assert.equal(result.status, 0);
    assert.match(result.stdout, /Usage: ringlog/);
  });
});
