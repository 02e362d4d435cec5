// Issue 11 items 3, 12 and 14 through the real command: `serve --log` writes JSON lines with request ids on stderr
// (stdout's first line stays the URL), and no secret used in the run appears in any log line.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ringlogArgs } from './support/ringlog-cli.ts';
import { JWT_GRANT, tokenRequest } from './support/oauth.ts';

let dir: string;
let db: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringlog-logs-'));
  db = join(dir, 'logs.db');
  const seeded = spawnSync(
    process.execPath,
    ringlogArgs(['seed', '--db', db, '--extensions', '3', '--days', '1', '--calls-per-day', '10', '--json']),
    { encoding: 'utf8' },
  );
  assert.equal(seeded.status, 0, seeded.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Credentials {
  clientId: string;
  clientSecret: string;
  admin: { username: string; extensionNumber: string; password: string; jwt: string };
}

// Fails on de17a40: the log went to stdout before the URL, and held ?access_token=, client_secret and password.
test('serve --log: URL first on stdout, JSON request lines on stderr, no secret in any line', async () => {
  const credentials = JSON.parse(
    spawnSync(process.execPath, ringlogArgs(['credentials', '--json', '--db', db]), { encoding: 'utf8' }).stdout,
  ) as Credentials;
  const child = spawn(process.execPath, ringlogArgs(['serve', '--db', db, '--port', '0', '--log']), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const secrets: string[] = [credentials.clientSecret, credentials.admin.password, credentials.admin.jwt];
  try {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const basic = `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`;
    const post = (path: string, fields: Record<string, string>, auth = true, query = '') =>
      fetch(`${url}${path}${query}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(auth ? { Authorization: basic } : {}) },
        body: new URLSearchParams(fields),
      });
    const server = { url, credentials };
    const passwordLogin = await tokenRequest(server, {
      grant_type: 'password',
      username: credentials.admin.username,
      extension: credentials.admin.extensionNumber,
      password: credentials.admin.password,
    });
    const first = (await passwordLogin.json()) as { access_token: string; refresh_token: string };
    assert.equal(passwordLogin.status, 200);
    const jwtLogin = await tokenRequest(server, { grant_type: JWT_GRANT, assertion: credentials.admin.jwt });
    const second = (await jwtLogin.json()) as { access_token: string; refresh_token: string };
    const refreshed = (await (
      await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: second.refresh_token })
    ).json()) as { access_token: string; refresh_token: string };
    secrets.push(first.access_token, first.refresh_token, second.access_token, second.refresh_token);
    secrets.push(refreshed.access_token, refreshed.refresh_token);
    // Credentials in query strings (refused or accepted as RingCentral does) must not reach the log either.
    const query = `?client_secret=${encodeURIComponent(credentials.clientSecret)}&password=${encodeURIComponent(credentials.admin.password)}&assertion=${credentials.admin.jwt}`;
    await (await post('/restapi/oauth/token', { grant_type: 'password' }, false, query)).arrayBuffer();
    const api = await fetch(`${url}/restapi/v1.0/account/~/extension/~?access_token=${refreshed.access_token}`);
    assert.equal(api.status, 200);
    await api.arrayBuffer();
    await (await fetch(`${url}/restapi/v1.0/account/~/call-log?ACCESS_TOKEN=${first.access_token}`)).arrayBuffer();
    const revoked = await post('/restapi/oauth/revoke', { token: refreshed.access_token });
    assert.equal(revoked.status, 200);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  const lines = stderr.split('\n').filter((l) => l.startsWith('{'));
  assert.ok(lines.length >= 8, `JSON log lines on stderr: ${stderr.slice(0, 500)}`);
  const entries = lines.map((l) => JSON.parse(l) as { reqId?: string; req?: { url: string } });
  assert.ok(entries.some((e) => e.req?.url.includes('access_token=[REDACTED]')));
  for (const e of entries.filter((x) => x.req)) assert.equal(typeof e.reqId, 'string');
  assert.equal(stdout.trim().split('\n').length, 1, `stdout holds only the URL: ${stdout}`);
  for (const secret of secrets) {
    assert.ok(secret.length >= 10);
    assert.ok(!stderr.includes(secret) && !stdout.includes(secret), `a secret (${secret.slice(0, 4)}…) is in the log`);
    assert.ok(!stderr.includes(encodeURIComponent(secret)), 'an encoded secret is in the log');
  }
});
