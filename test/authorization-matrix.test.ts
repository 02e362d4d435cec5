// Issue 11 item 13: the authorization matrix, generated from one table: every endpoint × every kind of caller (no,
// malformed, expired, revoked and refresh-as-access tokens; another account's admin; a user; an app lacking the
// permission; the admin), on both backends. Each cell's answer follows from the row and the caller; a refusal
// never carries the account's data.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { KyselyStore } from '../src/store/kysely-store.ts';
import { backends } from './support/backends.ts';
import { JWT_GRANT, tokenRequest } from './support/oauth.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

type Caller =
  | 'none'
  | 'malformed'
  | 'expired'
  | 'revoked'
  | 'refreshAsAccess'
  | 'otherAccount'
  | 'lacksPermission'
  | 'user'
  | 'admin';
const CALLERS: Caller[] = [
  'none',
  'malformed',
  'expired',
  'revoked',
  'refreshAsAccess',
  'otherAccount',
  'lacksPermission',
  'user',
  'admin',
];

/** What a user gets: 'ok', a refusal code, or 'skip' when it depends on the data (e.g. whose recording it is). */
type UserAnswer = 'ok' | 'CMN-408' | 'CMN-419' | 'skip';

interface Row {
  method: 'GET' | 'DELETE';
  /** {A} the account, {X} the admin's extension, {U} the user's, {R} a company-log record, {G} a recording. */
  path: string;
  user: UserAnswer;
}

const TABLE: Row[] = [
  { method: 'GET', path: '/restapi/v1.0/account/{A}', user: 'ok' },
  { method: 'GET', path: '/restapi/v1.0/account/{A}/extension', user: 'ok' },
  { method: 'GET', path: '/restapi/v1.0/account/{A}/extension/{U}', user: 'ok' },
  { method: 'GET', path: '/restapi/v1.0/account/{A}/call-log', user: 'CMN-408' },
  { method: 'GET', path: '/restapi/v1.0/account/{A}/call-log/{R}', user: 'CMN-408' },
  { method: 'GET', path: '/restapi/v1.0/account/{A}/extension/{U}/call-log', user: 'ok' },
  { method: 'GET', path: '/restapi/v1.0/account/{A}/extension/{X}/call-log', user: 'CMN-419' },
  { method: 'GET', path: '/restapi/v1.0/account/{A}/call-log-sync?syncType=FSync&recordCount=10', user: 'CMN-408' },
  {
    method: 'GET',
    path: '/restapi/v1.0/account/{A}/extension/{U}/call-log-sync?syncType=FSync&recordCount=10',
    user: 'ok',
  },
  {
    method: 'GET',
    path: '/restapi/v1.0/account/{A}/extension/{X}/call-log-sync?syncType=FSync&recordCount=10',
    user: 'CMN-419',
  },
  { method: 'GET', path: '/restapi/v1.0/account/{A}/recording/{G}', user: 'skip' },
  { method: 'GET', path: '/restapi/v1.0/account/{A}/recording/{G}/content', user: 'skip' },
  {
    method: 'DELETE',
    path: '/restapi/v1.0/account/{A}/extension/{X}/call-log?dateTo=2000-01-01T00:00:00Z',
    user: 'CMN-419',
  },
];

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** The answer a caller must get on a row: a status and an errorCode (of errors[0]), or success. */
function expected(caller: Caller, row: Row): { status: number; code?: string } | 'success' | 'skip' {
  switch (caller) {
    case 'none':
      return { status: 401, code: 'AGW-401' };
    case 'malformed':
      return { status: 401, code: 'AGW-402' };
    case 'expired':
      return { status: 401, code: 'OAU-128' };
    case 'revoked':
    case 'refreshAsAccess':
      return { status: 401, code: 'OAU-213' };
    case 'lacksPermission':
      return { status: 403, code: 'CMN-401' };
    case 'otherAccount':
      return { status: 404, code: 'CMN-102' };
    case 'user':
      if (row.user === 'skip') return 'skip';
      return row.user === 'ok' ? 'success' : { status: 403, code: row.user };
    case 'admin':
      return 'success';
  }
}

