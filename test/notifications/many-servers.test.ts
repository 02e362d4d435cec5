// Several `ringlog serve` processes on one PostgreSQL deliver as one service: a WebSocket client on either server
// receives events appended elsewhere (NOTIFY wakes every server), each WebHook notification is delivered once, not
// once per server, and a server killed with SIGKILL mid-delivery leaves nothing undelivered (the other server takes
// over its claims when their lease ends). Needs the built CLI (`npm run build`), as test/multi-server.test.ts does.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import RingCentral from '@rc-ex/core';
import * as rcexWs from '@rc-ex/ws';
import { openStore, type Store } from '../../src/store/index.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/backends.ts';
import { jwtAccessToken } from '../support/oauth.ts';
import { appendEvents, sessionEvent } from '../support/telephony-events.ts';
import { SMALL_COMPANY } from '../support/test-server.ts';
import { startWebhookReceiver, type Notification, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { ringlogArgs } from '../support/ringlog-cli.ts';

const WebSocketExtension = rcexWs.default as unknown as typeof rcexWs.default.default;
const LEASE_MS = 4000;
/** Kill trials of the crash test (RINGLOG_CRASH_TRIALS=20 for the counts; 3 keeps the suite short). */
const TRIALS = Number(process.env.RINGLOG_CRASH_TRIALS ?? 3);

interface Serve {
  child: ChildProcess;
  url: string;
}

function startServe(db: string): Promise<Serve> {
  const child = spawn(process.execPath, ringlogArgs(['serve', '--db', db, '--port', '0', '--allow-private-webhooks']), {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, RINGLOG_WEBHOOK_LEASE_MS: String(LEASE_MS) },
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (url) => resolve({ child, url }));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

function kill(serve: Serve): Promise<void> {
  return new Promise((resolve) => {
    if (serve.child.exitCode !== null || serve.child.signalCode !== null) return resolve();
    serve.child.once('exit', () => resolve());
    serve.child.kill('SIGKILL');
  });
}

const available = await backends();

describe(
  'many servers on one PostgreSQL',
  { skip: !available.includes('postgres') && 'PostgreSQL unreachable' },
  () => {
    let database: TestDatabase;
    let servers: Serve[];
    let credentials: {
      accountId: string;
      clientId: string;
      clientSecret: string;
      admin: { extensionId: string; jwt: string };
    };
    let store: Store;
    let receiver: WebhookReceiver;
    let session = 0;

    const events = (count: number) => {
      const out = [];
      for (let i = 0; i < count; i++) {
        session += 1;
        out.push(
          sessionEvent(credentials.accountId, session, [
            { extensionId: credentials.admin.extensionId, direction: 'Outbound', status: 'Setup' },
          ]),
        );
      }
      return out;
    };

    before(async () => {
      database = await createTestDatabase('postgres');
      const seed = spawnSync(
        process.execPath,
        ringlogArgs(['seed', '--db', database.location, '--seed', String(SMALL_COMPANY.seed), '--extensions', '4']),
        { encoding: 'utf8' },
      );
      assert.equal(seed.status, 0, seed.stderr);
      credentials = JSON.parse(
        spawnSync(process.execPath, ringlogArgs(['credentials', '--json', '--db', database.location]), {
          encoding: 'utf8',
        }).stdout,
      ) as typeof credentials;
      servers = await Promise.all([startServe(database.location), startServe(database.location)]);
      store = await openStore(database.location);
      receiver = await startWebhookReceiver();
    });
    after(async () => {
      await Promise.all(servers.map(kill));
      await receiver.close();
      await store.close();
      await database.drop();
    });

    test('a WebSocket client on either server receives events appended elsewhere', async () => {
      for (const server of servers) {
        const rc = new RingCentral({
          server: server.url,
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
        });
        await rc.authorize({ jwt: credentials.admin.jwt });
        const ws = new WebSocketExtension({ autoRecover: { enabled: false } });
        await rc.installExtension(ws);
        const got: Notification[] = [];
        await ws.subscribe(['/restapi/v1.0/account/~/telephony/sessions'], (e) => got.push(e as Notification));
        const sent = events(3);
        await appendEvents(store, sent);
        for (let i = 0; i < 100 && got.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(
          got.map((n) => n.body!.telephonySessionId),
          sent.map((e) => e.sessionId),
          `client on ${server.url}`,
        );
        await ws.revoke();
      }
    });

    /** Subscribes the receiver through the first server; returns the subscription id. */
    const subscribe = async (): Promise<string> => {
      const token = await jwtAccessToken({ url: servers[0].url, credentials }, credentials.admin.jwt);
      const response = await fetch(`${servers[0].url}/restapi/v1.0/subscription`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
          deliveryMode: { transportType: 'WebHook', address: receiver.url },
        }),
      });
      const body = (await response.json()) as { id: string };
      assert.equal(response.status, 200, JSON.stringify(body));
      return body.id;
    };

    /** Counts per telephony session of what the receiver got for a subscription. */
    const counts = (subscriptionId: string) => {
      const bySession = new Map<string, number>();
      for (const r of receiver.received) {
        if (r.body.subscriptionId !== subscriptionId) continue;
        const id = r.body.body!.telephonySessionId!;
        bySession.set(id, (bySession.get(id) ?? 0) + 1);
      }
      return bySession;
    };

    test('two servers deliver each WebHook notification once', async () => {
      const id = await subscribe();
      const sent = events(40);
      await appendEvents(store, sent);
      await receiver.waitFor(40);
      await new Promise((r) => setTimeout(r, LEASE_MS + 500));
      const got = counts(id);
      assert.equal(got.size, 40);
      assert.deepEqual(
        [...got.values()].filter((n) => n !== 1),
        [],
        'no notification delivered twice',
      );
    });

    test(`a server killed mid-delivery leaves nothing undelivered (${TRIALS} trials)`, async (t) => {
      receiver.received.length = 0;
      const id = await subscribe();
      receiver.delayMs = 300;
      let expected = 0;
      let duplicates = 0;
      for (let trial = 0; trial < TRIALS; trial++) {
        const before = receiver.received.length;
        const sent = events(30);
        expected += sent.length;
        await appendEvents(store, sent);
        // Kill one server as soon as notifications are in flight (received, not yet answered).
        while (receiver.received.length === before) await new Promise((r) => setTimeout(r, 5));
        const victim = trial % 2;
        await kill(servers[victim]);
        const got = await (async () => {
          for (let i = 0; i < 200; i++) {
            const c = counts(id);
            if (sent.every((e) => c.has(e.sessionId!))) return c;
            await new Promise((r) => setTimeout(r, 50));
          }
          return counts(id);
        })();
        const missing = sent.filter((e) => !got.has(e.sessionId!));
        assert.deepEqual(missing, [], `trial ${trial}: every event accepted before the kill is delivered`);
        servers[victim] = await startServe(database.location);
      }
      receiver.delayMs = 0;
      await new Promise((r) => setTimeout(r, LEASE_MS + 500));
      const got = counts(id);
      const delivered = [...got.values()].reduce((sum, n) => sum + n, 0);
      duplicates = delivered - got.size;
      t.diagnostic(
        `crash trials: ${TRIALS} kills -9 mid-delivery, ${expected} events accepted before the kills, ` +
          `${got.size} delivered at least once, ${expected - got.size} lost, ${duplicates} duplicate deliveries ` +
          `(${delivered} requests in all)`,
      );
      assert.equal(got.size, expected);
    });
  },
);
