// @ringcentral/sdk 5.x, unchanged, against a running ringlog: logins, call-log lists and paging by navigation
// links, the short path form, bulk reads through the SDK's multipart reader, token refresh and logout.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SDK, type ApiError } from '@ringcentral/sdk';
import { startTestServer, TEST_END_TIME, type TestServer } from './support/test-server.ts';
import { tokenRequest } from './support/oauth.ts';
import { backends } from './support/backends.ts';
import {
  checkCallLogList,
  checkRecord,
  historyWindow,
  type CallLogListBody,
  type CallLogRecordBody,
  type ListRequest,
  type View,
} from './support/call-log-envelope.ts';

const WINDOW = historyWindow(TEST_END_TIME);
const MY_LOG = '/restapi/v1.0/account/~/extension/~/call-log';
const COMPANY_LOG = '/restapi/v1.0/account/~/call-log';

type Platform = ReturnType<SDK['platform']>;

let sdkCount = 0;

/** A fresh SDK for the server; each gets its own cache prefix, since the SDK's Node storage is shared. */
function sdkFor(server: TestServer): SDK {
  sdkCount += 1;
  return new SDK({
    server: server.url,
    clientId: server.credentials.clientId,
    clientSecret: server.credentials.clientSecret,
    cachePrefix: `ringlog-test-${sdkCount}-`,
  });
}

async function jwtLogin(server: TestServer, who: 'admin' | 'user' = 'admin'): Promise<SDK> {
  const sdk = sdkFor(server);
  await sdk.platform().login({ jwt: server.credentials[who].jwt });
  return sdk;
}

/** Password login as @ringcentral/sdk does it (it sends `username=<number>*<extension>`), without its deprecation warning. */
async function passwordLogin(sdk: SDK, credential: { username: string; extensionNumber: string; password: string }) {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return await sdk.platform().login({
      username: credential.username,
      extension: credential.extensionNumber,
      password: credential.password,
    });
  } finally {
    console.warn = warn;
  }
}

async function statusWithToken(server: TestServer, accessToken: string): Promise<number> {
  const res = await fetch(`${server.url}${MY_LOG}?dateFrom=${WINDOW.dateFrom}&dateTo=${WINDOW.dateTo}`, {
    headers: { Authorization: `Bearer ${accessToken}` },
  });
  await res.arrayBuffer();
  return res.status;
}

/** Reads every page of a list by following navigation.nextPage.uri, checking each page on the way. */
async function readAllPages(
  platform: Platform,
  path: string,
  query: Record<string, string | number>,
  expect: Omit<ListRequest, 'page'>,
): Promise<CallLogListBody[]> {
  const pages: CallLogListBody[] = [];
  let body = checkCallLogList(await (await platform.get(path, query)).json(), { ...expect, page: 1 });
  pages.push(body);
  while (body.navigation.nextPage) {
    const next = body.navigation.nextPage.uri;
    body = checkCallLogList(await (await platform.get(next)).json(), { ...expect, page: pages.length + 1 });
    assert.ok(body.records.length > 0, `navigation.nextPage of page ${pages.length} led to an empty page`);
    pages.push(body);
  }
  return pages;
}

