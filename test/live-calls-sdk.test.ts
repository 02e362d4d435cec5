// Live calls end to end with the official @ringcentral/sdk: RingCentral-shaped telephony-session event streams go
// in through the ingest endpoint (as a RingCentral WebHook delivery and as an administrator's batch, out of order and
// duplicated), the calls are listed in active calls while they last, their sessions and the user's presence are
// read, and each call is in the call log once it ends. Every answer is checked against rc-platform.yaml.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SDK, type ApiError } from '@ringcentral/sdk';
import type { Extension } from '../src/domain/index.ts';
import { assertSchema } from './support/rc-schema.ts';
import { backends } from './support/backends.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

type Platform = ReturnType<SDK['platform']>;
type Json = Record<string, unknown>;
interface Record_ {
  id: string;
  telephonySessionId: string;
  direction: string;
  result: string;
  startTime: string;
}

let sdkCount = 0;
async function login(server: TestServer, who: 'admin' | 'user'): Promise<Platform> {
  sdkCount += 1;
  const sdk = new SDK({
    server: server.url,
    clientId: server.credentials.clientId,
    clientSecret: server.credentials.clientSecret,
    cachePrefix: `ringlog-live-${sdkCount}-`,
  });
  await sdk.platform().login({ jwt: server.credentials[who].jwt });
  return sdk.platform();
}

/** A call as RingCentral's telephony-session events describe it, one changed party per event. */
class ScriptedCall {
  readonly hex = randomBytes(16).toString('hex');
  readonly telephonySessionId = `s-${this.hex}`;
  readonly sessionId = String(400_000_000_000 + Math.floor(Math.random() * 1e9));
  private sequence = 0;

  constructor(
    private readonly accountId: string,
    private readonly start: number,
  ) {}

  partyId(n: number): string {
    return `p-${this.hex}-${n}`;
  }

  /** The event body for party `n` reaching `code`, `offsetMs` after the call started. */
  event(n: number, party: Json, code: string, offsetMs: number): Json {
    this.sequence += 1;
    return {
      sequence: this.sequence,
      sessionId: this.sessionId,
      telephonySessionId: this.telephonySessionId,
      serverId: '10.13.22.28.TAM',
      eventTime: new Date(this.start + offsetMs).toISOString(),
      origin: { type: 'Call' },
      parties: [
        {
          accountId: this.accountId,
          id: this.partyId(n),
          ...party,
          status: { code, rcc: false },
          park: {},
          missedCall: false,
          standAlone: false,
          muted: false,
        },
      ],
    };
  }

  /** The notification RingCentral's WebHook delivers for `body` (the party's scope in `event`). */
  notification(body: Json): Json {
    const party = (body.parties as { extensionId?: string }[])[0];
    const scope = party.extensionId ? `/extension/${party.extensionId}` : '';
    return {
      uuid: randomBytes(8).readBigUInt64BE().toString(),
      event: `/restapi/v1.0/account/${this.accountId}${scope}/telephony/sessions`,
      timestamp: new Date(Date.parse(body.eventTime as string) + 40).toISOString(),
      subscriptionId: '53300e7c-5e69-42bf-ab4d-179aabc6e869',
      ownerId: this.accountId,
      body,
    };
  }
}

/** A PSTN caller rings a user's direct number; the user answers. Events until connected, and the hang-up. */
function inboundCall(accountId: string, user: Extension, start: number) {
  const call = new ScriptedCall(accountId, start);
  const caller = { phoneNumber: '+14083388064', name: 'WIRELESS CALLER' };
  const dialled = { phoneNumber: user.phoneNumbers[0] };
  const callee = { ...dialled, name: user.name, extensionId: user.id };
  const p1 = { direction: 'Outbound', from: caller, to: dialled };
  const p2 = { extensionId: user.id, direction: 'Inbound', from: caller, to: callee };
  const connected = [
    call.event(1, p1, 'Setup', 0),
    call.event(2, p2, 'Setup', 120),
    call.event(2, p2, 'Proceeding', 300),
    call.event(2, p2, 'Answered', 6_000),
    call.event(1, { ...p1, to: callee }, 'Answered', 6_050),
  ];
  const ended = [
    call.event(2, p2, 'Disconnected', 20_000),
    call.event(1, { ...p1, to: callee }, 'Disconnected', 20_050),
  ];
  return { call, connected, ended };
}

