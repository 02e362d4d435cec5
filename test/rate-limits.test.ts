// Rate-limit groups: headers on every counted response, the count, the 429 with CMN-301 and Retry-After,
// the penalty that every refused request restarts, and separate windows per user, app and group.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './support/backends.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { DEMO_APP_PERMISSIONS } from '../src/auth/index.ts';
import { JWT_GRANT, jwtAccessToken, tokenRequest } from './support/oauth.ts';

const HEAVY = { requests: 3, windowSec: 10, penaltySec: 20 };
const AUTH = { requests: 4, windowSec: 60, penaltySec: 60 };
const LIGHT = { requests: 5, windowSec: 10, penaltySec: 20 };

for (const backend of await backends()) {
  describe(`rate limits (${backend})`, () => {
    let server: TestServer;
    let clock = Date.UTC(2026, 10, 20, 12, 0, 0);
    let adminToken: string;
    let userToken: string;

    const login = (jwt: string) => tokenRequest(server, { grant_type: JWT_GRANT, assertion: jwt });

    const list = (token: string) =>
      fetch(`${server.url}/restapi/v1.0/account/~/extension/~/call-log`, {
        headers: { Authorization: `Bearer ${token}` },
      });
    const info = (token: string) =>
      fetch(`${server.url}/restapi/v1.0/account/~/extension/~`, { headers: { Authorization: `Bearer ${token}` } });

    before(async () => {
      server = await startTestServer({
        backend,
        rateLimits: { Heavy: HEAVY, Light: LIGHT, Auth: AUTH },
        now: () => clock,
        seed: { extensions: 4, days: 1, callsPerDay: 10 },
      });
      adminToken = await jwtAccessToken(server, server.credentials.admin.jwt);
      userToken = await jwtAccessToken(server, server.credentials.user.jwt);
    });
    after(() => server.close());

    test('counted responses carry the group, limit, remaining and window', async () => {
      for (const remaining of [2, 1, 0]) {
        const response = await list(adminToken);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('x-rate-limit-group'), 'Heavy');
        assert.equal(response.headers.get('x-rate-limit-limit'), '3');
        assert.equal(response.headers.get('x-rate-limit-remaining'), String(remaining));
        assert.equal(response.headers.get('x-rate-limit-window'), '10');
      }
    });

    test('over the limit: 429 CMN-301 with Retry-After = the penalty', async () => {
      const response = await list(adminToken);
      assert.equal(response.status, 429);
      assert.equal(response.headers.get('retry-after'), '20');
      assert.equal(response.headers.get('x-rate-limit-remaining'), '0');
      const body = (await response.json()) as { errorCode: string; errors: { errorCode: string }[] };
      assert.equal(body.errorCode, 'CMN-301');
      assert.equal(body.errors[0].errorCode, 'CMN-301');
    });

    // The admin's Heavy window is spent now; each case below fails if the key drops the user, group or app.
    test('other users have their own windows', async () => {
      const response = await list(userToken);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-rate-limit-remaining'), String(HEAVY.requests - 1));
    });

    test('other groups have their own windows', async () => {
      const response = await info(adminToken);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-rate-limit-group'), 'Light');
      assert.equal(response.headers.get('x-rate-limit-remaining'), String(LIGHT.requests - 1));
    });

    test('other apps have their own windows', async () => {
      const app = { clientId: 'second-app', clientSecret: 'second-app-secret' };
      await server.store.putApp({
        ...app,
        name: 'Second app',
        permissions: [...DEMO_APP_PERMISSIONS],
        grantTypes: [JWT_GRANT],
        issueRefreshTokens: false,
      });
      const response = await list(await jwtAccessToken(server, server.credentials.admin.jwt, app));
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-rate-limit-remaining'), String(HEAVY.requests - 1));
    });

    test('the penalty outlasts the window, and a request during it restarts it', async () => {
      clock += 15_000; // the window (10 s) has passed, the penalty (20 s) has not
      assert.equal((await list(adminToken)).status, 429);
      clock += 15_000; // 30 s after the first refusal, but only 15 s after the last one
      assert.equal((await list(adminToken)).status, 429);
      clock += 21_000;
      const response = await list(adminToken);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-rate-limit-remaining'), '2');
    });

    test('the token endpoint counts in the Auth group per app', async () => {
      clock += 120_000;
      const statuses = [];
      for (let i = 0; i < AUTH.requests + 1; i++) statuses.push((await login(server.credentials.user.jwt)).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
      const refused = await login(server.credentials.user.jwt);
      assert.equal(refused.headers.get('x-rate-limit-group'), 'Auth');
      assert.equal(refused.headers.get('retry-after'), '60');
    });
  });
}
