// The WebSocket gateway with RingCentral's own clients, unchanged: @rc-ex/ws and @ringcentral/subscriptions get a
// wstoken, connect, subscribe over the socket and receive telephony-session events; after a dropped connection they
// recover their session and get what they missed. Also the protocol's frames as a plain `ws` client sees them.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import RingCentral from '@rc-ex/core';
import * as rcexWs from '@rc-ex/ws';
import { SDK } from '@ringcentral/sdk';
import { Subscriptions } from '@ringcentral/subscriptions';
import WebSocket from 'ws';
import { backends } from '../support/backends.ts';
import { jwtAccessToken } from '../support/oauth.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { appendEvents, sessionEvent } from '../support/telephony-events.ts';
import type { Notification } from '../support/webhook-receiver.ts';

// @rc-ex/ws ships ES modules without "type": "module"; TypeScript sees its default export as a namespace member.
const WebSocketExtension = rcexWs.default as unknown as typeof rcexWs.default.default;
type WebSocketExtension = InstanceType<typeof rcexWs.default.default>;
const { Events } = rcexWs;

interface Meta {
  type: string;
  messageId: string;
  status: number;
  wsc: { token: string; sequence: number };
}
type Frame = [Meta, Record<string, unknown> & { errorCode?: string; records?: unknown[] }];

/** Collects notifications and waits for a number of them. */
function inbox() {
  const got: Notification[] = [];
  let wake: (() => void) | undefined;
  return {
    got,
    push(n: Notification) {
      got.push(n);
      wake?.();
    },
    async waitFor(count: number, timeoutMs = 15_000): Promise<Notification[]> {
      const deadline = Date.now() + timeoutMs;
      while (got.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} notifications, got ${got.length}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
      return got;
    },
  };
}

const sessionId = (n: number) => `s-${n.toString(16).padStart(32, '0')}`;

/** `promise`, or a failure naming `what` after `ms`: a wait in these tests never hangs the run. */
function within<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Settles when the client's next automatic recovery does: resolves on success, rejects when the gateway answered
 * recoveryState Failed; recovery errors (the client retries them) are named if the wait runs out.
 */
function nextRecovery(wse: WebSocketExtension): Promise<void> {
  const errors: string[] = [];
  const settled = new Promise<void>((resolve, reject) => {
    wse.eventEmitter.once(Events.autoRecoverSuccess, () => resolve());
    wse.eventEmitter.once(Events.autoRecoverFailed, () =>
      reject(new Error(`recovery failed: ${JSON.stringify(wse.connectionDetails)}`)),
    );
    wse.eventEmitter.on(Events.autoRecoverError, (e: unknown) => errors.push(String(e)));
  });
  return within(settled, 'recovery').catch((err: Error) => {
    throw errors.length ? new Error(`${err.message}; recovery errors: ${errors.join(' | ')}`) : err;
  });
}

/** A plain WebSocket to the gateway with a wstoken of the server's user. */
async function userSocket(server: TestServer): Promise<WebSocket> {
  const token = await jwtAccessToken(server, server.credentials.user.jwt);
  const response = await fetch(`${server.url}/restapi/oauth/wstoken`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
  });
  const { uri, ws_access_token } = (await response.json()) as { uri: string; ws_access_token: string };
  return new WebSocket(`${uri}?access_token=${ws_access_token}`);
}

/** The next message of `socket` as JSON. */
function nextMessage(socket: WebSocket): Promise<unknown[]> {
  return within(
    new Promise<unknown[]>((resolve) =>
      socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')) as unknown[])),
    ),
    'message',
  );
}

