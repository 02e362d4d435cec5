// Refusals of the live resources (active calls, telephony session read, presence) in RingCentral's envelope:
// bad parameters, missing app permissions, users reaching for the company or other extensions, unknown ids.
// Also what presence answers for extensions that have no telephony presence (queues): Offline, no telephony fields.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertSchema } from './support/rc-schema.ts';
import { backends } from './support/backends.ts';
import { JWT_GRANT, jwtAccessToken, tokenRequest } from './support/oauth.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

interface Envelope {
  errorCode: string;
  errors: { errorCode: string; parameterName?: string; permissionName?: string }[];
  parameterName?: string;
  permissionName?: string;
}

for (const backend of await backends())
  describe(`live resources refuse in RingCentral's envelope (${backend})`, () => {
    let server: TestServer;
    let admin: string;
    let user: string;

    const get = async (path: string, token: string) => {
      const response = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
      const body = (await response.json()) as Envelope & Record<string, unknown>;
      assert.ok(response.status < 500, `${path}: ${response.status}`);
      return { status: response.status, body };
    };
    const expect = async (
      path: string,
      token: string,
      status: number,
      code: string,
      field?: { parameterName?: string; permissionName?: string },
    ) => {
      const reply = await get(path, token);
      assert.equal(reply.status, status, `${path}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.errors[0].errorCode, code, path);
      if (field?.parameterName) assert.equal(reply.body.parameterName, field.parameterName, path);
      if (field?.permissionName) assert.equal(reply.body.permissionName, field.permissionName, path);
    };

    before(async () => {
      server = await startTestServer({ backend, seed: { extensions: 8, days: 1, callsPerDay: 10 } });
      admin = await jwtAccessToken(server, server.credentials.admin.jwt);
      user = await jwtAccessToken(server, server.credentials.user.jwt);
    });
    after(() => server.close());

    test('active calls: bad filters → 400 CMN-101; users and the company → 403; other extension or account', async () => {
      const company = '/restapi/v1.0/account/~/active-calls';
      const mine = '/restapi/v1.0/account/~/extension/~/active-calls';
      await expect(`${company}?direction=Sideways`, admin, 400, 'CMN-101', { parameterName: 'direction' });
      await expect(`${mine}?type=Video`, user, 400, 'CMN-101', { parameterName: 'type' });
      await expect(`${mine}?transport=Carrier`, user, 400, 'CMN-101', { parameterName: 'transport' });
      await expect(`${company}?conferenceType=Bridge`, admin, 400, 'CMN-101', { parameterName: 'conferenceType' });
      await expect(`${company}?view=Full`, admin, 400, 'CMN-101', { parameterName: 'view' });
      await expect(`${mine}?perPage=0`, user, 400, 'CMN-101', { parameterName: 'perPage' });
      await expect(company, user, 403, 'CMN-408', { permissionName: 'ReadCompanyCallLog' });
      await expect(`/account/~/extension/${server.credentials.admin.extensionId}/active-calls`, user, 403, 'CMN-419', {
        permissionName: 'ReadCallLog',
      });
      await expect('/restapi/v1.0/account/~/extension/99999999/active-calls', admin, 404, 'CMN-102');
      await expect('/restapi/v1.0/account/12345/active-calls', admin, 404, 'CMN-102', { parameterName: 'accountId' });
    });

    test('session read: needs the CallControl app permission; bad ids → 400', async () => {
      const scoped = await tokenRequest(server, {
        grant_type: JWT_GRANT,
        assertion: server.credentials.admin.jwt,
        scope: 'ReadCallLog',
      });
      const readOnly = ((await scoped.json()) as { access_token: string }).access_token;
      await expect('/restapi/v1.0/account/~/telephony/sessions/s-abc', readOnly, 403, 'CMN-401', {
        permissionName: 'CallControl',
      });
      await expect('/restapi/v1.0/account/~/telephony/sessions/s%20abc', admin, 400, 'CMN-101', {
        parameterName: 'telephonySessionId',
      });
      await expect('/restapi/v1.0/account/12345/telephony/sessions/s-abc', admin, 404, 'CMN-102');
    });

    test('presence: needs ReadPresence; a user reads only their own; bad booleans → 400', async () => {
      const scoped = await tokenRequest(server, {
        grant_type: JWT_GRANT,
        assertion: server.credentials.user.jwt,
        scope: 'ReadCallLog',
      });
      const readOnly = ((await scoped.json()) as { access_token: string }).access_token;
      await expect('/restapi/v1.0/account/~/extension/~/presence', readOnly, 403, 'CMN-401', {
        permissionName: 'ReadPresence',
      });
      await expect(
        `/restapi/v1.0/account/~/extension/${server.credentials.admin.extensionId}/presence`,
        user,
        403,
        'CMN-419',
        { permissionName: 'ReadPresenceStatus' },
      );
      await expect('/account/~/extension/~/presence?detailedTelephonyState=maybe', user, 400, 'CMN-101', {
        parameterName: 'detailedTelephonyState',
      });
    });

    test('presence of a call queue: Offline, without telephony fields', async () => {
      const extensions = await server.store.listExtensions(server.credentials.accountId);
      const queue = extensions.find((e) => e.type === 'Department');
      assert.ok(queue, 'the seeded company has a call queue');
      const reply = await get(
        `/restapi/v1.0/account/~/extension/${queue.id}/presence?detailedTelephonyState=true`,
        admin,
      );
      assert.equal(reply.status, 200);
      assertSchema('GetPresenceInfo', reply.body);
      assert.equal(reply.body.presenceStatus, 'Offline');
      for (const field of ['telephonyStatus', 'activeCalls', 'userStatus', 'dndStatus']) {
        assert.equal(reply.body[field], undefined, field);
      }
      assert.deepEqual(reply.body.extension, {
        uri: `${server.url}/restapi/v1.0/account/${server.credentials.accountId}/extension/${queue.id}`,
        id: Number(queue.id),
        extensionNumber: queue.extensionNumber,
      });
    });
  });