for (const backend of await backends()) {
  describe(`authorization matrix (${backend})`, () => {
    let server: TestServer;
    const ids: Record<string, string> = {};
    const tokens = {} as Record<Caller, string | null>;
    let secretIds: string[] = [];

    before(async () => {
      server = await startTestServer({ backend, seed: { extensions: 4, days: 1, callsPerDay: 20 } });
      const { credentials, store } = server;
      const db = (store as KyselyStore).db;
      const login = async (jwt: string) =>
        (await (await tokenRequest(server, { grant_type: JWT_GRANT, assertion: jwt })).json()) as {
          access_token: string;
          refresh_token: string;
        };
      const admin = await login(credentials.admin.jwt);
      const user = await login(credentials.user.jwt);
      const revoked = await login(credentials.admin.jwt);
      const basic = `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`;
      await fetch(`${server.url}/restapi/oauth/revoke`, {
        method: 'POST',
        headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: revoked.access_token }),
      });
      Object.assign(ids, {
        A: credentials.accountId,
        X: credentials.admin.extensionId,
        U: credentials.user.extensionId,
        R: (await db.selectFrom('call_log').select('id').where('extension_id', '=', '').executeTakeFirstOrThrow()).id,
        G: (await db.selectFrom('recordings').select('id').executeTakeFirstOrThrow()).id,
      });
      secretIds = [ids.R];

      // Tokens made in the store: an expired one, one whose app lacks every permission, and another account's admin.
      const minted = async (
        name: string,
        fields: { accountId: string; extensionId: string; scope: string[]; expiresAt: number },
      ) => {
        const token = randomBytes(24).toString('base64url');
        await store.putTokens([
          {
            hash: hash(token),
            kind: 'access',
            sessionId: `matrix-${name}`,
            clientId: credentials.clientId,
            issuedAt: Date.now() - 1000,
            endpointId: 'matrix',
            ...fields,
          },
        ]);
        return token;
      };
      const full = ['ReadAccounts', 'ReadCallLog', 'ReadCallRecording', 'EditCallLog'];
      await store.putAccount({ id: '999000111', name: 'Other Co', mainNumber: '+16509990000', createdAt: 1 });
      await store.putExtensions([
        {
          id: '999000222',
          accountId: '999000111',
          extensionNumber: '101',
          name: 'Other admin',
          type: 'User',
          status: 'Enabled',
          role: 'admin',
          phoneNumbers: [],
        },
      ]);
      Object.assign(tokens, {
        none: null,
        malformed: 'Bearer two words',
        expired: `Bearer ${await minted('expired', { accountId: ids.A, extensionId: ids.X, scope: full, expiresAt: Date.now() - 1 })}`,
        revoked: `Bearer ${revoked.access_token}`,
        refreshAsAccess: `Bearer ${admin.refresh_token}`,
        otherAccount: `Bearer ${await minted('other', { accountId: '999000111', extensionId: '999000222', scope: full, expiresAt: Date.now() + 3600_000 })}`,
        lacksPermission: `Bearer ${await minted('bare', { accountId: ids.A, extensionId: ids.X, scope: [], expiresAt: Date.now() + 3600_000 })}`,
        user: `Bearer ${user.access_token}`,
        admin: `Bearer ${admin.access_token}`,
      });
    });
    after(() => server.close());

    for (const row of TABLE) {
      test(`${row.method} ${row.path}`, async () => {
        const path = row.path.replace(/\{(\w)\}/g, (_, k: string) => ids[k]);
        for (const caller of CALLERS) {
          const want = expected(caller, row);
          const token = tokens[caller];
          const response = await fetch(`${server.url}${path}`, {
            method: row.method,
            headers: token ? { Authorization: token } : {},
          });
          const bytes = Buffer.from(await response.arrayBuffer());
          const what = `${caller}: ${row.method} ${path} -> ${response.status} ${bytes.toString('utf8', 0, 200)}`;
          assert.ok(response.status < 500, what);
          if (want === 'skip') continue;
          if (want === 'success') {
            assert.ok(response.status >= 200 && response.status < 300, what);
            continue;
          }
          assert.equal(response.status, want.status, what);
          const body = JSON.parse(bytes.toString('utf8')) as { errors: { errorCode: string }[] };
          assert.equal(body.errors[0].errorCode, want.code, what);
          for (const secret of secretIds) assert.ok(!bytes.includes(secret), `${what}: leaks ${secret}`);
        }
      });
    }
  });
}
