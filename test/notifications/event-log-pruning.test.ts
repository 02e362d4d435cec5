// The event log is pruned behind everyone still owed events: events older than the retention go, except those a
// WebHook subscription whose receiver is down has not taken (it gets them all when it is back) and those a WebSocket
// session could still recover; an expired subscription and a session a killed server left stop holding them.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { EVENT_RETENTION_MS } from '../../src/events/index.ts';
import { backends } from '../support/backends.ts';
import { jwtAccessToken } from '../support/oauth.ts';
import { appendEvents, sessionEvent } from '../support/telephony-events.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const RECOVERY_MS = 180_000;
const OLD = () => Date.now() - 2 * EVENT_RETENTION_MS;

type Body = Record<string, unknown> & { id: string; errors: { errorCode: string }[] };
type Frame = [{ type: string; wsc: { token: string } }, Record<string, unknown>];

/** Polls `check` until it holds (a wait in these tests never hangs the run). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (const deadline = Date.now() + 15_000; !(await check());) {
    if (Date.now() > deadline) throw new Error(`no ${what} within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const backend of await backends()) {
  describe(`event log pruning (${backend})`, () => {
    let server: TestServer;
    let receiver: WebhookReceiver;
    let admin: string;
    let accountId: string;
    let extensionId: string;
    let sessionNumber = 0;

    before(async () => {
      server = await startTestServer({
        backend,
        seed: { days: 1, callsPerDay: 2 },
        notifications: {
          allowPrivateWebhooks: true,
          dispatcher: { backoffMs: 50, maxBackoffMs: 100, blacklistAfter: 100_000, leaseMs: 5000 },
          pollMs: backend === 'postgres' ? 200 : 20,
        },
      });
      receiver = await startWebhookReceiver();
      admin = await jwtAccessToken(server, server.credentials.admin.jwt);
      accountId = server.credentials.accountId;
      extensionId = server.credentials.admin.extensionId;
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    const housekeep = (now = Date.now()) => server.notifications!.housekeep(now);
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Body) : undefined };
    };
    const subscribe = async (expiresIn = 3600) => {
      const created = await call('POST', '/restapi/v1.0/subscription', {
        eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
        deliveryMode: { transportType: 'WebHook', address: receiver.url },
        expiresIn,
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      return created.body!.id;
    };
    /** Appends one event per creation time; returns their ids and telephony session ids. */
    const append = async (...createdAt: number[]) => {
      const events = createdAt.map((at) =>
        sessionEvent(accountId, ++sessionNumber, [{ extensionId, direction: 'Outbound', status: 'Setup' }], at),
      );
      const ids = await appendEvents(server.store, events);
      return { ids, sessions: events.map((e) => e.sessionId!) };
    };
    /** Which of `ids` are still in the log. */
    const kept = async (ids: number[]) => {
      const rows = await server.store.eventLog.readAfter(ids[0] - 1, 1000);
      const left = new Set(rows.map((e) => e.id));
      return ids.filter((id) => left.has(id));
    };

    test('events older than the retention are pruned, newer ones stay', async () => {
      const { ids } = await append(OLD(), OLD(), Date.now());
      const result = await housekeep();
      assert.ok(result.prunedEvents >= 2);
      assert.deepEqual(await kept(ids), [ids[2]]);
    });

    test('a subscription whose receiver is down holds pruning at its cursor, and then gets all it missed', async () => {
      const { ids: before } = await append(OLD());
      const id = await subscribe();
      receiver.mode = 503;
      const missed = await append(OLD(), OLD(), OLD());
      await housekeep();
      assert.deepEqual(await kept(before), [], 'what the subscription was not owed is pruned');
      assert.deepEqual(await kept(missed.ids), missed.ids, 'what its receiver has not taken stays');

      receiver.mode = 'ok';
      await until(
        () => missed.sessions.every((s) => receiver.received.some((r) => r.body.body?.telephonySessionId === s)),
        'delivery of the missed events',
      );
      await until(
        async () => Number((await server.notifications!.store.webhookCursors(Date.now()))[0].cursor) >= missed.ids[2],
        'the cursor written past the missed events',
      );
      await housekeep();
      assert.deepEqual(await kept(missed.ids), [], 'once taken they are pruned');
      assert.equal((await call('DELETE', `/restapi/v1.0/subscription/${id}`)).status, 204);
    });

    test('an expired subscription is removed and no longer holds pruning; a GET answers as for an unknown id', async () => {
      const id = await subscribe(60);
      receiver.mode = 503;
      const { ids } = await append(OLD(), OLD());
      await housekeep();
      assert.deepEqual(await kept(ids), ids, 'held while the subscription lives');

      const result = await housekeep(Date.now() + 61_000);
      assert.equal(result.expiredSubscriptions, 1);
      assert.deepEqual(await kept(ids), [], 'pruned once it expired');
      assert.equal(await server.notifications!.store.get(id), undefined);
      assert.deepEqual(await server.notifications!.store.webhookCursors(0), [], 'its cursor went with it');
      const gone = await call('GET', `/restapi/v1.0/subscription/${id}`);
      const unknown = await call('GET', '/restapi/v1.0/subscription/no-such-id');
      assert.equal(gone.status, 404);
      assert.equal(gone.body!.errors[0].errorCode, unknown.body!.errors[0].errorCode);
      receiver.mode = 'ok';
    });

    test('a WebSocket session a killed server left holds pruning until its recovery window ends, then fails recovery', async () => {
      const wsToken = (await (
        await fetch(`${server.url}/restapi/oauth/wstoken`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${admin}` },
        })
      ).json()) as { uri: string; ws_access_token: string };
      const connect = async (wsc?: string): Promise<Frame> => {
        const socket = new WebSocket(
          `${wsToken.uri}?access_token=${wsToken.ws_access_token}${wsc ? `&wsc=${encodeURIComponent(wsc)}` : ''}`,
        );
        const data = await new Promise<Buffer>((resolve) => socket.once('message', (raw: Buffer) => resolve(raw)));
        socket.close();
        await new Promise((resolve) => socket.once('close', resolve));
        return JSON.parse(data.toString('utf8')) as Frame;
      };
      const [details] = await connect();
      const sessionId = details.wsc.token;
      const subscriptions = server.notifications!.store;
      await until(async () => (await subscriptions.wsSession(sessionId))?.closed_at != null, 'session closed');
      // As a server killed with the socket open leaves it: never closed.
      await subscriptions.updateWsSession(sessionId, { closed_at: null });
      const now = Date.now();
      const { ids } = await append(now, OLD());
      const result = await housekeep(now);
      assert.equal(result.abandonedSessions, 0);
      assert.deepEqual(await kept(ids), ids, 'held while the session may recover');

      const later = await housekeep(now + RECOVERY_MS + 1000);
      assert.equal(later.abandonedSessions, 1);
      assert.deepEqual(await kept(ids), [ids[0]], 'the old event is pruned once the session is given up');
      const [recovery, body] = await connect(sessionId);
      assert.equal(recovery.type, 'ConnectionDetails');
      assert.equal(body.recoveryState, 'Failed');
      assert.equal(body.recoveryErrorCode, 'WSG-905');
    });
  });
}