for (const backend of await backends())
  describe(`@ringcentral/sdk against ringlog (${backend})`, () => {
    let server: TestServer;
    let admin: SDK;

    const myLog = (view: View, page: number, perPage: number): ListRequest => ({
      server: server.url,
      level: 'extension',
      accountId: server.credentials.accountId,
      extensionId: server.credentials.admin.extensionId,
      view,
      page,
      perPage,
    });

    before(async () => {
      server = await startTestServer({ backend });
      admin = await jwtLogin(server);
    });
    after(() => server?.close());

    test('logs in with a JWT and keeps the token the server issued', async () => {
      const data = await admin.platform().auth().data();
      assert.equal(typeof data.access_token, 'string');
      assert.equal(data.token_type, 'bearer');
      assert.equal(typeof data.refresh_token, 'string');
      assert.equal(data.owner_id, server.credentials.admin.extensionId);
      assert.ok(await admin.platform().auth().accessTokenValid());
      assert.ok(await admin.platform().loggedIn());
    });

    test("logs in with a password (username=<number>*<extension>) and reads that user's own log", async () => {
      const sdk = sdkFor(server);
      const { user } = server.credentials;
      await passwordLogin(sdk, user);
      assert.equal((await sdk.platform().auth().data()).owner_id, user.extensionId);

      const res = await sdk
        .platform()
        .get('/restapi/v1.0/account/~/extension/~/call-log', { ...WINDOW, perPage: 1000 });
      const list = checkCallLogList(await res.json(), {
        ...myLog('Simple', 1, 1000),
        extensionId: user.extensionId,
      });
      assert.ok(list.records.length > 0, 'the user has calls in the generated history');
    });

    test('a wrong password is refused with the OAuth error text and no token', async () => {
      const sdk = sdkFor(server);
      const { admin: credential } = server.credentials;
      await assert.rejects(
        passwordLogin(sdk, { ...credential, password: `${credential.password}-wrong` }),
        (err: ApiError) => {
          assert.equal(err.response?.status, 400);
          assert.equal(err.message, 'Invalid resource owner credentials');
          return true;
        },
      );
      assert.equal(await sdk.platform().auth().accessTokenValid(), false);
    });

    test('pages through a call log by following navigation.nextPage: every record once, newest first', async () => {
      const company = (view: View, page: number, perPage: number): ListRequest => ({
        ...myLog(view, page, perPage),
        level: 'account',
      });
      for (const [path, log] of [
        [MY_LOG, myLog],
        [COMPANY_LOG, company],
      ] as const) {
        const pages = await readAllPages(
          admin.platform(),
          path,
          { view: 'Detailed', ...WINDOW, perPage: 25 },
          log('Detailed', 0, 25),
        );
        assert.ok(pages.length >= 2, `expected more than one page of 25 in ${path}, got ${pages.length}`);
        assert.equal(pages.at(-1)!.navigation.nextPage, undefined);

        const paged = pages.flatMap((p) => p.records);
        const ids = paged.map((r) => r.id);
        assert.equal(new Set(ids).size, ids.length, `a record of ${path} appeared on two pages`);
        for (let i = 1; i < paged.length; i++) {
          assert.ok(
            Date.parse(paged[i].startTime) <= Date.parse(paged[i - 1].startTime),
            `pages of ${path} are not newest first`,
          );
        }

        const res = await admin.platform().get(path, { view: 'Detailed', ...WINDOW, perPage: 1000 });
        const whole = checkCallLogList(await res.json(), log('Detailed', 1, 1000));
        assert.equal(whole.navigation.nextPage, undefined);
        assert.deepEqual(
          ids,
          whole.records.map((r) => r.id),
          `pages of ${path} differ from one page of 1000`,
        );
      }
    });

    test('perPage above 1000 is served as 1000, and a page past the end is empty with a way back', async () => {
      const res = await admin.platform().get(MY_LOG, { ...WINDOW, perPage: 5000 });
      const whole = checkCallLogList(await res.json(), myLog('Simple', 1, 1000));
      const pages = Math.ceil(whole.records.length / 10);

      const past = await admin.platform().get(MY_LOG, { ...WINDOW, perPage: 10, page: pages + 1 });
      const empty = checkCallLogList(await past.json(), myLog('Simple', pages + 1, 10));
      assert.deepEqual(empty.records, []);
      assert.equal(empty.navigation.nextPage, undefined);
      assert.ok(empty.navigation.previousPage);
    });

    test('the short path without /restapi/v1.0 gives the same records', async () => {
      const query = { view: 'Simple', ...WINDOW, perPage: 1000 };
      const full = (await (await admin.platform().get(MY_LOG, query)).json()) as { records: unknown[] };
      const short = (await (await admin.platform().get('/account/~/extension/~/call-log', query)).json()) as {
        records: unknown[];
      };
      checkCallLogList(short, myLog('Simple', 1, 1000));
      assert.deepEqual(short.records, full.records);
    });

    test('an administrator lists the company call log in both views', async () => {
      const request = (view: View): ListRequest => ({
        server: server.url,
        level: 'account',
        accountId: server.credentials.accountId,
        view,
        page: 1,
        perPage: 1000,
      });
      const simple = checkCallLogList(
        await (await admin.platform().get(COMPANY_LOG, { ...WINDOW, perPage: 1000 })).json(),
        request('Simple'),
      );
      const detailed = checkCallLogList(
        await (await admin.platform().get(COMPANY_LOG, { view: 'Detailed', ...WINDOW, perPage: 1000 })).json(),
        request('Detailed'),
      );
      assert.ok(simple.records.length > 0);
      assert.deepEqual(
        detailed.records.map((r) => r.id),
        simple.records.map((r) => r.id),
      );

      const mine = (await (await admin.platform().get(MY_LOG, { ...WINDOW, perPage: 1000 })).json()) as {
        records: unknown[];
      };
      assert.ok(simple.records.length > mine.records.length, "the company log holds more than one extension's calls");
    });

    test("reads several records in one request; the SDK's multipart reader splits the 207 answer", async () => {
      const list = (await (await admin.platform().get(MY_LOG, { ...WINDOW, perPage: 3 })).json()) as {
        records: CallLogRecordBody[];
      };
      const ids = list.records.map((r) => r.id);
      assert.equal(ids.length, 3);

      const res = await admin.platform().get(`${MY_LOG}/${[...ids, 'NoSuchRecord1'].join(',')}`);
      assert.equal(res.status, 207);
      const parts = await admin.client().multipart(res);
      assert.deepEqual(
        parts.map((p) => p.status),
        [200, 200, 200, 404],
      );
      const bodies = (await Promise.all(parts.map((p) => p.json()))) as unknown[];
      for (const [i, id] of ids.entries()) {
        const record = checkRecord(bodies[i], myLog('Simple', 1, 1));
        const single = (await (await admin.platform().get(`${MY_LOG}/${id}`)).json()) as unknown;
        assert.deepEqual(record, single);
      }
      assert.equal((bodies[3] as { errorCode: string }).errorCode, 'CMN-102');
    });

    test('an explicit refresh rotates the pair: the old access and refresh tokens stop working', async () => {
      const sdk = await jwtLogin(server);
      const before = await sdk.platform().auth().data();
      await sdk.platform().refresh();
      const after = await sdk.platform().auth().data();
      assert.notEqual(after.access_token, before.access_token);
      assert.notEqual(after.refresh_token, before.refresh_token);

      assert.equal(await statusWithToken(server, after.access_token!), 200);
      assert.equal(await statusWithToken(server, before.access_token!), 401);
      const replay = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: before.refresh_token! });
      assert.equal(replay.status, 400);
      assert.equal(((await replay.json()) as { error: string }).error, 'invalid_grant');
      // A replayed refresh token revokes the session that continued from it (OAuth BCP, issue 11).
      assert.equal(await statusWithToken(server, after.access_token!), 401);
    });

    test('logout revokes the session: its access and refresh tokens are refused', async () => {
      const sdk = await jwtLogin(server);
      const { access_token: accessToken, refresh_token: refreshToken } = await sdk.platform().auth().data();
      assert.equal(await statusWithToken(server, accessToken!), 200);

      await sdk.platform().logout();
      assert.equal(await sdk.platform().auth().accessTokenValid(), false);
      assert.equal(await statusWithToken(server, accessToken!), 401);
      const refresh = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: refreshToken! });
      assert.equal(refresh.status, 400);
      assert.equal(((await refresh.json()) as { error: string }).error, 'invalid_grant');
    });
  });

