// Several `ringlog serve` processes on one PostgreSQL deliver as one service: a WebSocket client on either server
// receives events appended elsewhere (NOTIFY wakes every server), each WebHook notification is delivered once, not
// once per server, and a server killed with SIGKILL mid-delivery leaves nothing undelivered (the other server takes
// over its subscriptions when their lease ends). On SQLite, a server killed mid-delivery and started again delivers
// what it had not.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, test, type TestContext } from 'node:test';
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

type Credentials = {
  accountId: string;
  clientId: string;
  clientSecret: string;
  admin: { extensionId: string; jwt: string };
};

/** Seeds a small company into `location` and returns its credentials. */
function seed(location: string): Credentials {
  const seeded = spawnSync(
    process.execPath,
    ringlogArgs(['seed', '--db', location, '--seed', String(SMALL_COMPANY.seed), '--extensions', '4']),
    { encoding: 'utf8' },
  );
  assert.equal(seeded.status, 0, seeded.stderr);
  return JSON.parse(
    spawnSync(process.execPath, ringlogArgs(['credentials', '--json', '--db', location]), { encoding: 'utf8' }).stdout,
  ) as Credentials;
}

let session = 0;
/** `count` telephony-session events of new sessions. */
function events(credentials: Credentials, count: number) {
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
}

/** Subscribes `receiver` to the account's sessions through `server`; returns the subscription id. */
async function subscribe(server: Serve, credentials: Credentials, receiver: WebhookReceiver): Promise<string> {
  const token = await jwtAccessToken({ url: server.url, credentials }, credentials.admin.jwt);
  const response = await fetch(`${server.url}/restapi/v1.0/subscription`, {
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
}

/** Counts per telephony session of what the receiver got for a subscription. */
function counts(receiver: WebhookReceiver, subscriptionId: string): Map<string, number> {
  const bySession = new Map<string, number>();
  for (const r of receiver.received) {
    if (r.body.subscriptionId !== subscriptionId) continue;
    const id = r.body.body!.telephonySessionId!;
    bySession.set(id, (bySession.get(id) ?? 0) + 1);
  }
  return bySession;
}

/**
 * Kill trials: each appends 30 events, kills a server (`kill(trial)`) as soon as the receiver (answering after 300
 * ms) has notifications in flight, checks every event of the trial arrives, and starts the server again (`restart`,
 * before or after that check). Reports the counts.
 */
async function crashTrials(
  t: TestContext,
  setup: {
    store: Store;
    credentials: Credentials;
    receiver: WebhookReceiver;
    subscriptionId: string;
    kill: (trial: number) => Promise<void>;
    restart: (trial: number) => Promise<void>;
    /** Start the killed server again at once (it delivers what it had not), or once another one has. */
    restartAt: 'at-once' | 'after-delivery';
  },
): Promise<void> {
  const { store, credentials, receiver, subscriptionId: id } = setup;
  receiver.delayMs = 300;
  let expected = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const before = receiver.received.length;
    const sent = events(credentials, 30);
    expected += sent.length;
    await appendEvents(store, sent);
    // Kill as soon as notifications are in flight (received, not yet answered).
    while (receiver.received.length === before) await new Promise((r) => setTimeout(r, 5));
    await setup.kill(trial);
    if (setup.restartAt === 'at-once') await setup.restart(trial);
    const got = await (async () => {
      for (let i = 0; i < 300; i++) {
        const c = counts(receiver, id);
        if (sent.every((e) => c.has(e.sessionId!))) return c;
        await new Promise((r) => setTimeout(r, 50));
      }
      return counts(receiver, id);
    })();
    const missing = sent.filter((e) => !got.has(e.sessionId!));
    assert.deepEqual(missing, [], `trial ${trial}: every event accepted before the kill is delivered`);
    if (setup.restartAt === 'after-delivery') await setup.restart(trial);
  }
  receiver.delayMs = 0;
  await new Promise((r) => setTimeout(r, LEASE_MS + 500));
  const got = counts(receiver, id);
  const delivered = [...got.values()].reduce((sum, n) => sum + n, 0);
  t.diagnostic(
    `crash trials: ${TRIALS} kills -9 mid-delivery, ${expected} events accepted before the kills, ` +
      `${got.size} delivered at least once, ${expected - got.size} lost, ${delivered - got.size} duplicate ` +
      `deliveries (${delivered} requests in all)`,
  );
  assert.equal(got.size, expected);
}

const available = await backends();

describe(
  'many servers on one PostgreSQL',
  { skip: !available.includes('postgres') && 'PostgreSQL unreachable' },
  () => {
    let database: TestDatabase;
    let servers: Serve[];
    let credentials: Credentials;
    let store: Store;
    let receiver: WebhookReceiver;

    before(async () => {
      database = await createTestDatabase('postgres');
      credentials = seed(database.location);
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
        const sent = events(credentials, 3);
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

    test('two servers deliver each WebHook notification once', async () => {
      const id = await subscribe(servers[0], credentials, receiver);
      const sent = events(credentials, 40);
      await appendEvents(store, sent);
      await receiver.waitFor(40);
      await new Promise((r) => setTimeout(r, LEASE_MS + 500));
      const got = counts(receiver, id);
      assert.equal(got.size, 40);
      assert.deepEqual(
        [...got.values()].filter((n) => n !== 1),
        [],
        'no notification delivered twice',
      );
    });

    test(`a server killed mid-delivery leaves nothing undelivered (${TRIALS} trials)`, async (t) => {
      receiver.received.length = 0;
      const subscriptionId = await subscribe(servers[0], credentials, receiver);
      await crashTrials(t, {
        store,
        credentials,
        receiver,
        subscriptionId,
        // The server delivering the subscription (the one it was created on, then the one that took it over when
        // the killed one's lease ended) is killed; it is started again once the other one has delivered.
        kill: async (trial) => kill(servers[trial % 2]),
        restart: async (trial) => {
          servers[trial % 2] = await startServe(database.location);
        },
        restartAt: 'after-delivery',
      });
    });
  },
);

describe('one server on SQLite', () => {
  let database: TestDatabase;
  let server: Serve;
  let credentials: Credentials;
  let store: Store;
  let receiver: WebhookReceiver;

  before(async () => {
    database = await createTestDatabase('sqlite');
    credentials = seed(database.location);
    server = await startServe(database.location);
    store = await openStore(database.location);
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    await kill(server);
    await receiver.close();
    await store.close();
    await database.drop();
  });

  test(`killed mid-delivery and started again, it delivers what it had not (${TRIALS} trials)`, async (t) => {
    const subscriptionId = await subscribe(server, credentials, receiver);
    await crashTrials(t, {
      store,
      credentials,
      receiver,
      subscriptionId,
      kill: () => kill(server),
      restart: async () => {
        server = await startServe(database.location);
      },
      restartAt: 'at-once',
    });
  });
});
