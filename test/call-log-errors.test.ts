// Bad input and permissions on the call-log API, as clients see them: every failure answers with RingCentral's
// status and error envelope (or the OAuth shape on the token endpoint), never a 500 or a stack trace.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, TEST_END_TIME, type TestServer } from './support/test-server.ts';
import { backends } from './support/backends.ts';
import { JWT_GRANT, jwtAccessToken } from './support/oauth.ts';

const API = '/restapi/v1.0';
const DAY = 86_400_000;
/** The generated span, passed explicitly (the default window ends now). */
const WINDOW = `dateFrom=${new Date(TEST_END_TIME - 10 * DAY).toISOString()}&dateTo=${new Date(TEST_END_TIME).toISOString()}`;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

interface Request {
  token?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

interface ErrorBody {
  errorCode: string;
  message: string;
  errors: { errorCode: string; message: string; parameterName?: string; permissionName?: string }[];
  parameterName?: string;
  permissionName?: string;
}

interface Expected {
  status: number;
  /** errors[0].errorCode. */
  code: string;
  /** Top-level errorCode when it differs from `code` (a list means any of these). */
  top?: string | string[];
  parameterName?: string | string[];
  permissionName?: string;
  /** RingCentral sends `errors: []` for AGW-404. */
  emptyErrors?: boolean;
}

let server: TestServer;

async function call(path: string, req: Request = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.token) headers.Authorization = `Bearer ${req.token}`;
  const res = await fetch(`${server.url}${path}`, { method: req.method ?? 'GET', headers, body: req.body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** No server error and nothing of the server's insides in the body. */
function assertNoLeak(reply: Reply, what: string): void {
  assert.ok(reply.status < 500, `${what} answered ${reply.status}: ${reply.text.slice(0, 300)}`);
  assert.doesNotMatch(reply.text, /\n\s+at |node_modules|\.ts:\d+|\.js:\d+|stack/i, `${what} leaks internals`);
}

function oneOf(actual: unknown, expected: string | string[], what: string): void {
  const list = Array.isArray(expected) ? expected : [expected];
  assert.ok(list.includes(actual as string), `${what}: got ${JSON.stringify(actual)}, expected ${list.join(' or ')}`);
}

/** Checks status and RingCentral's envelope; returns the body. */
function assertEnvelope(reply: Reply, expected: Expected, what: string): ErrorBody {
  assertNoLeak(reply, what);
  assert.equal(reply.status, expected.status, `${what}: ${reply.text.slice(0, 300)}`);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/, `${what}: content type`);
  const body = JSON.parse(reply.text) as ErrorBody;
  assert.equal(typeof body.message, 'string', `${what}: message`);
  assert.ok(body.message.length > 0, `${what}: message is not empty`);
  oneOf(body.errorCode, expected.top ?? expected.code, `${what}: top-level errorCode`);
  assert.ok(Array.isArray(body.errors), `${what}: errors[]`);
  if (expected.emptyErrors) {
    assert.deepEqual(body.errors, [], `${what}: errors`);
    return body;
  }
  assert.ok(body.errors.length >= 1, `${what}: errors[] has the error`);
  assert.equal(body.errors[0].errorCode, expected.code, `${what}: errors[0].errorCode`);
  assert.equal(typeof body.errors[0].message, 'string', `${what}: errors[0].message`);
  if (expected.parameterName !== undefined) {
    oneOf(body.parameterName, expected.parameterName, `${what}: parameterName`);
    assert.equal(body.errors[0].parameterName, body.parameterName, `${what}: errors[0].parameterName`);
  }
  if (expected.permissionName !== undefined) {
    assert.equal(body.permissionName, expected.permissionName, `${what}: permissionName`);
    assert.equal(body.errors[0].permissionName, expected.permissionName, `${what}: errors[0].permissionName`);
    assert.ok(body.message.includes(`[${expected.permissionName}]`), `${what}: message names the permission`);
  }
  return body;
}

function basic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

function tokenRequest(form: Record<string, string>, authorization?: string): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (authorization) headers.Authorization = authorization;
  return call('/restapi/oauth/token', { method: 'POST', headers, body: new URLSearchParams(form).toString() });
}

/** An extra app with only these permissions, and an admin token for it. */
async function limitedAppToken(clientId: string, permissions: string[]): Promise<string> {
  const clientSecret = `${clientId}-secret`;
  await server.store.putApp({
    clientId,
    clientSecret,
    name: clientId,
    permissions,
    grantTypes: [JWT_GRANT],
    issueRefreshTokens: false,
  });
  return jwtAccessToken(server, server.credentials.admin.jwt, { clientId, clientSecret });
}

interface ListBody {
  records: { id: string; legs?: unknown; recording?: { id: string } }[];
  paging: { page: number; perPage: number };
}

async function list(path: string, token: string): Promise<ListBody> {
  const reply = await call(path, { token });
  assert.equal(reply.status, 200, `${path}: ${reply.text.slice(0, 300)}`);
  return JSON.parse(reply.text) as ListBody;
}

/** Splits a multipart/mixed body into its parts' bodies. */
function multipartBodies(contentType: string, text: string): string[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  assert.ok(boundary, `boundary in ${contentType}`);
  assert.ok(text.trimEnd().endsWith(`--${boundary}--`), 'the final delimiter closes the body');
  return text
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => part.replace(/\r/g, '').split('\n\n').slice(1).join('\n\n').trim());
}