for (const backend of await backends())
  describe(`@ringcentral/sdk with access tokens that live 2 seconds (${backend})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer({
        backend,
        tokens: { accessTtl: 2, minAccessTtl: 1 },
        seed: { extensions: 4, days: 2, callsPerDay: 20 },
      });
    });
    after(() => server?.close());

    test('a request after the access token expired succeeds through a refresh; the used refresh token is dead', async () => {
      const sdk = await jwtLogin(server);
      const first = await sdk.platform().auth().data();
      assert.equal(Number(first.expires_in), 2);

      await new Promise((resolve) => setTimeout(resolve, 2100));
      assert.equal(await statusWithToken(server, first.access_token!), 401, 'the first access token has expired');

      const res = await sdk.platform().get(MY_LOG, { ...historyWindow(TEST_END_TIME, 2), perPage: 1000 });
      assert.equal(res.status, 200);
      checkCallLogList(await res.json(), {
        server: server.url,
        level: 'extension',
        accountId: server.credentials.accountId,
        extensionId: server.credentials.admin.extensionId,
        view: 'Simple',
        page: 1,
        perPage: 1000,
      });

      const now = await sdk.platform().auth().data();
      assert.notEqual(now.access_token, first.access_token);
      assert.notEqual(now.refresh_token, first.refresh_token);
      const replay = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: first.refresh_token! });
      assert.equal(replay.status, 400);
      assert.equal(((await replay.json()) as { error: string }).error, 'invalid_grant');
    });
  });