for (const backend of await backends()) {
  describe(`WebSocket delivery (${backend})`, () => {
    let server: TestServer;
    let accountId: string;
    let adminExt: string;
    let userExt: string;

    before(async () => {
      server = await startTestServer({
        backend,
        seed: { days: 1, callsPerDay: 5 },
        notifications: { pollMs: backend === 'postgres' ? 200 : 20 },
      });
      accountId = server.credentials.accountId;
      adminExt = server.credentials.admin.extensionId;
      userExt = server.credentials.user.extensionId;
    });
    after(() => server.close());

    const call = (n: number, ext: string, status = 'Setup') =>
      sessionEvent(accountId, n, [{ extensionId: ext, direction: 'Outbound', status }]);

    test('@rc-ex/ws subscribes, receives events, and recovers what it missed after a dropped connection', async () => {
      const rc = new RingCentral({
        server: server.url,
        clientId: server.credentials.clientId,
        clientSecret: server.credentials.clientSecret,
      });
      await rc.authorize({ jwt: server.credentials.user.jwt });
      const wsExtension = new WebSocketExtension({ autoRecover: { enabled: true, checkInterval: () => 300 } });
      await rc.installExtension(wsExtension);
      const box = inbox();
      const subscription = await wsExtension.subscribe(
        ['/restapi/v1.0/account/~/extension/~/telephony/sessions'],
        (e) => box.push(e as Notification),
      );
      assert.equal(subscription.subscriptionInfo!.status, 'Active');
      assert.equal(subscription.subscriptionInfo!.deliveryMode!.transportType, 'WebSocket');

      await appendEvents(server.store, [call(101, userExt), call(102, adminExt), call(103, userExt, 'Answered')]);
      const first = await box.waitFor(2);
      assert.deepEqual(
        first.map((n) => n.body!.telephonySessionId),
        [sessionId(101), sessionId(103)],
        "the user's own sessions, in order, not the admin's",
      );
      assert.equal(first[0].subscriptionId, subscription.subscriptionInfo!.id);
      assert.equal(first[0].event, `/restapi/v1.0/account/${accountId}/extension/${userExt}/telephony/sessions`);

      // Drop the connection under the client; events arrive while it is away.
      const recovered = nextRecovery(wsExtension);
      const wscBefore = wsExtension.wsc!.token;
      wsExtension.ws.terminate();
      await new Promise((r) => setTimeout(r, 50));
      await appendEvents(server.store, [call(104, userExt), call(105, userExt, 'Disconnected')]);
      await recovered;
      assert.equal(wsExtension.connectionDetails.recoveryState, 'Successful');
      assert.equal(wsExtension.wsc!.token, wscBefore, 'the same session goes on');
      const all = await box.waitFor(4);
      assert.deepEqual(
        all.slice(2).map((n) => n.body!.telephonySessionId),
        [sessionId(104), sessionId(105)],
        'what was missed is replayed once',
      );
      await appendEvents(server.store, [call(106, userExt)]);
      await box.waitFor(5);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(box.got.length, 5, 'no duplicates');
      await wsExtension.revoke();
    });

    test('@ringcentral/subscriptions registers and receives events, also after a dropped connection', async () => {
      const sdk = new SDK({
        server: server.url,
        clientId: server.credentials.clientId,
        clientSecret: server.credentials.clientSecret,
        cachePrefix: `ringlog-ws-${backend}-`,
      });
      await sdk.platform().login({ jwt: server.credentials.admin.jwt });
      const subscriptions = new Subscriptions({ sdk });
      const subscription = subscriptions.createSubscription();
      const box = inbox();
      subscription.on(subscription.events.notification, (e: Notification) => box.push(e));
      const ws = await subscription.setEventFilters(['/restapi/v1.0/account/~/telephony/sessions']).register();
      await appendEvents(server.store, [call(201, userExt), call(202, adminExt)]);
      const got = await box.waitFor(2);
      assert.deepEqual(
        got.map((n) => n.body!.telephonySessionId),
        [sessionId(201), sessionId(202)],
      );
      const wse = (ws as unknown as { wse: WebSocketExtension }).wse;
      const recovered = nextRecovery(wse);
      wse.ws.terminate();
      await new Promise((r) => setTimeout(r, 50));
      await appendEvents(server.store, [call(203, adminExt)]);
      await recovered;
      await box.waitFor(3);
      assert.equal(box.got[2].body!.telephonySessionId, sessionId(203));
      await wse.revoke();
      await sdk.platform().logout();
    });

    test('the protocol: ConnectionDetails first, ClientRequest echo, Heartbeat, wsc sequence, bad tokens', async () => {
      const token = await jwtAccessToken(server, server.credentials.user.jwt);
      const wsToken = await fetch(`${server.url}/restapi/oauth/wstoken`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(wsToken.status, 200);
      const { uri, ws_access_token, expires_in } = (await wsToken.json()) as Record<string, string | number>;
      assert.equal(uri, `${server.url.replace('http', 'ws')}/ws`);
      assert.equal(expires_in, 600);

      const frames: unknown[][] = [];
      const socket = new WebSocket(`${String(uri)}?access_token=${String(ws_access_token)}`);
      const next = async (): Promise<unknown[]> => {
        const deadline = Date.now() + 20_000;
        while (!frames.length) {
          if (Date.now() > deadline) throw new Error('no frame within 20000 ms');
          await new Promise((r) => setTimeout(r, 10));
        }
        return frames.shift()!;
      };
      socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as unknown[]));
      const [details, detailsBody] = (await next()) as Frame;
      assert.equal(details.type, 'ConnectionDetails');
      assert.equal(details.wsc.sequence, 1);
      assert.equal(detailsBody.recoveryTimeout, 180);
      assert.equal(detailsBody.idleTimeout, 1800);
      assert.equal(detailsBody.absoluteTimeout, 86400);

      socket.send(JSON.stringify([{ type: 'Heartbeat', messageId: 'hb-1' }]));
      assert.deepEqual(await next(), [{ type: 'Heartbeat', messageId: 'hb-1' }]);
      socket.send(
        JSON.stringify([
          { type: 'ClientRequest', messageId: 'm-1', method: 'POST', path: '/restapi/v1.0/subscription/' },
          {
            eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
            deliveryMode: { transportType: 'WebSocket' },
          },
        ]),
      );
      const [denied, deniedBody] = (await next()) as Frame;
      assert.equal(denied.type, 'ClientRequest');
      assert.equal(denied.messageId, 'm-1');
      assert.equal(denied.status, 403, 'a user may not subscribe to the company');
      assert.equal(deniedBody.errorCode, 'SUB-405');
      assert.ok(denied.wsc.sequence > details.wsc.sequence);
      socket.send(
        JSON.stringify([
          {
            type: 'ClientRequest',
            messageId: 'm-2',
            method: 'GET',
            path: '/restapi/v1.0/account/~/extension/~/call-log',
            query: { perPage: 1 },
            headers: { Authorization: `Bearer ${token}` },
          },
        ]),
      );
      const [listed, listBody] = (await next()) as Frame;
      assert.equal(listed.messageId, 'm-2');
      assert.equal(listed.status, 200);
      assert.ok(Array.isArray(listBody.records));
      socket.close();

      const bad = new WebSocket(`${String(uri)}?access_token=nope`);
      const [error] = await nextMessage(bad);
      assert.equal((error as { type: string }).type, 'Error');
    });
  });
}

