// The ingest endpoint's refusals and the WebHook side of it: the Validation-Token handshake, the per-account
// Verification-Token an administrator reads or replaces, bearer auth, wrong accounts and bad bodies. Every refusal
// is RingCentral's envelope, never a 500, and nothing refused reaches the telephony (no event is logged).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './support/backends.ts';
import { jwtAccessToken } from './support/oauth.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

interface Envelope {
  errorCode: string;
  message: string;
  errors: { errorCode: string; parameterName?: string; permissionName?: string }[];
  parameterName?: string;
}

/** A valid telephony-session event body of the test account (one party ringing). */
function eventBody(accountId: string, extensionId: string, sequence = 1) {
  return {
    sequence,
    sessionId: '4250081600' + String(sequence),
    telephonySessionId: 's-a6abd24ca6774373a8120a3390d3cbe8',
    serverId: '10.13.22.28.TAM',
    eventTime: new Date().toISOString(),
    origin: { type: 'Call' },
    parties: [
      {
        accountId,
        extensionId,
        id: 'p-a6abd24ca6774373a8120a3390d3cbe8-2',
        direction: 'Inbound',
        to: { phoneNumber: '+16505550100', extensionId },
        from: { phoneNumber: '+14083388064' },
        status: { code: 'Setup', rcc: false },
        missedCall: false,
        standAlone: false,
        muted: false,
      },
    ],
  };
}