/** An administrator calls a PSTN number from the desktop app; the callee answers. */
function outboundCall(accountId: string, admin: Extension, start: number) {
  const call = new ScriptedCall(accountId, start);
  const me = { phoneNumber: admin.phoneNumbers[0], name: admin.name, extensionId: admin.id };
  const them = { phoneNumber: '+16505550199' };
  const p1 = { extensionId: admin.id, direction: 'Outbound', from: me, to: them };
  const p2 = { direction: 'Inbound', from: me, to: them };
  const connected = [
    call.event(1, p1, 'Setup', 0),
    call.event(1, p1, 'Proceeding', 200),
    call.event(2, p2, 'Setup', 250),
    call.event(2, p2, 'Answered', 4_000),
    call.event(1, p1, 'Answered', 4_020),
  ];
  const ended = [call.event(1, p1, 'Disconnected', 15_000), call.event(2, p2, 'Disconnected', 15_030)];
  return { call, connected, ended };
}

async function json<T>(response: Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}

async function status(request: Promise<Response>): Promise<number> {
  try {
    return (await request).status;
  } catch (err) {
    return (err as ApiError).response?.status ?? -1;
  }
}

for (const backend of await backends())
  describe(`live calls through the ingest endpoint, read with @ringcentral/sdk (${backend})`, () => {
    let server: TestServer;
    let admin: Platform;
    let user: Platform;
    let a: ReturnType<typeof inboundCall>;
    let b: ReturnType<typeof outboundCall>;
    let accountId: string;
    let webhook: { address: string; verificationToken: string };

    /** Delivers notifications as RingCentral's WebHook does: no bearer token, the subscription's token. */
    const deliver = (body: unknown) =>
      fetch(webhook.address, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=UTF-8',
          'User-Agent': 'RingCentral-Webhook/8.3',
          'Verification-Token': webhook.verificationToken,
        },
        body: JSON.stringify(body),
      });

    before(async () => {
      server = await startTestServer({ backend, seed: { extensions: 6, days: 1, callsPerDay: 10 } });
      accountId = server.credentials.accountId;
      admin = await login(server, 'admin');
      user = await login(server, 'user');
      const now = Date.now();
      const userExt = (await server.store.getExtension(server.credentials.user.extensionId))!;
      const adminExt = (await server.store.getExtension(server.credentials.admin.extensionId))!;
      a = inboundCall(accountId, userExt, now - 60_000);
      b = outboundCall(accountId, adminExt, now - 30_000);
      webhook = await json(admin.get('/ringlog/v1/account/~/telephony/webhook'));
    });
    after(() => server.close());

    test('a RingCentral WebHook subscription to ringlog: handshake, then deliveries with the verification token', async () => {
      const handshake = await fetch(webhook.address, { method: 'POST', headers: { 'Validation-Token': 'hs-1' } });
      assert.equal(handshake.status, 200);
      assert.equal(handshake.headers.get('validation-token'), 'hs-1');

      // Call A arrives as single notifications, one request each, the answered events swapped.
      const [s1, s2, s3, s4, s5] = a.connected;
      for (const body of [s1, s2, s3, s5, s4]) {
        const response = await deliver(a.call.notification(body));
        assert.equal(response.status, 200, await response.clone().text());
        assert.deepEqual(await response.json(), { accepted: 1, duplicates: 0 });
      }
    });

    test('an administrator posts a batch through the SDK: bare bodies, shuffled, one twice', async () => {
      const batch = [b.connected[3], b.connected[0], b.connected[4], b.connected[1], b.connected[0], b.connected[2]];
      // The SDK serialises plain objects only: an array goes as JSON text with its content type.
      const result = await json<{ accepted: number; duplicates: number }>(
        admin.post(`/ringlog/v1/account/${accountId}/telephony/events`, JSON.stringify(batch), undefined, {
          headers: { 'Content-Type': 'application/json' },
        }),
      );
      assert.deepEqual(result, { accepted: 5, duplicates: 1 });
      const again = await json<{ accepted: number; duplicates: number }>(
        admin.post(`/ringlog/v1/account/~/telephony/events`, b.call.notification(b.connected[4])),
      );
      assert.deepEqual(again, { accepted: 0, duplicates: 1 });
    });

    test('calls in progress are active calls: company (admin) and own (user), newest first, schema-valid', async () => {
      const company = await json<{ records: Record_[] }>(admin.get('/restapi/v1.0/account/~/active-calls'));
      assertSchema('CompanyActiveCallsResponse', company);
      const live = company.records.filter((r) =>
        [a.call.telephonySessionId, b.call.telephonySessionId].includes(r.telephonySessionId),
      );
      assert.deepEqual(
        live.map((r) => [r.telephonySessionId, r.result]),
        [
          [b.call.telephonySessionId, 'In Progress'],
          [a.call.telephonySessionId, 'In Progress'],
        ],
      );
      const starts = company.records.map((r) => Date.parse(r.startTime));
      assert.deepEqual(
        starts,
        [...starts].sort((x, y) => y - x),
        'newest first',
      );

      const inbound = await json<{ records: Record_[] }>(
        admin.get('/account/~/active-calls', { direction: 'Inbound' }),
      );
      assertSchema('CompanyActiveCallsResponse', inbound);
      assert.ok(inbound.records.every((r) => r.direction === 'Inbound'));
      assert.ok(inbound.records.some((r) => r.telephonySessionId === a.call.telephonySessionId));
      assert.ok(!inbound.records.some((r) => r.telephonySessionId === b.call.telephonySessionId));

      const own = await json<{ records: Record_[] }>(user.get('/restapi/v1.0/account/~/extension/~/active-calls'));
      assertSchema('UserActiveCallsResponse', own);
      assert.deepEqual(
        own.records.map((r) => [r.telephonySessionId, r.direction, r.result]),
        [[a.call.telephonySessionId, 'Inbound', 'In Progress']],
      );
      const adminOwn = await json<{ records: Record_[] }>(admin.get('/account/~/extension/~/active-calls'));
      assertSchema('UserActiveCallsResponse', adminOwn);
      assert.deepEqual(
        adminOwn.records.map((r) => [r.telephonySessionId, r.direction]),
        [[b.call.telephonySessionId, 'Outbound']],
      );

      assert.equal(await status(user.get('/restapi/v1.0/account/~/active-calls')), 403);
    });

    test('the sessions read as CallSessionObject; a user sees only sessions they are a party of', async () => {
      const session = await json<{ id: string; parties: { id: string; status: { code: string } }[] }>(
        admin.get(`/restapi/v1.0/account/~/telephony/sessions/${a.call.telephonySessionId}`),
      );
      assertSchema('CallSessionObject', session);
      assert.equal(session.id, a.call.telephonySessionId);
      assert.deepEqual(session.parties.map((p) => [p.id, p.status.code]).sort(), [
        [a.call.partyId(1), 'Answered'],
        [a.call.partyId(2), 'Answered'],
      ]);
      const mine = await json<{ id: string }>(user.get(`/account/~/telephony/sessions/${a.call.telephonySessionId}`));
      assert.equal(mine.id, a.call.telephonySessionId);
      assert.equal(await status(user.get(`/account/~/telephony/sessions/${b.call.telephonySessionId}`)), 404);
      assert.equal(await status(admin.get('/restapi/v1.0/account/~/telephony/sessions/s-0000')), 404);
    });

    test("the user's presence: on a call, with the call's item and its SIP data", async () => {
      const presence = await json<{
        telephonyStatus: string;
        presenceStatus: string;
        activeCalls: { telephonySessionId: string; direction: string; telephonyStatus: string; sipData?: Json }[];
      }>(user.get('/restapi/v1.0/account/~/extension/~/presence', { detailedTelephonyState: true, sipData: true }));
      assertSchema('GetPresenceInfo', presence);
      assert.equal(presence.telephonyStatus, 'CallConnected');
      assert.equal(presence.presenceStatus, 'Busy');
      const item = presence.activeCalls.find((c) => c.telephonySessionId === a.call.telephonySessionId);
      assert.ok(item, 'the call is among the active calls');
      assert.equal(item.direction, 'Inbound');
      assert.equal(item.telephonyStatus, 'CallConnected');
      assert.ok(item.sipData, 'sipData=true adds SIP data');

      const plain = await json<{ activeCalls?: { sipData?: unknown }[] }>(
        user.get('/account/~/extension/~/presence', { detailedTelephonyState: true }),
      );
      assertSchema('GetPresenceInfo', plain);
      assert.ok(plain.activeCalls?.length && plain.activeCalls.every((c) => c.sipData === undefined));
      const brief = await json<Json>(user.get('/account/~/extension/~/presence'));
      assert.equal(brief.activeCalls, undefined);
      assert.equal(brief.telephonyStatus, 'CallConnected');
    });

    test('once the calls end each is in the call log, and active calls show how it ended', async () => {
      // The hang-ups arrive late and out of order, one of them twice.
      const response = await deliver([
        a.call.notification(a.ended[1]),
        b.call.notification(b.ended[1]),
        a.call.notification(a.ended[0]),
        a.call.notification(a.ended[1]),
      ]);
      assert.deepEqual(await response.json(), { accepted: 3, duplicates: 1 });
      assert.deepEqual(await json(admin.post(`/ringlog/v1/account/~/telephony/events`, b.ended[0])), {
        accepted: 1,
        duplicates: 0,
      });

      const dateFrom = new Date(Date.now() - 10 * 60_000).toISOString();
      const sessions = [a.call.telephonySessionId, b.call.telephonySessionId];
      let company: Record_[] = [];
      for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
        const page = await json<{ records: Record_[] }>(
          admin.get('/restapi/v1.0/account/~/call-log', { dateFrom, view: 'Detailed' }),
        );
        assertSchema('AccountCallLogResponse', page);
        company = page.records.filter((r) => sessions.includes(r.telephonySessionId));
        if (sessions.every((s) => company.some((r) => r.telephonySessionId === s))) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const record of company) assertSchema('CompanyCallLogRecord', record);
      const recordOf = (sid: string) => company.find((r) => r.telephonySessionId === sid);
      assert.equal(recordOf(a.call.telephonySessionId)?.direction, 'Inbound');
      assert.equal(recordOf(b.call.telephonySessionId)?.direction, 'Outbound');
      for (const r of company) assert.notEqual(r.result, 'In Progress');

      const own = await json<{ records: Record_[] }>(
        user.get('/restapi/v1.0/account/~/extension/~/call-log', { dateFrom }),
      );
      assertSchema('UserCallLogResponse', own);
      const mine = own.records.filter((r) => sessions.includes(r.telephonySessionId));
      assert.deepEqual(
        mine.map((r) => [r.telephonySessionId, r.direction]),
        [[a.call.telephonySessionId, 'Inbound']],
      );
      assert.equal(mine[0].result, 'Accepted');

      const ended = await json<{ records: Record_[] }>(user.get('/account/~/extension/~/active-calls'));
      assertSchema('UserActiveCallsResponse', ended);
      const a2 = ended.records.find((r) => r.telephonySessionId === a.call.telephonySessionId);
      assert.ok(a2, 'an ended call stays in active calls for a while');
      assert.equal(a2.result, mine[0].result, 'with its final result');

      const presence = await json<{ telephonyStatus: string }>(
        user.get('/account/~/extension/~/presence', { detailedTelephonyState: true }),
      );
      assertSchema('GetPresenceInfo', presence);
      assert.equal(presence.telephonyStatus, 'NoCall');
    });
  });
