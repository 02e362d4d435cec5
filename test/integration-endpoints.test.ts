// What integrations call around the call log (issue 12, item 8): an extension's phone numbers, the company
// log's extract-sync through @rc-ex/core, X-Rate-Limit-* headers on a server without limits, and the
// ReadCompanyCallLog 403 of company-level resources.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import RingCentral from '@rc-ex/core';
import type RestException from '@rc-ex/core/RestException';
import { fromWire } from '../src/domain/index.ts';
import { assertSchema } from './support/rc-schema.ts';
import { backends } from './support/backends.ts';
import { jwtAccessToken } from './support/oauth.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

interface Body {
  [key: string]: unknown;
  records: Record<string, unknown>[];
}

for (const backend of await backends())
  describe(`integration endpoints (${backend})`, () => {
    let server: TestServer;
    /** The server's clock: ahead of the real one, so records the seed just wrote are past extract-sync's margin. */
    let clock = Date.now() + 60_000;
    let admin: string;
    let user: string;
    let rc: RingCentral;

    const get = async (path: string, token: string) => {
      const response = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
      return { response, body: (await response.json()) as Body };
    };

    before(async () => {
      server = await startTestServer({ backend, now: () => clock, seed: { days: 5, callsPerDay: 60 } });
      admin = await jwtAccessToken(server, server.credentials.admin.jwt);
      user = await jwtAccessToken(server, server.credentials.user.jwt);
      rc = new RingCentral({
        server: server.url,
        clientId: server.credentials.clientId,
        clientSecret: server.credentials.clientSecret,
      });
      await rc.authorize({ jwt: server.credentials.admin.jwt });
    });
    after(() => server.close());

    describe('GET …/extension/{id}/phone-number', () => {
      test("a user's own numbers: the direct number (primary) and the company main number, schema-valid", async () => {
        const { response, body } = await get('/restapi/v1.0/account/~/extension/~/phone-number', user);
        assert.equal(response.status, 200);
        assertSchema('GetExtensionPhoneNumbersResponse', body);
        const extension = await server.store.getExtension(server.credentials.user.extensionId);
        const account = await server.store.getAccount(server.credentials.accountId);
        assert.deepEqual(
          body.records.map((r) => [r.phoneNumber, r.usageType, r.primary]),
          [
            ...extension!.phoneNumbers.map((n, i) => [n, 'DirectNumber', i === 0]),
            [account!.mainNumber, 'MainCompanyNumber', false],
          ],
        );
        const direct = body.records[0] as { extension: { id: number; extensionNumber: string }; features: string[] };
        assert.equal(String(direct.extension.id), extension!.id);
        assert.equal(direct.extension.extensionNumber, extension!.extensionNumber);
        assert.ok(direct.features.includes('CallerId'));
      });

      test('usageType filters; paging says how many there are', async () => {
        const { body } = await get('/account/~/extension/~/phone-number?usageType=DirectNumber&perPage=1', user);
        assertSchema('GetExtensionPhoneNumbersResponse', body);
        assert.deepEqual(
          body.records.map((r) => r.usageType),
          ['DirectNumber'],
        );
        const { body: none } = await get('/account/~/extension/~/phone-number?status=Pending', user);
        assert.deepEqual(none.records, []);
      });

      test("an admin reads another extension's numbers; a user may not (403 CMN-419); unknown → 404", async () => {
        const path = `/restapi/v1.0/account/~/extension/${server.credentials.user.extensionId}/phone-number`;
        const ok = await get(path, admin);
        assert.equal(ok.response.status, 200);
        assert.equal(
          ok.body.records[0].phoneNumber,
          (await server.store.getExtension(server.credentials.user.extensionId))!.phoneNumbers[0],
        );
        const other = await get(
          `/restapi/v1.0/account/~/extension/${server.credentials.admin.extensionId}/phone-number`,
          user,
        );
        assert.equal(other.response.status, 403);
        assert.equal(other.body.errorCode, 'CMN-419');
        const unknown = await get('/restapi/v1.0/account/~/extension/99999999/phone-number', admin);
        assert.equal(unknown.response.status, 404);
        assert.equal(unknown.body.errorCode, 'CMN-102');
        const bad = await get('/restapi/v1.0/account/~/extension/~/phone-number?usageType=Nope', user);
        assert.equal(bad.response.status, 400);
        assert.equal(bad.body.parameterName, 'usageType');
      });
    });

    describe('GET …/account/{id}/call-log-extract-sync (through @rc-ex/core)', () => {
      test('FSync then ISync until no newer records: every company record exactly once, oldest write first', async () => {
        const account = rc.restapi().account();
        const total = await server.store.countRecords({
          accountId: server.credentials.accountId,
          extensionId: null,
          dateFrom: 0,
          dateTo: clock,
          view: 'Simple',
        });
        assert.ok(total > 120, `enough records for several pages (${total})`);
        const seen: string[] = [];
        let answer = await account
          .callLogExtractSync()
          .get({ syncType: 'FSync', dateFrom: '2000-01-01T00:00:00Z', recordCount: 50 });
        for (let calls = 1; ; calls++) {
          assertSchema('CompanyCallLogSyncInfo', answer.syncInfo);
          assert.equal(typeof answer.syncInfo?.newerRecordsExist, 'boolean');
          for (const record of answer.records ?? []) assertSchema('CompanyCallLogRecord', record);
          assert.ok((answer.records ?? []).length <= 50);
          seen.push(...(answer.records ?? []).map((r) => r.id!));
          if (!answer.syncInfo?.newerRecordsExist) break;
          assert.ok(calls < 50, 'ends');
          answer = await account.callLogExtractSync().get({ syncType: 'ISync', syncToken: answer.syncInfo.syncToken });
        }
        assert.equal(seen.length, total);
        assert.equal(new Set(seen).size, total, 'no record twice');

        // A record written now is handed out by the next ISync once it is past the safety margin, and only once.
        const json = await server.store.getRecords(server.credentials.accountId, null, [seen[0]], 'Detailed');
        const changed = fromWire(JSON.parse(json.get(seen[0])!.replaceAll('\\u0000', server.url)), {
          accountId: server.credentials.accountId,
          logExtensionId: null,
        });
        changed.lastModifiedTime += 1000;
        await server.store.upsertRecords([changed]);
        const token = answer.syncInfo!.syncToken;
        clock = Date.now();
        const early = await account.callLogExtractSync().get({ syncType: 'ISync', syncToken: token });
        assert.deepEqual(early.records, [], 'not before the margin');
        clock = Date.now() + 60_000;
        const later = await account.callLogExtractSync().get({ syncType: 'ISync', syncToken: token });
        assert.deepEqual(
          later.records!.map((r) => r.id),
          [seen[0]],
        );
        const again = await account
          .callLogExtractSync()
          .get({ syncType: 'ISync', syncToken: later.syncInfo!.syncToken });
        assert.deepEqual(again.records, []);
        assert.equal(again.syncInfo!.newerRecordsExist, false);
      });

      test('dateFrom defaults to an hour ago; Detailed view; bad token → 400 CLG-101; a user → 403 ReadCompanyCallLog', async () => {
        const fresh = await rc.restapi().account().callLogExtractSync().get({ view: 'Detailed', recordCount: 5 });
        assert.equal(fresh.syncInfo!.syncType, 'FSync');
        for (const record of fresh.records ?? []) assert.ok(Array.isArray(record.legs), 'Detailed records carry legs');

        const bad = await get(
          '/restapi/v1.0/account/~/call-log-extract-sync?syncType=ISync&syncToken=nope.nope',
          admin,
        );
        assert.equal(bad.response.status, 400);
        assert.equal(bad.body.errorCode, 'CLG-101');
        assert.equal(bad.body.parameterName, 'syncToken');
        const count = await get('/restapi/v1.0/account/~/call-log-extract-sync?recordCount=0', admin);
        assert.equal(count.response.status, 400);
        assert.equal(count.body.parameterName, 'recordCount');

        const userRc = new RingCentral({
          server: server.url,
          clientId: server.credentials.clientId,
          clientSecret: server.credentials.clientSecret,
        });
        await userRc.authorize({ jwt: server.credentials.user.jwt });
        await assert.rejects(userRc.restapi().account().callLogExtractSync().get(), (err: RestException) => {
          const body = err.response.data as { errorCode: string; permissionName: string; message: string };
          assert.equal(err.response.status, 403);
          assert.equal(body.errorCode, 'InsufficientPermissions');
          assert.equal(body.permissionName, 'ReadCompanyCallLog');
          assert.equal(body.message, '[ReadCompanyCallLog] permission required');
          return true;
        });
      });
    });

    test('without rate limits every API response still says X-Rate-Limit-*, with nothing to wait for', async () => {
      for (const [path, group] of [
        ['/restapi/v1.0/account/~/extension/~/call-log', 'Heavy'],
        ['/restapi/v1.0/account/~/extension/~', 'Light'],
        ['/restapi/v1.0/account/~/extension', 'Medium'],
      ] as const) {
        const { response } = await get(path, user);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('x-rate-limit-group'), group, path);
        const limit = Number(response.headers.get('x-rate-limit-limit'));
        const remaining = Number(response.headers.get('x-rate-limit-remaining'));
        const window = Number(response.headers.get('x-rate-limit-window'));
        assert.ok(remaining > 0 && remaining <= limit, `${path}: remaining ${remaining} of ${limit}`);
        assert.ok(window > 0 && (window * 1000) / remaining < 1, `${path}: spreading the rest waits under a ms`);
      }
    });

    test('a user gets 403 CMN-408 [ReadCompanyCallLog] on the company log and its sync', async () => {
      for (const path of ['/restapi/v1.0/account/~/call-log', '/restapi/v1.0/account/~/call-log-sync?recordCount=5']) {
        const { response, body } = await get(path, user);
        assert.equal(response.status, 403);
        assert.equal(body.errorCode, 'InsufficientPermissions');
        assert.deepEqual(body.errors, [
          {
            errorCode: 'CMN-408',
            message: '[ReadCompanyCallLog] permission required',
            permissionName: 'ReadCompanyCallLog',
          },
        ]);
      }
    });
  });