for (const backend of await backends())
  describe(`call-log API errors (${backend})`, () => {
    let admin: string;
    let user: string;
    let accountId: string;
    /** A company-level record, a record of the user's own log, a record of another extension's log. */
    let companyRecordId: string;
    let userRecordId: string;
    let otherRecordId: string;
    let otherExtensionId: string;
    let recordingId: string;
    const companyLog = `${API}/account/~/call-log`;
    const ownLog = `${API}/account/~/extension/~/call-log`;

    before(async () => {
      server = await startTestServer({ backend });
      accountId = server.credentials.accountId;
      admin = await jwtAccessToken(server, server.credentials.admin.jwt);
      user = await jwtAccessToken(server, server.credentials.user.jwt);
      const company = await list(`${companyLog}?${WINDOW}&perPage=max`, admin);
      companyRecordId = company.records[0].id;
      const recorded = await list(`${companyLog}?${WINDOW}&recordingType=All`, admin);
      recordingId = recorded.records[0].recording!.id;
      userRecordId = (await list(`${ownLog}?${WINDOW}`, user)).records[0].id;
      const extensions = await server.store.listExtensions(accountId);
      const other = extensions.find((e) => e.id !== server.credentials.user.extensionId && e.type === 'User')!;
      otherExtensionId = other.id;
      otherRecordId = (await list(`${API}/account/~/extension/${other.id}/call-log?${WINDOW}`, admin)).records[0].id;
    });

    after(async () => {
      await server?.close();
    });

    describe('query parameters', () => {
      test('unknown enumeration values are 400 CMN-101 naming the parameter', async () => {
        const cases: [string, string][] = [
          ['view=Fancy', 'view'],
          ['view=simple-ish', 'view'],
          ['direction=Sideways', 'direction'],
          ['direction=Inbound,Sideways', 'direction'],
          ['direction=Inbound&direction=Up', 'direction'],
          ['type=Video', 'type'],
          ['transport=Carrier', 'transport'],
          ['recordingType=Manual', 'recordingType'],
          ['withRecording=maybe', 'withRecording'],
          ['showBlocked=yes', 'showBlocked'],
          ['showDeleted=perhaps', 'showDeleted'],
        ];
        for (const [query, parameterName] of cases) {
          for (const [path, token] of [
            [companyLog, admin],
            [ownLog, user],
          ] as const) {
            const reply = await call(`${path}?${WINDOW}&${query}`, { token });
            assertEnvelope(reply, { status: 400, code: 'CMN-101', parameterName }, `${path}?${query}`);
          }
        }
        const reply = await call(`${companyLog}/${companyRecordId}?view=Fancy`, { token: admin });
        assertEnvelope(reply, { status: 400, code: 'CMN-101', parameterName: 'view' }, 'single record ?view=Fancy');
      });

      test('bad dates are 400 CMN-101 naming the date', async () => {
        const cases: [string, string][] = [
          ['dateFrom=yesterday', 'dateFrom'],
          ['dateFrom=2026-13-01', 'dateFrom'],
          ['dateTo=2026-02-30T00:00:00Z', 'dateTo'],
          ['dateTo=2026-11-15T25:00:00Z', 'dateTo'],
          ['dateFrom=1794323525000', 'dateFrom'],
          ['dateTo=2026-11-15T10:00:00%2B99:00', 'dateTo'],
        ];
        for (const [query, parameterName] of cases) {
          const reply = await call(`${companyLog}?${query}`, { token: admin });
          assertEnvelope(reply, { status: 400, code: 'CMN-101', parameterName }, query);
        }
      });

      test('dateFrom after dateTo is 400 CMN-101', async () => {
        const reply = await call(`${companyLog}?dateFrom=2026-11-15T00:00:00Z&dateTo=2026-11-14T00:00:00Z`, {
          token: admin,
        });
        assertEnvelope(
          reply,
          { status: 400, code: 'CMN-101', parameterName: ['dateFrom', 'dateTo'] },
          'dateFrom > dateTo',
        );
      });

      test('page and perPage below 1 or not numbers are 400 CMN-101', async () => {
        const cases: [string, string][] = [
          ['perPage=0', 'perPage'],
          ['perPage=-5', 'perPage'],
          ['perPage=abc', 'perPage'],
          ['perPage=1.5', 'perPage'],
          ['page=0', 'page'],
          ['page=-2', 'page'],
          ['page=abc', 'page'],
        ];
        for (const [query, parameterName] of cases) {
          for (const [path, token] of [
            [companyLog, admin],
            [ownLog, user],
          ] as const) {
            const reply = await call(`${path}?${WINDOW}&${query}`, { token });
            assertEnvelope(reply, { status: 400, code: 'CMN-101', parameterName }, `${path}?${query}`);
          }
        }
      });

      test('extensionNumber together with phoneNumber is 400', async () => {
        for (const [path, token] of [
          [companyLog, admin],
          [ownLog, user],
        ] as const) {
          const reply = await call(`${path}?${WINDOW}&extensionNumber=101&phoneNumber=16505550100`, { token });
          const body = assertEnvelope(
            reply,
            { status: 400, code: 'CMN-101', parameterName: ['phoneNumber', 'extensionNumber'] },
            `${path} extensionNumber+phoneNumber`,
          );
          assert.match(body.message, /phoneNumber/);
          assert.match(body.message, /extensionNumber/);
        }
      });

      test('malformed phoneNumber, extensionNumber and session ids are 400 CMN-101', async () => {
        const cases: [string, string][] = [
          ['phoneNumber=abc', 'phoneNumber'],
          ['extensionNumber=abc', 'extensionNumber'],
          ['sessionId=%3Cscript%3E', 'sessionId'],
          ['telephonySessionId=s%20x%2Fy', 'telephonySessionId'],
        ];
        for (const [query, parameterName] of cases) {
          const reply = await call(`${companyLog}?${WINDOW}&${query}`, { token: admin });
          assertEnvelope(reply, { status: 400, code: 'CMN-101', parameterName }, query);
        }
      });

      test('single-valued parameters given twice are tolerated', async () => {
        const cases = [
          'view=Simple&view=Detailed',
          'view=&view=Detailed',
          'perPage=5&perPage=7',
          'page=1&page=2',
          'recordingType=All&recordingType=Automatic',
          'showBlocked=true&showBlocked=false',
          'withRecording=false&withRecording=false',
          `dateFrom=${new Date(TEST_END_TIME - 3 * DAY).toISOString()}`,
        ];
        for (const query of cases) {
          const reply = await call(`${companyLog}?${WINDOW}&${query}`, { token: admin });
          assertNoLeak(reply, query);
          assert.equal(reply.status, 200, `${query}: ${reply.text.slice(0, 300)}`);
          const body = JSON.parse(reply.text) as ListBody;
          assert.ok(Array.isArray(body.records));
        }
        const twoPages = JSON.parse(
          (await call(`${companyLog}?${WINDOW}&perPage=5&perPage=7`, { token: admin })).text,
        ) as ListBody;
        oneOf(String(twoPages.paging.perPage), ['5', '7'], 'perPage given twice');
      });

      test('empty values are treated as absent', async () => {
        const plain = await list(`${companyLog}?${WINDOW}`, admin);
        const empties = [
          'view=',
          'direction=',
          'type=',
          'transport=',
          'recordingType=',
          'withRecording=',
          'showBlocked=',
          'showDeleted=',
          'perPage=',
          'page=',
          'extensionNumber=',
          'phoneNumber=',
          'sessionId=',
          'telephonySessionId=',
        ].join('&');
        const withEmpties = await list(`${companyLog}?${WINDOW}&${empties}`, admin);
        assert.deepEqual(
          withEmpties.records.map((r) => r.id),
          plain.records.map((r) => r.id),
        );
        assert.equal(withEmpties.paging.perPage, 100);
        assert.equal(withEmpties.paging.page, 1);
        assert.ok(withEmpties.records.length > 0);
        for (const r of withEmpties.records) assert.equal(r.legs, undefined, 'Simple view');

        const dateTo = new Date(TEST_END_TIME - 2 * DAY).toISOString();
        const toOnly = await list(`${companyLog}?dateTo=${dateTo}`, admin);
        const emptyFrom = await list(`${companyLog}?dateFrom=&dateTo=${dateTo}`, admin);
        assert.ok(toOnly.records.length > 0);
        assert.deepEqual(
          emptyFrom.records.map((r) => r.id),
          toOnly.records.map((r) => r.id),
        );
      });
    });

    describe('paths and record ids', () => {
      test('a malformed accountId or extensionId is 400 CMN-101 naming it', async () => {
        const cases: [string, string][] = [
          [`${API}/account/abc/call-log`, 'accountId'],
          [`${API}/account/abc/extension/~/call-log`, 'accountId'],
          [`${API}/account/~/extension/abc/call-log`, 'extensionId'],
          [`${API}/account/~/extension/abc/call-log/${companyRecordId}`, 'extensionId'],
          [`${API}/account/abc/call-log/${companyRecordId}`, 'accountId'],
          [`${API}/account/abc/recording/${recordingId}`, 'accountId'],
        ];
        for (const [path, parameterName] of cases) {
          const reply = await call(`${path}?${WINDOW}`, { token: admin });
          assertEnvelope(reply, { status: 400, code: 'CMN-101', parameterName }, path);
        }
      });

      test('malformed record and recording ids are 400 CMN-101', async () => {
        const cases: [string, string][] = [
          [`${companyLog}/bad!id`, 'callRecordId'],
          [`${companyLog}/${'a'.repeat(65)}`, 'callRecordId'],
          [`${companyLog}/bad%20id`, 'callRecordId'],
          [`${companyLog}/${companyRecordId},,${companyRecordId}`, 'callRecordId'],
          [`${ownLog}/bad!id`, 'callRecordId'],
          [`${API}/account/~/recording/abc`, 'recordingId'],
          [`${API}/account/~/recording/abc/content`, 'recordingId'],
        ];
        for (const [path, parameterName] of cases) {
          const token = path.startsWith(ownLog) ? user : admin;
          const reply = await call(path, { token });
          assertEnvelope(reply, { status: 400, code: 'CMN-101', parameterName }, path);
        }
      });

      test('unknown record ids and records of other logs are 404 CMN-102', async () => {
        const cases: [string, string, string][] = [
          [`${companyLog}/ZZZZZZZZZZZZZZZ`, admin, 'callRecordId'],
          [`${ownLog}/ZZZZZZZZZZZZZZZ`, user, 'callRecordId'],
          // An extension's record is not a record of the company log, and one extension's is not another's.
          [`${companyLog}/${userRecordId}`, admin, 'callRecordId'],
          [`${ownLog}/${companyRecordId}`, user, 'callRecordId'],
          [`${ownLog}/${otherRecordId}`, user, 'callRecordId'],
          [`${API}/account/~/recording/999999999999`, admin, 'callRecordingId'],
          [`${API}/account/~/recording/999999999999/content`, admin, 'callRecordingId'],
        ];
        for (const [path, token, parameterName] of cases) {
          const reply = await call(path, { token });
          assertEnvelope(reply, { status: 404, code: 'CMN-102', parameterName }, path);
        }
      });

      test('more than 50 ids in one bulk read is 400 CMN-106', async () => {
        const ids = Array.from({ length: 51 }, (_, i) => `id${i}`).join(',');
        const reply = await call(`${companyLog}/${ids}`, { token: admin });
        const body = assertEnvelope(reply, { status: 400, code: 'CMN-106' }, '51 ids');
        assert.match(body.message, /50/);
        const fifty = await call(`${companyLog}/${Array.from({ length: 50 }, (_, i) => `id${i}`).join(',')}`, {
          token: admin,
        });
        assertNoLeak(fifty, '50 ids');
        assert.equal(fifty.status, 207);
      });

      test('a bulk read with a missing id is 207 with that part 404 CMN-102', async () => {
        const reply = await call(`${companyLog}/${companyRecordId},ZZZZZZZZZZZZZZZ`, { token: admin });
        assertNoLeak(reply, 'bulk');
        assert.equal(reply.status, 207, reply.text.slice(0, 300));
        const contentType = reply.headers.get('content-type') ?? '';
        assert.match(contentType, /^multipart\/mixed/);
        const [summary, found, missing, ...rest] = multipartBodies(contentType, reply.text);
        assert.equal(rest.length, 0);
        const statuses = (JSON.parse(summary) as { response: { status: number; href: string }[] }).response;
        assert.deepEqual(
          statuses.map((s) => s.status),
          [200, 404],
        );
        assert.ok(statuses[1].href.endsWith('/ZZZZZZZZZZZZZZZ'));
        assert.equal((JSON.parse(found) as { id: string }).id, companyRecordId);
        const error = JSON.parse(missing) as ErrorBody;
        assert.equal(error.errorCode, 'CMN-102');
        assert.equal(error.errors[0].errorCode, 'CMN-102');
        assert.equal(error.parameterName, 'callRecordId');

        const json = await call(`${companyLog}/ZZZZZZZZZZZZZZZ,${companyRecordId}`, {
          token: admin,
          headers: { Accept: 'application/vnd.ringcentral.multipart+json' },
        });
        assert.equal(json.status, 207);
        const parts = JSON.parse(json.text) as {
          resourceId: string;
          status: number;
          body: ErrorBody & { id?: string };
        }[];
        assert.deepEqual(
          parts.map((p) => [p.resourceId, p.status]),
          [
            ['ZZZZZZZZZZZZZZZ', 404],
            [companyRecordId, 200],
          ],
        );
        assert.equal(parts[0].body.errors[0].errorCode, 'CMN-102');
        assert.equal(parts[1].body.id, companyRecordId);
      });
    });

    describe('permissions', () => {
      test('an app without ReadCallLog gets 403 InsufficientPermissions CMN-401 on the call log', async () => {
        const token = await limitedAppToken('accounts-only-app', ['ReadAccounts']);
        // The token itself works where the app has permission.
        assert.equal((await call(`${API}/account/~`, { token })).status, 200);
        for (const path of [
          `${companyLog}?${WINDOW}`,
          `${ownLog}?${WINDOW}`,
          `${companyLog}/${companyRecordId}`,
          `${API}/account/~/extension/${otherExtensionId}/call-log`,
        ]) {
          const reply = await call(path, { token });
          assertEnvelope(
            reply,
            { status: 403, code: 'CMN-401', top: 'InsufficientPermissions', permissionName: 'ReadCallLog' },
            path,
          );
        }
      });

      test('an app without ReadCallRecording gets 403 CMN-401 on recordings', async () => {
        const token = await limitedAppToken('call-log-only-app', ['ReadAccounts', 'ReadCallLog']);
        assert.equal((await call(`${companyLog}?${WINDOW}`, { token })).status, 200);
        for (const path of [
          `${API}/account/~/recording/${recordingId}`,
          `${API}/account/~/recording/${recordingId}/content`,
        ]) {
          const reply = await call(path, { token });
          assertEnvelope(
            reply,
            { status: 403, code: 'CMN-401', top: 'InsufficientPermissions', permissionName: 'ReadCallRecording' },
            path,
          );
          // The full app reads the same recording.
          const allowed = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${admin}` } });
          assert.equal(allowed.status, 200);
          await allowed.arrayBuffer();
        }
      });

      test('a user who is not an administrator gets 403 CMN-408 ReadCompanyCallLog on the company log', async () => {
        for (const path of [
          `${companyLog}?${WINDOW}`,
          `${companyLog}/${companyRecordId}`,
          `${API}/account/${accountId}/call-log`,
        ]) {
          const reply = await call(path, { token: user });
          assertEnvelope(
            reply,
            { status: 403, code: 'CMN-408', top: 'InsufficientPermissions', permissionName: 'ReadCompanyCallLog' },
            path,
          );
        }
      });

      test("a user reading another extension's log gets 403 CMN-419", async () => {
        for (const path of [
          `${API}/account/~/extension/${otherExtensionId}/call-log?${WINDOW}`,
          `${API}/account/~/extension/${otherExtensionId}/call-log/${otherRecordId}`,
          `${API}/account/~/extension/${server.credentials.admin.extensionId}/call-log`,
        ]) {
          const reply = await call(path, { token: user });
          // RingCentral documents the code and message, not the top-level code.
          assertEnvelope(
            reply,
            {
              status: 403,
              code: 'CMN-419',
              top: ['CMN-419', 'InsufficientPermissions'],
              permissionName: 'ReadCallLog',
            },
            path,
          );
        }
      });

      test('an administrator naming an extension that does not exist gets 404 CMN-102 extensionId', async () => {
        for (const path of [
          `${API}/account/~/extension/999999999999/call-log`,
          `${API}/account/~/extension/999999999999/call-log/${companyRecordId}`,
        ]) {
          const reply = await call(path, { token: admin });
          assertEnvelope(reply, { status: 404, code: 'CMN-102', parameterName: 'extensionId' }, path);
        }
      });

      test('an unknown extension is reported before a bad query parameter', async () => {
        const path = `${API}/account/~/extension/999999999999/call-log?perPage=abc`;
        assertEnvelope(
          await call(path, { token: admin }),
          { status: 404, code: 'CMN-102', parameterName: 'extensionId' },
          path,
        );
        const known = `${API}/account/~/extension/${otherExtensionId}/call-log?perPage=abc`;
        assertEnvelope(
          await call(known, { token: admin }),
          { status: 400, code: 'CMN-101', parameterName: 'perPage' },
          known,
        );
      });

      test("an extension's log with records is listed without reading the directory; an empty page reads it", async () => {
        const store = server.store;
        const getExtension = store.getExtension.bind(store);
        const asked: string[] = [];
        store.getExtension = (id: string) => {
          asked.push(id);
          return getExtension(id);
        };
        const { admin: adminLogin, user: userLogin } = server.credentials;
        const third = (await store.listExtensions(accountId)).find(
          (e) => e.type === 'User' && e.id !== adminLogin.extensionId && e.id !== userLogin.extensionId,
        )!;
        try {
          const log = `${API}/account/~/extension/${third.id}/call-log`;
          assert.ok((await list(`${log}?${WINDOW}`, admin)).records.length > 0);
          assert.deepEqual(asked, [], 'a page with records');
          const before = `dateFrom=2001-01-01T00:00:00.000Z&dateTo=2001-01-02T00:00:00.000Z`;
          assert.equal((await list(`${log}?${before}`, admin)).records.length, 0);
          assert.deepEqual(asked, [third.id], 'an empty page');
        } finally {
          store.getExtension = getExtension;
        }
      });

      test("another account's id is 404 CMN-102 accountId, and its extensions are not found", async () => {
        // A second company on the same server.
        const other = {
          id: '499999999008',
          name: 'Other Company',
          mainNumber: '+16509990000',
          createdAt: TEST_END_TIME - 100 * DAY,
        };
        const otherExtension = {
          id: '499999990008',
          accountId: other.id,
          extensionNumber: '101',
          name: 'Other Admin',
          type: 'User',
          status: 'Enabled' as const,
          role: 'admin' as const,
          phoneNumbers: ['+16509990001'],
        };
        await server.store.putAccount(other);
        await server.store.putExtensions([otherExtension]);
        for (const [path, token] of [
          [`${API}/account/${other.id}/call-log?${WINDOW}`, admin],
          [`${API}/account/${other.id}/call-log/${companyRecordId}`, admin],
          [`${API}/account/${other.id}/extension/~/call-log?${WINDOW}`, admin],
          [`${API}/account/${other.id}/extension/${otherExtension.id}/call-log?${WINDOW}`, admin],
          [`${API}/account/${other.id}/extension/~/call-log?${WINDOW}`, user],
          [`${API}/account/${other.id}/recording/${recordingId}`, admin],
          [`${API}/account/123456789008/call-log?${WINDOW}`, admin],
        ] as const) {
          const reply = await call(path, { token });
          assertEnvelope(reply, { status: 404, code: 'CMN-102', parameterName: 'accountId' }, path);
        }
        const reply = await call(`${API}/account/~/extension/${otherExtension.id}/call-log?${WINDOW}`, {
          token: admin,
        });
        assertEnvelope(
          reply,
          { status: 404, code: 'CMN-102', parameterName: 'extensionId' },
          "another account's extension",
        );
      });
    });

    describe('authentication', () => {
      const bearerChallenge = (reply: Reply, what: string) =>
        assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${what}: WWW-Authenticate`);

      test('no Authorization header is 401 AGW-401 with a Bearer challenge', async () => {
        for (const path of [
          `${companyLog}?${WINDOW}`,
          `${ownLog}/${userRecordId}`,
          `${API}/account/~/recording/${recordingId}`,
        ]) {
          const reply = await call(path);
          assertEnvelope(reply, { status: 401, code: 'AGW-401' }, path);
          bearerChallenge(reply, path);
        }
      });

      test('a malformed Authorization header is 401 with a Bearer challenge', async () => {
        const cases: [string, string][] = [
          ['Bearer', 'AGW-402'],
          [`Bearer ${admin} extra`, 'AGW-402'],
          ['Basic YWJjOmRlZg==', 'OAU-151'],
        ];
        for (const [header, code] of cases) {
          const reply = await call(`${companyLog}?${WINDOW}`, { headers: { Authorization: header } });
          assertEnvelope(reply, { status: 401, code, top: [code, 'TokenInvalid'] }, `Authorization: ${header}`);
          bearerChallenge(reply, header);
        }
      });

      test('an unknown or revoked token is 401 OAU-213', async () => {
        const unknown = await call(`${companyLog}?${WINDOW}`, { token: 'not-a-token-we-issued' });
        assertEnvelope(unknown, { status: 401, code: 'OAU-213', top: 'TokenInvalid' }, 'unknown token');
        bearerChallenge(unknown, 'unknown token');

        const token = await jwtAccessToken(server, server.credentials.admin.jwt);
        assert.equal((await call(`${companyLog}?${WINDOW}`, { token })).status, 200);
        const revoke = await call('/restapi/oauth/revoke', {
          method: 'POST',
          headers: {
            Authorization: basic(server.credentials.clientId, server.credentials.clientSecret),
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ token }).toString(),
        });
        assert.equal(revoke.status, 200, revoke.text);
        const revoked = await call(`${companyLog}?${WINDOW}`, { token });
        assertEnvelope(revoked, { status: 401, code: 'OAU-213', top: 'TokenInvalid' }, 'revoked token');
        bearerChallenge(revoked, 'revoked token');
      });

      test('an expired token is 401 OAU-128, also when given as access_token in the query', async () => {
        const token = `expired-${Date.now()}`;
        const { admin: who, clientId } = server.credentials;
        await server.store.putTokens([
          {
            hash: createHash('sha256').update(token).digest('hex'),
            kind: 'access',
            sessionId: `s-${token}`,
            clientId,
            accountId,
            extensionId: who.extensionId,
            scope: ['ReadCallLog'],
            issuedAt: Date.now() - 7200_000,
            expiresAt: Date.now() - 3600_000,
            endpointId: 'expired-endpoint',
          },
        ]);
        const reply = await call(`${companyLog}?${WINDOW}`, { token });
        assertEnvelope(reply, { status: 401, code: 'OAU-128', top: 'TokenInvalid' }, 'expired token');
        bearerChallenge(reply, 'expired token');
        const query = await call(`${companyLog}?${WINDOW}&access_token=${token}`);
        assertEnvelope(query, { status: 401, code: 'OAU-128', top: 'TokenInvalid' }, 'expired access_token');
        const unknown = await call(`${companyLog}?${WINDOW}&access_token=nope`);
        assertEnvelope(unknown, { status: 401, code: 'OAU-213', top: 'TokenInvalid' }, 'unknown access_token');
      });

      test('token endpoint failures are 400 in the OAuth shape', async () => {
        const { clientId, clientSecret, admin: who } = server.credentials;
        const auth = basic(clientId, clientSecret);
        const cases: [string, Promise<Reply>, string, string][] = [
          [
            'wrong password',
            tokenRequest(
              { grant_type: 'password', username: who.username, extension: who.extensionNumber, password: 'wrong' },
              auth,
            ),
            'invalid_grant',
            'OAU-140',
          ],
          [
            'unknown user',
            tokenRequest({ grant_type: 'password', username: '+15550000000', password: who.password }, auth),
            'invalid_grant',
            'OAU-140',
          ],
          [
            'unknown client',
            tokenRequest({ grant_type: JWT_GRANT, assertion: who.jwt }, basic('no-such-client', 'x')),
            'invalid_client',
            'OAU-153',
          ],
          [
            'wrong client secret',
            tokenRequest({ grant_type: JWT_GRANT, assertion: who.jwt }, basic(clientId, 'wrong')),
            'invalid_client',
            'OAU-146',
          ],
          [
            'no client authentication',
            tokenRequest({ grant_type: JWT_GRANT, assertion: who.jwt }),
            'invalid_client',
            'OAU-123',
          ],
          ['unsupported grant', tokenRequest({ grant_type: 'magic' }, auth), 'unsupported_grant_type', 'OAU-250'],
          ['missing grant', tokenRequest({ assertion: who.jwt }, auth), 'invalid_request', 'OAU-101'],
          [
            'bad assertion',
            tokenRequest({ grant_type: JWT_GRANT, assertion: 'not.a.jwt' }, auth),
            'invalid_grant',
            'OAU-144',
          ],
          [
            'unknown refresh token',
            tokenRequest({ grant_type: 'refresh_token', refresh_token: 'nope' }, auth),
            'invalid_grant',
            'OAU-211',
          ],
        ];
        for (const [what, pending, error, code] of cases) {
          const reply = await pending;
          assertNoLeak(reply, what);
          assert.equal(reply.status, 400, `${what}: ${reply.text}`);
          const body = JSON.parse(reply.text) as {
            error: string;
            error_description: string;
            errors: { errorCode: string; message: string }[];
          };
          assert.equal(body.error, error, what);
          assert.equal(typeof body.error_description, 'string', what);
          assert.ok(body.error_description.length > 0, what);
          assert.equal(body.errors[0].errorCode, code, what);
          assert.equal(typeof body.errors[0].message, 'string', what);
        }

        // A grant the app is not allowed: 400 unauthorized_client.
        await server.store.putApp({
          clientId: 'jwt-only-app',
          clientSecret: 'jwt-only-secret',
          name: 'jwt only',
          permissions: ['ReadCallLog'],
          grantTypes: [JWT_GRANT],
          issueRefreshTokens: false,
        });
        const reply = await tokenRequest(
          { grant_type: 'password', username: who.username, extension: who.extensionNumber, password: who.password },
          basic('jwt-only-app', 'jwt-only-secret'),
        );
        assert.equal(reply.status, 400, reply.text);
        const body = JSON.parse(reply.text) as { error: string; errors: { errorCode: string }[] };
        assert.equal(body.error, 'unauthorized_client');
        assert.equal(body.errors[0].errorCode, 'OAU-251');
      });
    });

    describe('HTTP', () => {
      test('an unknown route is 404 AGW-404', async () => {
        for (const [path, token] of [
          [`${API}/account/~/nothing-here`, admin],
          [`${API}/account/~/call-log/${companyRecordId}/more`, admin],
          ['/restapi/v9.9/account/~/call-log', admin],
          ['/nothing-here', undefined],
        ] as const) {
          const reply = await call(path, { token });
          assertEnvelope(reply, { status: 404, code: 'AGW-404', emptyErrors: true }, path);
        }
      });

      test('a wrong method on a known route is 405 with Allow and the envelope', async () => {
        for (const [method, path] of [
          ['POST', companyLog],
          ['PUT', companyLog],
          ['PATCH', ownLog],
          ['POST', `${companyLog}/${companyRecordId}`],
          ['PUT', `${API}/account/~/recording/${recordingId}`],
        ] as const) {
          const reply = await call(path, { method, token: admin });
          assertEnvelope(reply, { status: 405, code: 'AGW-405' }, `${method} ${path}`);
          const allow = (reply.headers.get('allow') ?? '').split(',').map((m) => m.trim());
          assert.ok(allow.includes('GET'), `${method} ${path}: Allow ${allow.join(', ')}`);
          assert.ok(!allow.includes(method), `${method} ${path}: Allow does not list ${method}`);
        }
      });

      test('an invalid JSON body on a POST route is 400 CMN-103', async () => {
        const badJson = (path: string) =>
          call(path, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              Authorization: basic(server.credentials.clientId, server.credentials.clientSecret),
            },
            body: '{"token": ',
          });
        assertEnvelope(await badJson('/restapi/oauth/revoke'), { status: 400, code: 'CMN-103' }, 'bad JSON to revoke');
        // The token endpoint may answer in either shape, but with 400 (a 401 would make the SDK drop its tokens).
        const token = await badJson('/restapi/oauth/token');
        assertNoLeak(token, 'bad JSON to the token endpoint');
        assert.equal(token.status, 400, token.text);
        // On a route that takes no POST the answer is a client error either way, never a 500.
        const reply = await call(companyLog, {
          method: 'POST',
          token: admin,
          headers: { 'Content-Type': 'application/json' },
          body: '{oops',
        });
        assertNoLeak(reply, 'bad JSON POST to the call log');
        assert.ok(reply.status === 400 || reply.status === 405, `bad JSON POST to the call log: ${reply.status}`);
      });

      test('broken percent-encoding in the URL is a 4xx with the envelope', async () => {
        for (const path of [
          `${API}/account/%E0%A4%A/call-log`,
          `${API}/account/~/call-log/%ZZ`,
          `${API}/account/~/extension/%/call-log`,
          `${companyLog}?${WINDOW}&view=%E0%A4%A`,
          `${companyLog}?dateFrom=%ZZ`,
        ]) {
          const reply = await call(path, { token: admin });
          assertNoLeak(reply, path);
          assert.ok(reply.status >= 400 && reply.status < 500, `${path}: ${reply.status}`);
          const body = JSON.parse(reply.text) as ErrorBody;
          assert.equal(typeof body.errorCode, 'string', path);
          assert.equal(typeof body.message, 'string', path);
          assert.ok(Array.isArray(body.errors), path);
        }
      });

      test('a request line Node cannot parse (a raw non-ASCII byte in the path) still answers with the envelope', async () => {
        const { hostname, port } = new URL(server.url);
        const request = Buffer.concat([
          Buffer.from(`GET ${API}/account/`, 'latin1'),
          Buffer.from([0xff]),
          Buffer.from(
            `/call-log HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${admin}\r\nConnection: close\r\n\r\n`,
            'latin1',
          ),
        ]);
        const raw = await new Promise<string>((resolve, reject) => {
          const socket = connect(Number(port), hostname, () => socket.write(request));
          const chunks: Buffer[] = [];
          socket.on('data', (chunk) => chunks.push(chunk));
          socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          socket.on('error', reject);
        });
        const [head, ...rest] = raw.split('\r\n\r\n');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
        const headers = new Headers(
          head
            .split('\r\n')
            .slice(1)
            .map(
              (line) =>
                [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as [string, string],
            ),
        );
        const reply: Reply = { status, headers, text: rest.join('\r\n\r\n') };
        assertNoLeak(reply, 'raw byte in the path');
        assert.ok(status >= 400 && status < 500, `raw byte in the path: ${head}`);
        const body = JSON.parse(reply.text) as ErrorBody;
        assert.equal(typeof body.errorCode, 'string', `RingCentral envelope, got ${reply.text}`);
        assert.equal(typeof body.message, 'string');
        assert.ok(Array.isArray(body.errors), `RingCentral envelope, got ${reply.text}`);
      });

      test('HEAD on the list answers like GET without a body', async () => {
        const res = await fetch(`${server.url}${companyLog}?${WINDOW}`, {
          method: 'HEAD',
          headers: { Authorization: `Bearer ${admin}` },
        });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
        assert.equal(await res.text(), '');
        const denied = await fetch(`${server.url}${companyLog}?${WINDOW}`, { method: 'HEAD' });
        assert.equal(denied.status, 401);
      });

      test('CORS: a preflight is answered for the origin and the rate-limit headers are exposed', async () => {
        const origin = 'https://crm.example.com';
        const preflight = await fetch(`${server.url}${companyLog}`, {
          method: 'OPTIONS',
          headers: {
            Origin: origin,
            'Access-Control-Request-Method': 'GET',
            'Access-Control-Request-Headers': 'authorization,content-type,x-user-agent,client-id',
          },
        });
        assert.ok(preflight.status === 200 || preflight.status === 204, `preflight ${preflight.status}`);
        // Any origin, without credentials (issue 11: bearer tokens need no cookies).
        assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
        assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
        const methods = (preflight.headers.get('access-control-allow-methods') ?? '').toUpperCase();
        assert.match(methods, /\bGET\b/);
        const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase();
        for (const h of ['authorization', 'content-type', 'x-user-agent', 'client-id'])
          assert.ok(allowed.includes(h), `allows ${h}`);

        const expected = [
          'x-rate-limit-group',
          'x-rate-limit-limit',
          'x-rate-limit-remaining',
          'x-rate-limit-window',
          'retry-after',
        ];
        for (const [what, res] of [
          ['preflight', preflight],
          [
            'GET',
            await fetch(`${server.url}${companyLog}?${WINDOW}`, {
              headers: { Origin: origin, Authorization: `Bearer ${admin}` },
            }),
          ],
          // Browsers must be able to read error answers too.
          ['401', await fetch(`${server.url}${companyLog}?${WINDOW}`, { headers: { Origin: origin } })],
        ] as const) {
          assert.equal(res.headers.get('access-control-allow-origin'), '*', `${what}: allow-origin`);
          const exposed = (res.headers.get('access-control-expose-headers') ?? '')
            .toLowerCase()
            .split(',')
            .map((h) => h.trim());
          for (const h of expected) assert.ok(exposed.includes(h), `${what}: exposes ${h}`);
          await res.arrayBuffer();
        }
      });
    });
  });
