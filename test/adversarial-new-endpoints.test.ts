// An adversarial pass over today's endpoints (ingest and its WebHook token, active calls, session read, presence,
// phone numbers, call-log-extract-sync, subscriptions, wstoken, analytics, reports), as an attacker or a careless
// integrator would call them: random and malformed JSON, wrong types, huge values, NUL bytes, unicode, bad ids and
// query parameters, missing or forged tokens. Whatever is sent, the answer is never a 5xx and every refusal is
// RingCentral's envelope {errorCode, message, errors[]}; users never read other extensions' live data.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { backends } from './support/backends.ts';
import { jwtAccessToken } from './support/oauth.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

interface Answer {
  status: number;
  text: string;
  body: unknown;
}

/** A refusal must be RingCentral's envelope; nothing may be a 5xx or leak a stack trace. */
function assertEnvelope(what: string, answer: Answer): void {
  assert.ok(answer.status < 500, `${what}: never a 5xx, got ${answer.status} ${answer.text.slice(0, 300)}`);
  assert.ok(!/\n\s+at .+:\d+:\d+/.test(answer.text), `${what}: no stack trace in ${answer.text.slice(0, 300)}`);
  if (answer.status < 400) return;
  const body = answer.body as { errorCode?: unknown; message?: unknown; errors?: unknown };
  assert.ok(body && typeof body === 'object', `${what}: a JSON body, got ${answer.text.slice(0, 300)}`);
  assert.equal(typeof body.errorCode, 'string', `${what}: errorCode in ${answer.text.slice(0, 300)}`);
  assert.equal(typeof body.message, 'string', `${what}: message in ${answer.text.slice(0, 300)}`);
  assert.ok(Array.isArray(body.errors), `${what}: errors[] in ${answer.text.slice(0, 300)}`);
  for (const e of body.errors as { errorCode?: unknown; message?: unknown }[]) {
    assert.equal(typeof e.errorCode, 'string', `${what}: errors[].errorCode`);
    assert.equal(typeof e.message, 'string', `${what}: errors[].message`);
  }
}

const NUL = String.fromCharCode(0);
/** Strings an attacker likes: unicode, NULs, control characters, path tricks, very long ones. */
const nastyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    NUL,
    `a${NUL}b`,
    '~',
    '..',
    '../..',
    '%00',
    '%',
    '-1',
    '0',
    '1e309',
    'NaN',
    '99999999999999999999999',
    '9223372036854775808',
    "' or 1=1 --",
    '<script>alert(1)</script>',
    '\u202e\ud800',
    '𝟘𝟙',
  ),
  fc.integer({ min: 1000, max: 6000 }).map((n) => 'x'.repeat(n)),
);
/** A path segment: every byte percent-encoded (lone surrogates become U+FFFD), or raw bytes that are not UTF-8. */
const pathSegment = (s: string) =>
  s.startsWith('raw:') ? s.slice(4) : [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const rawSegments = fc.constantFrom('raw:%ED%A0%80', 'raw:%FF%FE', 'raw:%', 'raw:%zz', 'raw:%2e%2e', 'raw:a%2Fb');

/** Any JSON value, including deep and large ones. */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, 0, -1, 1e308, true, '', [], {}, [[]], { body: null }, { body: [] }, { parties: [] }),
  nastyString,
);