describe('WebSocket timeouts', () => {
  test('a silent client gets WSG-902 when the idle timeout ends, and the socket closes', async () => {
    const server = await startTestServer({
      seed: { days: 1, callsPerDay: 2 },
      notifications: { gateway: { idleTimeout: 1 } },
    });
    try {
      const socket = await userSocket(server);
      const frames: Frame[] = [];
      socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as Frame));
      await within(new Promise<void>((resolve) => socket.once('close', () => resolve())), 'close');
      assert.equal(frames[0][0].type, 'ConnectionDetails');
      const last = frames[frames.length - 1];
      assert.equal(last[0].type, 'Error');
      assert.equal(last[1].errorCode, 'WSG-902');
    } finally {
      await server.close();
    }
  });
});

describe('WebSocket gateway shutdown', () => {
  test('closing the server ends a socket whose handshake is still being checked', async () => {
    const server = await startTestServer({ seed: { days: 1, callsPerDay: 2 }, notifications: {} });
    // Hold the token look-up of the next connection, so the server closes while that socket is still opening.
    const store = server.notifications!.store;
    const lookUp = store.wsToken.bind(store);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let lookUps = 0;
    store.wsToken = async (hash) => {
      lookUps += 1;
      await released;
      return lookUp(hash);
    };
    try {
      const socket = await userSocket(server);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      await within(new Promise((resolve) => socket.once('open', resolve)), 'upgrade');
      assert.equal(lookUps, 1, 'the server is checking the token');
      await within(server.close(), 'server close', 10_000);
      await within(closed, 'socket close');
    } finally {
      release();
    }
  });
});
