// Issue 11 item 13: property-based fuzzing (fast-check) of every endpoint on both backends: random query parameters,
// path ids, headers and bodies never get a 5xx, and every refusal is RingCentral's envelope (the API's
// {errorCode, message, errors[]} or the OAuth endpoints' {error, error_description, errors[]}). Bounded runs.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { after, before, describe, test } from 'node:test';
import { backends } from './support/backends.ts';
import { jwtAccessToken } from './support/oauth.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const RUNS = Number(process.env.RINGLOG_FUZZ_RUNS ?? 120);

/** Path templates: `{a}` an account id, `{e}` an extension id, `{r}` a record id, `{g}` a recording id. */
const PATHS = [
  '/restapi',
  '/restapi/v1.0',
  '/restapi/oauth/token',
  '/restapi/oauth/revoke',
  '/restapi/v1.0/account/{a}',
  '/restapi/v1.0/account/{a}/extension',
  '/restapi/v1.0/account/{a}/extension/{e}',
  '/restapi/v1.0/account/{a}/call-log',
  '/restapi/v1.0/account/{a}/call-log/{r}',
  '/restapi/v1.0/account/{a}/extension/{e}/call-log',
  '/restapi/v1.0/account/{a}/extension/{e}/call-log/{r}',
  '/restapi/v1.0/account/{a}/call-log-sync',
  '/restapi/v1.0/account/{a}/extension/{e}/call-log-sync',
  '/restapi/v1.0/account/{a}/recording/{g}',
  '/restapi/v1.0/account/{a}/recording/{g}/content',
  '/account/{a}/extension/{e}/call-log',
  '/health',
  '/ready',
];

const PARAMS = [
  'dateFrom',
  'dateTo',
  'page',
  'perPage',
  'view',
  'type',
  'direction',
  'transport',
  'phoneNumber',
  'extensionNumber',
  'sessionId',
  'telephonySessionId',
  'recordingType',
  'withRecording',
  'showBlocked',
  'showDeleted',
  'syncType',
  'syncToken',
  'recordCount',
  'statusGroup',
  'conferenceType',
  'contentDisposition',
  'contentDispositionFilename',
  'access_token',
  'navigationView',
];

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('~', '', '0', '-1', '1e309', '99999999999999999999999', 'null', '[]', '{}', '%', '\u0000', '../..'),
  fc.integer().map(String),
  fc
    .date({ min: new Date(-8.64e15), max: new Date(8.64e15) })
    .map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
  fc.string({ minLength: 3000, maxLength: 5000 }),
);

interface Fuzzed {
  method: string;
  path: string;
  query: [string, string][];
  auth: 'admin' | 'user' | 'none' | 'garbage' | 'basic';
  garbage: string;
  contentType: string | undefined;
  body: string | undefined;
}

const request = fc.record<Fuzzed>({
  method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'),
  path: fc
    .tuple(
      fc.constantFrom(...PATHS),
      fc.array(fc.oneof(fc.constantFrom('~', '1', '123456789'), nasty), { minLength: 4, maxLength: 4 }),
    )
    .map(([template, ids]) =>
      template
        .replace('{a}', encodeURIComponent(ids[0]))
        .replace('{e}', encodeURIComponent(ids[1]))
        .replace('{r}', encodeURIComponent(ids[2]))
        .replace('{g}', encodeURIComponent(ids[3])),
    ),
  query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAMS), fc.string({ maxLength: 8 })), nasty), { maxLength: 5 }),
  auth: fc.constantFrom('admin', 'user', 'none', 'garbage', 'basic'),
  garbage: fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  contentType: fc.option(
    fc.constantFrom(
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data',
      'application/json; charset=x',
    ),
    { nil: undefined },
  ),
  body: fc.option(
    fc.oneof(
      fc.json(),
      fc.string(),
      fc
        .dictionary(
          fc.constantFrom(
            'grant_type',
            'client_id',
            'username',
            'password',
            'assertion',
            'refresh_token',
            'token',
            'extension',
          ),
          nasty,
        )
        .map((d) => new URLSearchParams(d).toString()),
    ),
    { nil: undefined },
  ),
});

for (const backend of await backends()) {
  describe(`fuzzed requests (${backend})`, () => {
    let server: TestServer;
    let tokens: Record<'admin' | 'user', string>;
    before(async () => {
      server = await startTestServer({ backend, seed: { extensions: 4, days: 1, callsPerDay: 20 } });
      tokens = {
        admin: await jwtAccessToken(server, server.credentials.admin.jwt),
        user: await jwtAccessToken(server, server.credentials.user.jwt),
      };
    });
    after(() => server.close());

    test(`${RUNS} random requests: never a 5xx, every refusal in an envelope`, async () => {
      const { clientId, clientSecret } = server.credentials;
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const query = new URLSearchParams(r.query).toString();
          const headers: Record<string, string> = {};
          if (r.auth === 'admin' || r.auth === 'user') headers.Authorization = `Bearer ${tokens[r.auth]}`;
          if (r.auth === 'garbage') headers.Authorization = r.garbage;
          if (r.auth === 'basic')
            headers.Authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
          if (r.contentType) headers['Content-Type'] = r.contentType;
          const hasBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
          const response = await fetch(`${server.url}${r.path}${query ? `?${query}` : ''}`, {
            method: r.method,
            headers,
            body: hasBody ? r.body : undefined,
          });
          const text = await response.text();
          const what = `${r.method} ${r.path}?${query} -> ${response.status} ${text.slice(0, 300)}`;
          assert.ok(response.status < 500, what);
          if (response.status >= 400 && r.method !== 'HEAD') {
            const body = JSON.parse(text) as { errorCode?: unknown; error?: unknown; errors?: unknown };
            assert.ok(typeof body.errorCode === 'string' || typeof body.error === 'string', what);
            assert.ok(Array.isArray(body.errors), what);
          }
        }),
        { numRuns: RUNS, seed: Number(process.env.RINGLOG_FUZZ_SEED ?? 20261127) },
      );
    });
  });
}