for (const backend of await backends())
  describe(`adversarial calls to today's endpoints (${backend})`, () => {
    let server: TestServer;
    let admin: string;
    let user: string;
    let accountId: string;

    const call = async (
      method: string,
      path: string,
      options: { token?: string; body?: string; headers?: Record<string, string> } = {},
    ): Promise<Answer> => {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
      if (options.body !== undefined && headers['Content-Type'] === undefined)
        headers['Content-Type'] = 'application/json';
      const response = await fetch(`${server.url}${path}`, { method, headers, body: options.body });
      const text = await response.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      return { status: response.status, text, body };
    };

    /** A valid event body of this account; fields may be replaced by the property's values. */
    const validEvent = (extensionId: string, n: number) => ({
      sequence: n,
      sessionId: `42500816${n}`,
      telephonySessionId: `s-adv${n.toString(16).padStart(12, '0')}`,
      serverId: '10.13.22.28.TAM',
      eventTime: new Date().toISOString(),
      origin: { type: 'Call' },
      parties: [
        {
          accountId,
          extensionId,
          id: `p-adv${n}-1`,
          direction: 'Inbound',
          to: { phoneNumber: '+16505550100', extensionId },
          from: { phoneNumber: '+14083388064' },
          status: { code: 'Setup', rcc: false },
          missedCall: false,
          standAlone: false,
          muted: false,
        },
      ],
    });

    before(async () => {
      server = await startTestServer({
        backend,
        seed: { extensions: 6, days: 1, callsPerDay: 10 },
        notifications: {},
      });
      admin = await jwtAccessToken(server, server.credentials.admin.jwt);
      user = await jwtAccessToken(server, server.credentials.user.jwt);
      accountId = server.credentials.accountId;
    });
    after(() => server.close());

    test('ingest: random and malformed bodies never 5xx; refusals are the envelope; what is accepted is kept', async () => {
      let n = 1000;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            anyJson.map((v) => JSON.stringify(v) ?? 'null'),
            fc.string({ maxLength: 60 }),
            fc
              .record({
                field: fc.constantFrom(
                  'sequence',
                  'sessionId',
                  'telephonySessionId',
                  'eventTime',
                  'origin',
                  'parties',
                  'serverId',
                ),
                partyField: fc.constantFrom('extensionId', 'id', 'direction', 'to', 'from', 'status', 'accountId'),
                value: anyJson,
                wrap: fc.constantFrom('bare', 'notification', 'array'),
              })
              .map(({ field, partyField, value, wrap }) => {
                n += 1;
                const body: Record<string, unknown> = validEvent(server.credentials.user.extensionId, n);
                if (n % 2) body[field] = value;
                else (body.parties as Record<string, unknown>[])[0][partyField] = value;
                const item =
                  wrap === 'bare'
                    ? body
                    : { uuid: `u-${n}`, event: '/restapi/v1.0/account/~/telephony/sessions', body };
                return JSON.stringify(wrap === 'array' ? [item] : item);
              }),
          ),
          async (text) => {
            const before = await server.store.eventLog.lastId();
            const answer = await call('POST', `/ringlog/v1/account/${accountId}/telephony/events`, {
              token: admin,
              body: text,
            });
            assertEnvelope(`POST events ${text.slice(0, 200)}`, answer);
            const logged = (await server.store.eventLog.lastId()) - before;
            if (answer.status === 200) {
              // Accepted means durable: every accepted event is in the event log.
              const { accepted } = answer.body as { accepted: number };
              assert.ok(logged >= accepted, `accepted ${accepted} but logged ${logged}: ${text.slice(0, 200)}`);
            } else {
              assert.equal(logged, 0, `refused (${answer.status}) yet logged: ${text.slice(0, 200)}`);
            }
          },
        ),
        { numRuns: 150 },
      );
    });

    test('GET endpoints: bad ids in the path and bad query parameters never 5xx', async () => {
      const paths = (id: string, ext: string) => [
        `/restapi/v1.0/account/${id}/active-calls`,
        `/restapi/v1.0/account/${id}/extension/${ext}/active-calls`,
        `/restapi/v1.0/account/${id}/telephony/sessions/${ext}`,
        `/restapi/v1.0/account/${id}/extension/${ext}/presence`,
        `/restapi/v1.0/account/${id}/extension/${ext}/phone-number`,
        `/restapi/v1.0/account/${id}/call-log-extract-sync`,
        `/ringlog/v1/account/${id}/telephony/webhook`,
      ];
      const queryNames = fc.constantFrom(
        'page',
        'perPage',
        'view',
        'direction',
        'type',
        'transport',
        'conferenceType',
        'detailedTelephonyState',
        'sipData',
        'usageType',
        'status',
        'syncType',
        'syncToken',
        'dateFrom',
        'recordCount',
        'access_token',
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.constant('~'), fc.constant(accountId), nastyString, rawSegments),
          fc.oneof(fc.constant('~'), fc.constant(server.credentials.user.extensionId), nastyString, rawSegments),
          fc.array(fc.tuple(queryNames, nastyString), { maxLength: 4 }),
          fc.constantFrom('admin', 'user'),
          async (id, ext, query, who) => {
            const qs = new URLSearchParams(query).toString();
            for (const path of paths(pathSegment(id), pathSegment(ext))) {
              const answer = await call('GET', `${path}${qs ? `?${qs}` : ''}`, {
                token: who === 'admin' ? admin : user,
              });
              assertEnvelope(`GET ${path}?${qs}`.slice(0, 300), answer);
            }
          },
        ),
        { numRuns: 40 },
      );
    });

    test('missing, malformed and forged tokens never 5xx', async () => {
      const targets = [
        ['POST', `/ringlog/v1/account/~/telephony/events`],
        ['GET', `/ringlog/v1/account/~/telephony/webhook`],
        ['PUT', `/ringlog/v1/account/~/telephony/webhook`],
        ['GET', '/restapi/v1.0/account/~/active-calls'],
        ['GET', '/restapi/v1.0/account/~/extension/~/presence'],
        ['GET', '/restapi/v1.0/account/~/extension/~/phone-number'],
        ['GET', '/restapi/v1.0/account/~/telephony/sessions/s-1'],
        ['GET', '/restapi/v1.0/account/~/call-log-extract-sync'],
        ['GET', '/restapi/v1.0/subscription'],
        ['POST', '/restapi/v1.0/subscription'],
        ['POST', '/restapi/oauth/wstoken'],
        ['POST', '/analytics/calls/v1/accounts/~/aggregation/fetch'],
        ['POST', '/analytics/calls/v1/accounts/~/timeline/fetch?interval=Day'],
        ['GET', '/ringlog/v1/accounts/~/reports/summary'],
      ] as const;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.constant(undefined),
            nastyString.filter((s) => /^[\x20-\x7e]*$/.test(s)).map((s) => `Bearer ${s}`),
            fc.constantFrom('Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==', 'Basic !!!', 'bearer  x', 'Token abc'),
            fc.constant(`Bearer ${admin.slice(0, -2)}xx`),
          ),
          fc.constantFrom(...targets),
          async (authorization, [method, path]) => {
            const answer = await call(method, path, {
              headers: authorization === undefined ? {} : { Authorization: authorization },
              ...(method === 'GET' ? {} : { body: '{}' }),
            });
            assertEnvelope(`${method} ${path} with ${authorization?.slice(0, 40)}`, answer);
            assert.ok([400, 401, 431].includes(answer.status), `${method} ${path}: ${answer.status}`);
          },
        ),
        { numRuns: 60 },
      );
    });

    test('users read only their own live data; other accounts are not found', async () => {
      const adminExt = server.credentials.admin.extensionId;
      const userExt = server.credentials.user.extensionId;
      // A call in progress in which only the administrator takes part.
      const event = validEvent(adminExt, 990001);
      event.parties[0].status = { code: 'Answered', rcc: false };
      const ingested = await call('POST', `/ringlog/v1/account/${accountId}/telephony/events`, {
        token: admin,
        body: JSON.stringify(event),
      });
      assert.equal(ingested.status, 200, ingested.text);
      const session = `/restapi/v1.0/account/~/telephony/sessions/${event.telephonySessionId}`;
      assert.equal((await call('GET', session, { token: admin })).status, 200);

      const refusals: [string, string, number][] = [
        ['GET', session, 404],
        ['GET', `/restapi/v1.0/account/~/extension/${adminExt}/presence?detailedTelephonyState=true`, 403],
        ['GET', `/restapi/v1.0/account/~/extension/${adminExt}/active-calls`, 403],
        ['GET', '/restapi/v1.0/account/~/active-calls', 403],
        ['GET', `/restapi/v1.0/account/~/extension/${adminExt}/phone-number`, 403],
        ['GET', '/restapi/v1.0/account/~/call-log-extract-sync', 403],
        ['GET', '/ringlog/v1/account/~/telephony/webhook', 403],
        ['PUT', '/ringlog/v1/account/~/telephony/webhook', 403],
        ['POST', `/ringlog/v1/account/${accountId}/telephony/events`, 403],
      ];
      for (const [method, path, status] of refusals) {
        const answer = await call(method, path, { token: user, ...(method === 'GET' ? {} : { body: '{}' }) });
        assertEnvelope(`user ${method} ${path}`, answer);
        assert.equal(answer.status, status, `user ${method} ${path}: ${answer.text}`);
        assert.ok(!answer.text.includes(event.telephonySessionId), `user ${method} ${path} leaks the session`);
      }
      // The user's own views never show the administrator's call.
      for (const path of [
        '/restapi/v1.0/account/~/extension/~/active-calls',
        '/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true&sipData=true',
        `/restapi/v1.0/account/${accountId}/extension/${userExt}/active-calls`,
      ]) {
        const answer = await call('GET', path, { token: user });
        assert.equal(answer.status, 200, `${path}: ${answer.text}`);
        assert.ok(!answer.text.includes(event.telephonySessionId), `${path} leaks the administrator's call`);
      }
      // A user may not subscribe to the company's or another extension's telephony events.
      for (const filter of [
        '/restapi/v1.0/account/~/telephony/sessions',
        `/restapi/v1.0/account/~/extension/${adminExt}/telephony/sessions`,
      ]) {
        const answer = await call('POST', '/restapi/v1.0/subscription', {
          token: user,
          body: JSON.stringify({
            eventFilters: [filter],
            deliveryMode: { transportType: 'WebHook', address: 'https://example.invalid/hook' },
          }),
        });
        assertEnvelope(`user subscribes to ${filter}`, answer);
        assert.equal(answer.status, 403, `user subscribes to ${filter}: ${answer.text}`);
      }
      // This account's tokens on another account's ids: not found, for admins and users alike.
      const other = String(BigInt(accountId) + 1n);
      for (const token of [admin, user]) {
        for (const [method, path] of [
          ['GET', `/restapi/v1.0/account/${other}/active-calls`],
          ['GET', `/restapi/v1.0/account/${other}/extension/${adminExt}/presence`],
          ['GET', `/restapi/v1.0/account/${other}/extension/~/phone-number`],
          ['GET', `/restapi/v1.0/account/${other}/telephony/sessions/${event.telephonySessionId}`],
          ['GET', `/restapi/v1.0/account/${other}/call-log-extract-sync`],
          ['GET', `/ringlog/v1/account/${other}/telephony/webhook`],
          ['POST', `/ringlog/v1/account/${other}/telephony/events`],
        ]) {
          const answer = await call(method, path, {
            token,
            ...(method === 'GET' ? {} : { body: JSON.stringify(event) }),
          });
          assertEnvelope(`${method} ${path}`, answer);
          assert.ok([403, 404].includes(answer.status), `${method} ${path}: ${answer.status} ${answer.text}`);
          assert.ok(!answer.text.includes(event.telephonySessionId), `${method} ${path} leaks the session`);
        }
      }
    });

    // Failed on 6bd49f7: these 400s wrote the caller's NUL bytes and 5 KB values back in the message.
    test('refusals of subscriptions and analytics never write back NULs or unbounded input', async () => {
      const long = 'x'.repeat(5000);
      const bodies: [string, string, unknown][] = [
        [
          'POST',
          '/restapi/v1.0/subscription',
          {
            eventFilters: [`/a${NUL}b`, long],
            deliveryMode: { transportType: 'WebHook', address: 'https://example.invalid/h' },
          },
        ],
        [
          'POST',
          '/restapi/v1.0/subscription',
          {
            eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
            deliveryMode: { transportType: `Pub${NUL}${long}` },
          },
        ],
        [
          'POST',
          '/restapi/v1.0/subscription',
          {
            eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
            expiresIn: `1${NUL}${long}`,
            deliveryMode: { transportType: 'WebHook', address: 'https://example.invalid/h' },
          },
        ],
        [
          'POST',
          '/analytics/calls/v1/accounts/~/aggregation/fetch',
          { grouping: { groupBy: `Users${NUL}${long}` }, timeSettings: { timeZone: `UTC${NUL}${long}` } },
        ],
        [
          'POST',
          '/analytics/calls/v1/accounts/~/timeline/fetch?interval=Day',
          {
            grouping: { groupBy: 'Company' },
            timeSettings: { timeZone: `UTC${NUL}`, timeRange: { timeFrom: `x${NUL}${long}`, timeTo: long } },
          },
        ],
      ];
      for (const [method, path, body] of bodies) {
        const answer = await call(method, path, { token: admin, body: JSON.stringify(body) });
        assertEnvelope(`${method} ${path}`, answer);
        assert.equal(answer.status, 400, `${method} ${path}: ${answer.text.slice(0, 300)}`);
        assert.ok(
          !answer.text.includes('\\u0000') && !answer.text.includes(NUL),
          `${path} writes a NUL back: ${answer.text.slice(0, 300)}`,
        );
        assert.ok(answer.text.length < 2000, `${path} writes unbounded input back (${answer.text.length} bytes)`);
      }
    });

    test('bodies for the other POST/PUT endpoints never 5xx', async () => {
      const targets = [
        ['PUT', `/ringlog/v1/account/~/telephony/webhook`],
        ['POST', '/restapi/v1.0/subscription'],
        ['POST', '/restapi/oauth/wstoken'],
        ['POST', '/analytics/calls/v1/accounts/~/aggregation/fetch'],
        ['POST', '/analytics/calls/v1/accounts/~/timeline/fetch?interval=Day'],
        ['POST', '/ringlog/v1/accounts/~/reports/reconcile'],
      ] as const;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...targets),
          fc.oneof(
            anyJson.map((v) => JSON.stringify(v) ?? 'null'),
            fc.string({ maxLength: 40 }),
            fc.record({ verificationToken: anyJson }).map((v) => JSON.stringify(v)),
            fc
              .record({
                eventFilters: fc.oneof(anyJson, fc.array(nastyString, { maxLength: 3 })),
                deliveryMode: fc.oneof(
                  anyJson,
                  fc.record({ transportType: fc.oneof(fc.constant('WebHook'), nastyString), address: nastyString }),
                ),
                expiresIn: anyJson,
              })
              .map((v) => JSON.stringify(v)),
            fc
              .record({
                calls: fc.oneof(
                  anyJson,
                  fc.array(fc.dictionary(fc.constantFrom('startTime', 'number', 'duration', 'direction'), anyJson), {
                    maxLength: 3,
                  }),
                ),
              })
              .map((v) => JSON.stringify(v)),
            fc
              .record({
                grouping: fc.oneof(anyJson, fc.record({ groupBy: fc.oneof(fc.constant('Users'), nastyString) })),
                timeSettings: fc.oneof(anyJson, fc.record({ timeZone: nastyString, timeRange: anyJson })),
                responseOptions: anyJson,
              })
              .map((v) => JSON.stringify(v)),
          ),
          fc.constantFrom('admin', 'user'),
          async ([method, path], text, who) => {
            const answer = await call(method, path, { token: who === 'admin' ? admin : user, body: text });
            assertEnvelope(`${who} ${method} ${path} ${text.slice(0, 200)}`, answer);
          },
        ),
        { numRuns: 150 },
      );
    });
  });
