// Two `ringlog serve` processes on one PostgreSQL behave as one service: tokens, refresh rotation and
// records written through one are seen by the other at once.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { backends, createTestDatabase, type TestDatabase } from './support/backends.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { SMALL_COMPANY } from './support/test-server.ts';
import { JWT_GRANT, tokenRequest } from './support/oauth.ts';
import type { Credentials } from '../src/auth/index.ts';
import { ringlogArgs } from './support/ringlog-cli.ts';

function startServe(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ringlogArgs(['serve', '--db', db, '--port', '0']), {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (url) => resolve({ child, url }));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

/** A token request to one of the servers, as the demo app. */
async function token(server: { url: string }, credentials: Credentials, form: Record<string, string>) {
  const response = await tokenRequest({ url: server.url, credentials }, form);
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

function listLog(url: string, accessToken: string, query = '') {
  return fetch(`${url}/restapi/v1.0/account/~/extension/~/call-log?dateFrom=2000-01-01${query}`, {
    headers: { Authorization: `Bearer ${accessToken}` },
  });
}

/** The part of a call-log page these tests read. */
interface Page {
  records: { id: string; startTime: string }[];
}

const available = await backends();

describe('two servers on one PostgreSQL', { skip: !available.includes('postgres') && 'PostgreSQL unreachable' }, () => {
  let database: TestDatabase;
  let a: { child: ChildProcess; url: string };
  let b: { child: ChildProcess; url: string };
  let credentials: Credentials;
  let store: Store;

  before(async () => {
    database = await createTestDatabase('postgres');
    const seed = spawnSync(
      process.execPath,
      ringlogArgs([
        'seed',
        '--db',
        database.location,
        '--seed',
        String(SMALL_COMPANY.seed),
        '--extensions',
        '6',
        '--days',
        '3',
        '--calls-per-day',
        '30',
        '--json',
      ]),
      { encoding: 'utf8' },
    );
    assert.equal(seed.status, 0, seed.stderr);
    credentials = JSON.parse(
      spawnSync(process.execPath, ringlogArgs(['credentials', '--json', '--db', database.location]), {
        encoding: 'utf8',
      }).stdout,
    ) as Credentials;
    [a, b] = await Promise.all([startServe(database.location), startServe(database.location)]);
    store = await openStore(database.location);
  });

  after(async () => {
    a?.child.kill('SIGTERM');
    b?.child.kill('SIGTERM');
    await store?.close();
    await database?.drop();
  });

  test('a token issued by one server works on the other', async () => {
    const issued = await token(a, credentials, { grant_type: JWT_GRANT, assertion: credentials.user.jwt });
    assert.equal(issued.status, 200);
    const onB = await listLog(b.url, issued.body.access_token);
    assert.equal(onB.status, 200);
  });

  test('a refresh on one server kills the old pair on both', async () => {
    const issued = await token(a, credentials, { grant_type: JWT_GRANT, assertion: credentials.user.jwt });
    const refreshed = await token(b, credentials, {
      grant_type: 'refresh_token',
      refresh_token: issued.body.refresh_token,
    });
    assert.equal(refreshed.status, 200);
    for (const server of [a, b]) {
      assert.equal((await listLog(server.url, issued.body.access_token)).status, 401);
      assert.equal((await listLog(server.url, refreshed.body.access_token)).status, 200);
    }
    const replay = await token(a, credentials, {
      grant_type: 'refresh_token',
      refresh_token: issued.body.refresh_token,
    });
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
  });

  test('a token revoked through one server is refused by the other as soon as the revoke answers', async () => {
    const { clientId, clientSecret } = credentials;
    const issued = await token(a, credentials, { grant_type: JWT_GRANT, assertion: credentials.user.jwt });
    // Both servers have just accepted the token (a server keeping checked tokens would keep this one).
    for (const server of [a, b]) assert.equal((await listLog(server.url, issued.body.access_token)).status, 200);
    const revoked = await fetch(`${a.url}/restapi/oauth/revoke`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: issued.body.access_token }),
    });
    assert.equal(revoked.status, 200);
    for (const server of [b, a]) assert.equal((await listLog(server.url, issued.body.access_token)).status, 401);
  });

  test('concurrent refreshes of one token on both servers: exactly one wins', async () => {
    const issued = await token(a, credentials, { grant_type: JWT_GRANT, assertion: credentials.user.jwt });
    const form = { grant_type: 'refresh_token', refresh_token: issued.body.refresh_token };
    const results = await Promise.all([token(a, credentials, form), token(b, credentials, form)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400]);
  });

  test('a record written through one server is listed by the other at once', async () => {
    const issued = await token(a, credentials, { grant_type: JWT_GRANT, assertion: credentials.user.jwt });
    const before = (await (await listLog(b.url, issued.body.access_token, '&perPage=1')).json()) as Page;
    const newest = before.records[0];
    const record = {
      id: 'MultiServer0001',
      accountId: credentials.accountId,
      extensionId: credentials.user.extensionId,
      sessionId: '99000000001',
      telephonySessionId: 's-99000000001',
      startTime: Date.parse(newest.startTime) + 60_000,
      duration: 42,
      durationMs: 42_000,
      type: 'Voice' as const,
      direction: 'Inbound' as const,
      action: 'Phone Call' as const,
      result: 'Accepted' as const,
      from: { phoneNumber: '+14155550100' },
      to: { extensionNumber: credentials.user.extensionNumber },
      transport: 'PSTN' as const,
      legs: [],
      lastModifiedTime: Date.parse(newest.startTime) + 120_000,
      deleted: false,
    };
    await store.upsertRecords([record]);
    for (const server of [a, b]) {
      const page = (await (await listLog(server.url, issued.body.access_token, '&perPage=1')).json()) as Page;
      assert.equal(page.records[0].id, 'MultiServer0001');
    }
  });
});