for (const backend of await backends())
  describe(`ingest endpoint refusals and WebHook handshake (${backend})`, () => {
    let server: TestServer;
    let admin: string;
    let user: string;
    let accountId: string;
    let events: string;

    const post = async (body: unknown, headers: Record<string, string>, path = events) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      assert.ok(response.status < 500, `never a 5xx: ${response.status} ${text}`);
      return { response, text, body: (text ? JSON.parse(text) : undefined) as Envelope };
    };
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
    const webhook = (method: string, token: string, body?: unknown) =>
      fetch(`${server.url}/ringlog/v1/account/~/telephony/webhook`, {
        method,
        headers: { ...bearer(token), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    before(async () => {
      server = await startTestServer({ backend, seed: { extensions: 4, days: 1, callsPerDay: 10 } });
      admin = await jwtAccessToken(server, server.credentials.admin.jwt);
      user = await jwtAccessToken(server, server.credentials.user.jwt);
      accountId = server.credentials.accountId;
      events = `/ringlog/v1/account/${accountId}/telephony/events`;
    });
    after(() => server.close());

    test('the WebHook handshake: Validation-Token echoed, 200, a short answer; no event stored', async () => {
      const before = await server.store.eventLog.lastId();
      const { response, text } = await post('', { 'Validation-Token': 'abc-123.XYZ' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('validation-token'), 'abc-123.XYZ');
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(text, '');
      let headerBytes = 0;
      response.headers.forEach((v, k) => (headerBytes += k.length + v.length + 4));
      assert.ok(headerBytes + text.length < 1024, `answer within RingCentral's 1024 bytes (${headerBytes})`);
      assert.equal(await server.store.eventLog.lastId(), before);

      const unknown = await post('', { 'Validation-Token': 'abc' }, '/ringlog/v1/account/12345/telephony/events');
      assert.equal(unknown.response.status, 404);
      assert.equal(unknown.body.errorCode, 'CMN-102');
      const bad = await post('', { 'Validation-Token': 'x'.repeat(600) });
      assert.equal(bad.response.status, 400);
      assert.equal(bad.body.parameterName, 'Validation-Token');
    });

    test('no credentials → 401 AGW-401; a user → 403 CMN-402; another account → 404', async () => {
      const none = await post(eventBody(accountId, server.credentials.user.extensionId), {});
      assert.equal(none.response.status, 401);
      assert.equal(none.body.errorCode, 'AGW-401');
      const asUser = await post(eventBody(accountId, server.credentials.user.extensionId), bearer(user));
      assert.equal(asUser.response.status, 403);
      assert.equal(asUser.body.errors[0].errorCode, 'CMN-402');
      const other = await post(
        eventBody('12345', server.credentials.user.extensionId),
        bearer(admin),
        '/ringlog/v1/account/12345/telephony/events',
      );
      assert.equal(other.response.status, 404);
      assert.equal(other.body.errorCode, 'CMN-102');
      assert.equal(other.body.parameterName, 'accountId');
      const badToken = await post(eventBody(accountId, server.credentials.user.extensionId), bearer('nope'));
      assert.equal(badToken.response.status, 401);
    });

    test('Verification-Token: refused until an administrator has one, then only that token is accepted', async () => {
      const body = { uuid: '1', event: `/restapi/v1.0/account/${accountId}/telephony/sessions`, body: {} };
      const early = await post(body, { 'Verification-Token': 'a'.repeat(32) });
      assert.equal(early.response.status, 401);
      assert.match(early.body.message, /telephony\/webhook/);

      assert.equal((await webhook('GET', user)).status, 403, 'users cannot read it');
      const info = (await (await webhook('GET', admin)).json()) as {
        address: string;
        verificationToken: string;
        subscriptionRequest: { deliveryMode: { transportType: string; address: string; verificationToken: string } };
      };
      assert.equal(info.address, `${server.url}${events}`);
      assert.match(info.verificationToken, /^[A-Za-z0-9._~-]{16,64}$/);
      assert.deepEqual(info.subscriptionRequest.deliveryMode, {
        transportType: 'WebHook',
        address: info.address,
        verificationToken: info.verificationToken,
      });
      const again = (await (await webhook('GET', admin)).json()) as { verificationToken: string };
      assert.equal(again.verificationToken, info.verificationToken, 'reading does not change it');

      const wrong = await post(body, { 'Verification-Token': `${info.verificationToken}x` });
      assert.equal(wrong.response.status, 401);
      // The right token passes authentication: what comes back is about the (empty) event body.
      const right = await post(body, { 'Verification-Token': info.verificationToken });
      assert.equal(right.response.status, 400);
      assert.equal(right.body.parameterName, 'body.sequence');

      const named = await post(body, { 'Validation-Token': info.verificationToken });
      assert.equal(named.response.status, 400, 'a delivery (with a body) may carry the token as Validation-Token');
      assert.equal(named.body.parameterName, 'body.sequence');
      assert.equal((await post(body, { 'Validation-Token': 'not-the-token-at-all' })).response.status, 401);

      const custom = 'my-own-verification-token-0123456789';
      const put = await webhook('PUT', admin, { verificationToken: custom });
      assert.equal(put.status, 200);
      assert.equal(((await put.json()) as { verificationToken: string }).verificationToken, custom);
      assert.equal((await post(body, { 'Verification-Token': info.verificationToken })).response.status, 401);
      assert.equal((await post(body, { 'Verification-Token': custom })).response.status, 400);
      assert.equal((await webhook('PUT', admin, { verificationToken: 'short' })).status, 400);
      const rotated = (await (await webhook('PUT', admin, {})).json()) as { verificationToken: string };
      assert.notEqual(rotated.verificationToken, custom);
    });

    test('bad bodies: RingCentral errors naming the bad field, nothing stored', async () => {
      const before = await server.store.eventLog.lastId();
      const ext = server.credentials.user.extensionId;
      const good = eventBody(accountId, ext);
      const cases: [unknown, number, string, string | undefined][] = [
        ['{"sequence": 1,', 400, 'CMN-103', undefined],
        [42, 400, 'CMN-101', 'body'],
        [{}, 400, 'CMN-101', 'body.sequence'],
        [{ ...good, parties: [] }, 400, 'CMN-101', 'body.parties'],
        [{ uuid: 'u', event: '/restapi/v1.0/account/~/presence', body: good }, 400, 'CMN-101', 'event'],
        [{ uuid: 'u', body: { ...good, eventTime: 'yesterday' } }, 400, 'CMN-101', 'body.eventTime'],
        [
          [good, { body: { ...good, parties: [{ ...good.parties[0], status: { code: 'Dancing' } }] } }],
          400,
          'CMN-101',
          '[1].body.parties[0].status.code',
        ],
        [{ ...good, parties: [{ ...good.parties[0], accountId: '999' }] }, 400, 'CMN-101', 'body.parties[0].accountId'],
        // A lone surrogate is stored as U+FFFD: a session id holding one would no longer match itself.
        [{ ...good, telephonySessionId: 's-\ud800' }, 400, 'CMN-101', 'body.telephonySessionId'],
        [{ ...good, parties: [{ ...good.parties[0], id: 'p-\udc00' }] }, 400, 'CMN-101', 'body.parties[0].id'],
        [{ ...good, sessionId: 'nul\u0000' }, 400, 'CMN-101', 'body.sessionId'],
        [Array.from({ length: 1001 }, () => good), 400, 'CMN-106', undefined],
      ];
      for (const [body, status, code, parameterName] of cases) {
        const reply = await post(body, bearer(admin));
        const what = JSON.stringify(body).slice(0, 80);
        assert.equal(reply.response.status, status, `${what}: ${reply.text}`);
        assert.equal(reply.body.errors[0].errorCode, code, what);
        if (parameterName !== undefined) assert.equal(reply.body.parameterName, parameterName, what);
      }
      const form = await fetch(`${server.url}${events}`, {
        method: 'POST',
        headers: { ...bearer(admin), 'Content-Type': 'text/plain' },
        body: 'hello',
      });
      assert.equal(form.status, 415);
      assert.equal(((await form.json()) as Envelope).errorCode, 'CMN-104');
      const method = await fetch(`${server.url}${events}`, { headers: bearer(admin) });
      assert.equal(method.status, 405);
      assert.equal(method.headers.get('allow'), 'POST');
      assert.equal(await server.store.eventLog.lastId(), before, 'nothing refused was stored');
    });
  });
