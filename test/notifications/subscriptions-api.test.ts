// Subscription REST API and WebHook delivery against a real server, on SQLite and PostgreSQL: SubscriptionInfo as
// RingCentral writes it, its errors, the Validation-Token handshake, notifications with RingCentral's headers,
// retries and blacklisting, and the filters' permissions.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fromWire } from '../../src/domain/index.ts';
import { backends } from '../support/backends.ts';
import { jwtAccessToken } from '../support/oauth.ts';
import { assertSchema } from '../support/rc-schema.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { appendEvents, sessionEvent } from '../support/telephony-events.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

/** What these tests read of SubscriptionInfo, lists and error bodies. */
interface Body {
  errorCode?: string;
  errors: { errorCode: string; parameterName?: string }[];
  uri: string;
  id: string;
  status: string;
  eventFilters: string[];
  expiresIn: number;
  deliveryMode: { transportType: string; address?: string; verificationToken?: string };
  disabledFilters: unknown[];
  blacklistedData: { reason: string };
  records: Record<string, unknown>[];
}

for (const backend of await backends()) {
  describe(`subscriptions over HTTP (${backend})`, () => {
    let server: TestServer;
    let receiver: WebhookReceiver;
    let admin: string;
    let user: string;
    let accountId: string;

    before(async () => {
      server = await startTestServer({
        backend,
        seed: { days: 1, callsPerDay: 5 },
        notifications: {
          allowPrivateWebhooks: true,
          dispatcher: { backoffMs: 50, maxBackoffMs: 100, blacklistAfter: 3, leaseMs: 5000 },
          webhook: { handshakeTimeoutMs: 200 },
          pollMs: backend === 'postgres' ? 200 : 20,
        },
      });
      receiver = await startWebhookReceiver();
      admin = await jwtAccessToken(server, server.credentials.admin.jwt);
      user = await jwtAccessToken(server, server.credentials.user.jwt);
      accountId = server.credentials.accountId;
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Body) : undefined };
    };
    const create = (token: string, eventFilters: string[], extra: Record<string, unknown> = {}) =>
      call(token, 'POST', '/restapi/v1.0/subscription', {
        eventFilters,
        deliveryMode: { transportType: 'WebHook', address: receiver.url, verificationToken: 'v3rify' },
        ...extra,
      });

    test('create, get, list, update, renew and delete answer SubscriptionInfo as RingCentral does', async () => {
      const created = await create(admin, ['/restapi/v1.0/account/~/telephony/sessions'], { expiresIn: 3600 });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assertSchema('SubscriptionInfo', created.body);
      const info = created.body!;
      assert.equal(info.status, 'Active');
      assert.deepEqual(info.eventFilters, [`/restapi/v1.0/account/${accountId}/telephony/sessions`]);
      assert.equal(info.expiresIn, 3600);
      assert.equal(info.deliveryMode.transportType, 'WebHook');
      assert.equal(info.deliveryMode.address, receiver.url);
      assert.equal(info.deliveryMode.verificationToken, undefined, 'verificationToken is write-only');
      assert.equal(info.uri, `${server.url}/restapi/v1.0/subscription/${info.id}`);
      assert.ok(receiver.handshakes >= 1);

      const got = await call(admin, 'GET', `/restapi/v1.0/subscription/${info.id}`);
      assert.equal(got.status, 200);
      assertSchema('SubscriptionInfo', got.body);
      const list = await call(admin, 'GET', '/restapi/v1.0/subscription');
      assertSchema('SubscriptionListResource', list.body);
      assert.ok(list.body!.records.some((r) => r.id === info.id));
      const otherList = await call(user, 'GET', '/restapi/v1.0/subscription');
      assert.ok(!otherList.body!.records.some((r) => r.id === info.id), "another user's are not listed");

      const updated = await call(admin, 'PUT', `/restapi/v1.0/subscription/${info.id}`, {
        eventFilters: ['/restapi/v1.0/account/~/extension/~/telephony/sessions?direction=Inbound'],
        expiresIn: 7200,
      });
      assert.equal(updated.status, 200);
      assert.deepEqual(updated.body!.eventFilters, [
        `/restapi/v1.0/account/${accountId}/extension/${server.credentials.admin.extensionId}/telephony/sessions?direction=Inbound`,
      ]);
      assert.equal(updated.body!.expiresIn, 7200);
      const emptyPut = await call(admin, 'PUT', `/restapi/v1.0/subscription/${info.id}`);
      assert.equal(emptyPut.status, 200, 'an empty PUT renews');
      const renewed = await call(admin, 'POST', `/restapi/v1.0/subscription/${info.id}/renew`);
      assert.equal(renewed.status, 200);
      assertSchema('SubscriptionInfo', renewed.body);

      assert.equal((await call(user, 'GET', `/restapi/v1.0/subscription/${info.id}`)).status, 404);
      assert.equal((await call(admin, 'DELETE', `/restapi/v1.0/subscription/${info.id}`)).status, 204);
      const gone = await call(admin, 'GET', `/restapi/v1.0/subscription/${info.id}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.body!.errors[0].errorCode, 'CMN-102');
    });

    test('bad filters, transports, addresses and handshakes get RingCentral errors', async () => {
      const bad = await create(admin, ['/restapi/v1.0/account/~/nonsense/things?x=1', 'hello']);
      assert.equal(bad.status, 400);
      assert.equal(bad.body!.errorCode, 'SUB-508');
      const badParam = await create(admin, ['/restapi/v1.0/account/~/telephony/sessions?direction=Sideways']);
      assert.equal(badParam.body!.errorCode, 'SUB-508');

      for (const transportType of ['PubNub', 'RC/APNS', 'RC/GCM']) {
        const r = await call(admin, 'POST', '/restapi/v1.0/subscription', {
          eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
          deliveryMode: { transportType },
        });
        assert.equal(r.status, 400, transportType);
        assert.equal(r.body!.errors[0].parameterName, 'deliveryMode.transportType');
      }
      const noAddress = await call(admin, 'POST', '/restapi/v1.0/subscription', {
        eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
        deliveryMode: { transportType: 'WebHook', address: 'not a url' },
      });
      assert.equal(noAddress.status, 400);
      assert.equal(noAddress.body!.errors[0].parameterName, 'deliveryMode.address');

      for (const [mode, code] of [
        ['no-token', 'SUB-520'],
        [500, 'SUB-522'],
        ['huge', 'SUB-525'],
        ['slow', 'SUB-521'],
      ] as const) {
        receiver.mode = mode;
        const r = await create(admin, ['/restapi/v1.0/account/~/telephony/sessions']);
        assert.equal(r.status, 400, `${mode}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body!.errorCode, code);
      }
      receiver.mode = 'ok';
      const unreachable = await call(admin, 'POST', '/restapi/v1.0/subscription', {
        eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
        deliveryMode: { transportType: 'WebHook', address: 'http://127.0.0.1:1/hook' },
      });
      assert.equal(unreachable.body!.errorCode, 'SUB-521');
      assert.equal((await call(admin, 'GET', '/restapi/v1.0/subscription/no-such-id')).status, 404);
      assert.equal((await call(admin, 'PUT', '/restapi/v1.0/subscription/no-such-id', {})).status, 404);
    });

    test("a user cannot subscribe to the company's or another extension's sessions", async () => {
      const company = await create(user, ['/restapi/v1.0/account/~/telephony/sessions']);
      assert.equal(company.status, 403);
      assert.equal(company.body!.errorCode, 'SUB-405');
      const other = await create(user, [
        `/restapi/v1.0/account/~/extension/${server.credentials.admin.extensionId}/telephony/sessions`,
      ]);
      assert.equal(other.status, 403);
      const otherMissed = await create(user, [
        `/restapi/v1.0/account/~/extension/${server.credentials.admin.extensionId}/missed-calls`,
      ]);
      assert.equal(otherMissed.body!.errorCode, 'SUB-527');
      const otherAccount = await create(user, ['/restapi/v1.0/account/123/extension/~/telephony/sessions']);
      assert.equal(otherAccount.body!.errorCode, 'SUB-406');
      const own = await create(user, [
        '/restapi/v1.0/account/~/extension/~/telephony/sessions',
        '/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true',
      ]);
      assert.equal(own.status, 200, JSON.stringify(own.body));
      assertSchema('SubscriptionInfo', own.body);
      assert.equal(own.body!.disabledFilters.length, 1, 'presence is listed as disabled, not refused');
      await call(user, 'DELETE', `/restapi/v1.0/subscription/${own.body!.id}`);
    });

    test('events reach the receiver with RingCentral headers, only what each filter delivers', async () => {
      const userExt = server.credentials.user.extensionId;
      const adminExt = server.credentials.admin.extensionId;
      receiver.received.length = 0;
      const company = await create(admin, ['/restapi/v1.0/account/~/telephony/sessions']);
      const inboundOnly = await create(user, [
        '/restapi/v1.0/account/~/extension/~/telephony/sessions?direction=Inbound',
      ]);
      const withSip = await create(user, ['/restapi/v1.0/account/~/extension/~/telephony/sessions?sipData=true']);
      const missed = await create(user, ['/restapi/v1.0/account/~/extension/~/missed-calls']);
      assert.equal(missed.status, 200);
      // An internal call from the admin to the user, rung then missed; then an outbound call of the admin only.
      await appendEvents(server.store, [
        sessionEvent(accountId, 1, [
          { extensionId: adminExt, direction: 'Outbound', status: 'Proceeding' },
          { extensionId: userExt, direction: 'Inbound', status: 'Proceeding' },
        ]),
        sessionEvent(accountId, 1, [
          { extensionId: adminExt, direction: 'Outbound', status: 'Disconnected' },
          { extensionId: userExt, direction: 'Inbound', status: 'Disconnected', missedCall: true },
        ]),
        sessionEvent(accountId, 2, [{ extensionId: adminExt, direction: 'Outbound', status: 'Setup' }]),
      ]);
      // company: 3, inboundOnly: 2, withSip: 2, missed: 1
      const all = await receiver.waitFor(8);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(receiver.received.length, 8, 'nothing more than the filters deliver');
      const of = (id: string) => all.filter((r) => r.body.subscriptionId === id);
      const companyEvents = of(company.body!.id);
      assert.equal(companyEvents.length, 3);
      for (const r of all) {
        assert.equal(r.headers['verification-token'], 'v3rify');
        assert.equal(r.headers['validation-token'], undefined, 'Validation-Token is for the handshake only');
        assert.equal(r.headers['user-agent'], 'RingCentral-Webhook/8.3');
        assert.match(String(r.headers['content-type']), /^application\/json/);
      }
      const first = companyEvents.find((r) => r.body.body?.parties?.length === 2)!;
      assert.equal(first.body.event, `/restapi/v1.0/account/${accountId}/telephony/sessions`);
      assert.equal(first.body.ownerId, adminExt);
      assert.match(String(first.body.uuid), /^\d+$/);
      assert.equal(first.body.body!.parties![0].sipData, undefined, 'sipData only when asked');

      const userEvents = of(inboundOnly.body!.id);
      assert.equal(userEvents.length, 2);
      for (const r of userEvents) {
        const parties = r.body.body!.parties!;
        assert.deepEqual(
          parties.map((p) => p.extensionId),
          [userExt],
          'an extension subscriber sees its own parties',
        );
      }
      const sip = of(withSip.body!.id);
      assert.ok(sip[0].body.body!.parties![0].sipData?.callId);
      const missedEvents = of(missed.body!.id);
      assert.equal(missedEvents.length, 1);
      assert.equal(missedEvents[0].body.extensionId, userExt);
      assertSchema('MissedCallEvent', missedEvents[0].body);
      for (const s of [company, inboundOnly, withSip, missed]) {
        const token = s === company ? admin : user;
        await call(token, 'DELETE', `/restapi/v1.0/subscription/${s.body!.id}`);
      }
    });

    test('finished call-log records reach a call-log subscriber as the Detailed record', async () => {
      receiver.received.length = 0;
      const sub = await create(user, ['/restapi/v1.0/account/~/extension/~/call-log']);
      assert.equal(sub.status, 200, JSON.stringify(sub.body));
      const page = await call(
        user,
        'GET',
        '/restapi/v1.0/account/~/extension/~/call-log?view=Detailed&perPage=1&dateFrom=2000-01-01',
      );
      const wire = page.body!.records[0];
      assert.ok(wire, 'the seeded log has a record to replay');
      // The assembler appends the domain record; the same record, read back from the wire, stands for it here.
      const stored = fromWire(wire);
      await appendEvents(server.store, [
        {
          accountId,
          topic: 'call-log-record',
          sessionId: wire.telephonySessionId as string,
          extensionIds: [server.credentials.user.extensionId],
          createdAt: Date.now(),
          body: JSON.stringify(stored),
        },
        {
          accountId,
          topic: 'call-log-record',
          sessionId: wire.telephonySessionId as string,
          extensionIds: [server.credentials.admin.extensionId],
          createdAt: Date.now(),
          body: JSON.stringify({ ...stored, extensionId: server.credentials.admin.extensionId }),
        },
      ]);
      const [got] = await receiver.waitFor(1);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(receiver.received.length, 1, "another extension's record is not delivered");
      assert.deepEqual(got.body.body, wire);
      await call(user, 'DELETE', `/restapi/v1.0/subscription/${sub.body!.id}`);
    });

    test('new filters of a PUT apply to the next events', async () => {
      receiver.received.length = 0;
      const sub = await create(admin, ['/restapi/v1.0/account/~/telephony/sessions?direction=Inbound']);
      const event = (n: number, direction: 'Inbound' | 'Outbound') =>
        sessionEvent(accountId, n, [{ extensionId: server.credentials.admin.extensionId, direction, status: 'Setup' }]);
      await appendEvents(server.store, [event(6, 'Inbound')]);
      await receiver.waitFor(1);
      const put = await call(admin, 'PUT', `/restapi/v1.0/subscription/${sub.body!.id}`, {
        eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
      });
      assert.equal(put.status, 200);
      // Outbound: the old filter would not deliver it.
      await appendEvents(server.store, [event(7, 'Outbound')]);
      const [, got] = await receiver.waitFor(2);
      assert.equal(got.body.body!.telephonySessionId, `s-${(7).toString(16).padStart(32, '0')}`);
      assert.equal(got.body.event, `/restapi/v1.0/account/${accountId}/telephony/sessions`);
      await call(admin, 'DELETE', `/restapi/v1.0/subscription/${sub.body!.id}`);
    });

    test('a failing receiver is retried with backoff, then the subscription is Blacklisted', async () => {
      receiver.received.length = 0;
      const sub = await create(admin, ['/restapi/v1.0/account/~/telephony/sessions']);
      receiver.mode = 503;
      await appendEvents(server.store, [
        sessionEvent(accountId, 3, [
          { extensionId: server.credentials.admin.extensionId, direction: 'Outbound', status: 'Setup' },
        ]),
      ]);
      let info: Body | undefined;
      for (let i = 0; i < 300; i++) {
        info = (await call(admin, 'GET', `/restapi/v1.0/subscription/${sub.body!.id}`)).body;
        if (info?.status === 'Blacklisted') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(info!.status, 'Blacklisted');
      assertSchema('SubscriptionInfo', info);
      assert.match(info!.blacklistedData.reason, /503/);
      receiver.mode = 'ok';
      await appendEvents(server.store, [
        sessionEvent(accountId, 4, [
          { extensionId: server.credentials.admin.extensionId, direction: 'Outbound', status: 'Setup' },
        ]),
      ]);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(receiver.received.length, 0, 'a blacklisted subscription receives nothing');
      await call(admin, 'DELETE', `/restapi/v1.0/subscription/${sub.body!.id}`);
    });

    test('a receiver that was down gets what it missed once it answers again', async () => {
      receiver.received.length = 0;
      const sub = await create(admin, ['/restapi/v1.0/account/~/telephony/sessions']);
      receiver.mode = 500;
      await appendEvents(server.store, [
        sessionEvent(accountId, 5, [
          { extensionId: server.credentials.admin.extensionId, direction: 'Outbound', status: 'Setup' },
        ]),
      ]);
      await new Promise((r) => setTimeout(r, 60));
      receiver.mode = 'ok';
      const [got] = await receiver.waitFor(1);
      assert.equal(got.body.body!.telephonySessionId, `s-${(5).toString(16).padStart(32, '0')}`);
      await call(admin, 'DELETE', `/restapi/v1.0/subscription/${sub.body!.id}`);
    });
  });
}

describe('WebHook addresses', () => {
  test('loopback and private addresses are refused unless the server allows them', async () => {
    const server = await startTestServer({ seed: { days: 1, callsPerDay: 2 }, notifications: {} });
    const receiver = await startWebhookReceiver();
    try {
      const token = await jwtAccessToken(server, server.credentials.admin.jwt);
      for (const address of [receiver.url, 'http://10.1.2.3/hook', 'http://[::1]/hook', 'http://localhost:9/x']) {
        const response = await fetch(`${server.url}/restapi/v1.0/subscription`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
            deliveryMode: { transportType: 'WebHook', address },
          }),
        });
        const body = (await response.json()) as { errors: { parameterName: string }[] };
        assert.equal(response.status, 400, address);
        assert.equal(body.errors[0].parameterName, 'deliveryMode.address');
      }
      assert.equal(receiver.handshakes, 0, 'no request went to a refused address');
    } finally {
      await server.close();
      await receiver.close();
    }
  });
});
