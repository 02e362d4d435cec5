// Notification latency: telephony-session events appended to the event log at a steady rate (as the session
// assembler accepts them), delivered to WebHook receivers and WebSocket clients; p50/p99 of event accepted →
// webhook request received and → WebSocket frame received, deliveries/s and the process's RSS. Everything (load,
// server, receivers, clients) runs in one process on the same cores: say so with the figures.
//
// Then `sync --follow` against this server: an archive follows it over its WebSocket gateway while whole calls are
// ingested upstream at --follow-rate calls/s; p50/p99 of call end accepted upstream → provisional record in the
// archive (the archive's intake committed it), and how many were replaced by the upstream's records.
//
//   node --import tsx bench/notify-latency.ts [--db sqlite|postgres] [--rate EVENTS_PER_S] [--seconds S]
//                                             [--webhooks N] [--websockets N] [--follow-rate CALLS_PER_S] [--write]

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { listen, NO_FAULTS } from '../src/api/index.ts';
import { ensureCredentials, RINGCENTRAL_TOKEN_CONFIG, TokenService } from '../src/auth/index.ts';
import { seedStore } from '../src/generator/index.ts';
import { Notifications } from '../src/events/index.ts';
import type { TelephonySessionEventBody } from '../src/domain/index.ts';
import { createDiskBlobStore, openStore, type Store } from '../src/store/index.ts';
import { follow, PROVISIONAL_PREFIX } from '../src/sync/index.ts';
import { createTelephony, type Telephony } from '../src/telephony/index.ts';
import { createTestDatabase } from '../test/support/backends.ts';
import { oneLegCallEvents, sessionEvent } from '../test/support/telephony-events.ts';
import { writeSection } from './benchmarks-doc.ts';
import { describeRun, runInfoLine } from './machine-info.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    webhooks: { type: 'string', default: '10' },
    websockets: { type: 'string', default: '100' },
    'follow-rate': { type: 'string', default: '20' },
    write: { type: 'boolean', default: false },
  },
});
const backend = values.db === 'postgres' ? 'postgres' : 'sqlite';
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const webhookCount = Number(values.webhooks);
const socketCount = Number(values.websockets);
const followRate = Number(values['follow-rate']);

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

async function main(): Promise<void> {
  const database = await createTestDatabase(backend);
  const store = await openStore(database.location);
  await seedStore(store, { seed: 1, extensions: 10, days: 1, callsPerDay: 10, endTime: Date.now() });
  const tokens = new TokenService(store, RINGCENTRAL_TOKEN_CONFIG);
  const credentials = await ensureCredentials(store, tokens);
  const notifications = new Notifications(store, {
    location: database.location,
    allowPrivateWebhooks: true,
    pollMs: backend === 'postgres' ? 1000 : 10,
  });
  const ctx = {
    store,
    tokens,
    blobs: createDiskBlobStore(join(database.dir, 'blobs')),
    http: {},
    rateLimits: {},
    now: Date.now,
    notifications,
    telephony: createTelephony(store),
  };
  const { app, url } = await listen(ctx, '127.0.0.1', 0, { faults: NO_FAULTS });
  const login = await fetch(`${url}/restapi/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: credentials.admin.jwt,
    }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const filter = '/restapi/v1.0/account/~/telephony/sessions';

  const accepted = new Map<string, number>();
  const webhookLatency: number[] = [];
  const socketLatency: number[] = [];
  const latencyOf = (sessionId: string | undefined) => {
    const at = sessionId ? accepted.get(sessionId) : undefined;
    return at === undefined ? undefined : performance.now() - at;
  };

  const receivers = await Promise.all(
    Array.from({ length: webhookCount }, async () => {
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const validation = req.headers['validation-token'];
          if (validation) res.setHeader('Validation-Token', validation);
          else {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body: { telephonySessionId: string } };
            const ms = latencyOf(body.body.telephonySessionId);
            if (ms !== undefined) webhookLatency.push(ms);
          }
          res.end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const r = await fetch(`${url}/restapi/v1.0/subscription`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ eventFilters: [filter], deliveryMode: { transportType: 'WebHook', address } }),
      });
      if (r.status !== 200) throw new Error(`webhook subscription: ${r.status} ${await r.text()}`);
      return server;
    }),
  );

  const sockets = await Promise.all(
    Array.from({ length: socketCount }, async (_, i) => {
      const t = await fetch(`${url}/restapi/oauth/wstoken`, { method: 'POST', headers: auth });
      const { uri, ws_access_token } = (await t.json()) as { uri: string; ws_access_token: string };
      const socket = new WebSocket(`${uri}?access_token=${ws_access_token}`);
      await new Promise<void>((resolve) => socket.once('message', () => resolve()));
      socket.send(
        JSON.stringify([
          { type: 'ClientRequest', messageId: `s-${i}`, method: 'POST', path: '/restapi/v1.0/subscription' },
          { eventFilters: [filter], deliveryMode: { transportType: 'WebSocket' } },
        ]),
      );
      socket.on('message', (data: Buffer) => {
        const [meta, body] = JSON.parse(data.toString('utf8')) as [
          { type: string },
          { body?: { telephonySessionId?: string } },
        ];
        if (meta.type !== 'ServerNotification') return;
        const ms = latencyOf(body.body?.telephonySessionId);
        if (ms !== undefined) socketLatency.push(ms);
      });
      return socket;
    }),
  );
  await new Promise((r) => setTimeout(r, 500));

  // Load: `rate` events a second, appended in batches every 10 ms, each durable before it counts as accepted.
  const total = Math.round(rate * seconds);
  const started = performance.now();
  let sent = 0;
  let session = 0;
  let peakRss = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    const batch = [];
    for (; sent < due; sent++) {
      session += 1;
      const event = sessionEvent(credentials.accountId, 1_000_000 + session, [
        { extensionId: credentials.admin.extensionId, direction: 'Outbound', status: 'Disconnected' },
      ]);
      batch.push(event);
    }
    if (batch.length) {
      const at = performance.now();
      for (const e of batch) accepted.set(e.sessionId!, at);
      await store.eventLog.append(batch);
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    await new Promise((r) => setTimeout(r, 10));
  }
  const loadSeconds = (performance.now() - started) / 1000;
  const expectedWebhooks = total * webhookCount;
  const expectedFrames = total * socketCount;
  for (let i = 0; i < 300 && (webhookLatency.length < expectedWebhooks || socketLatency.length < expectedFrames); i++) {
    await new Promise((r) => setTimeout(r, 100));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const drained = (performance.now() - started) / 1000;

  const w = [...webhookLatency].sort((a, b) => a - b);
  const s = [...socketLatency].sort((a, b) => a - b);
  const f = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(1));
  const lines = [
    `## Notifications: event accepted → WebHook / WebSocket (${backend})`,
    '',
    runInfoLine(describeRun()),
    '',
    `${total} telephony-session events at ${rate}/s for ${loadSeconds.toFixed(1)} s, each to ${webhookCount} WebHook ` +
      `subscriptions and ${socketCount} WebSocket clients, account filter; load, server, receivers and clients in ` +
      'one process on the same cores. Command: `node --import tsx bench/notify-latency.ts ' +
      `--db ${backend} --rate ${rate} --seconds ${seconds} --webhooks ${webhookCount} --websockets ${socketCount}\`.`,
    '',
    '| outlet | delivered | p50 ms | p99 ms | max ms | deliveries/s |',
    '|---|---|---|---|---|---|',
    `| WebHook | ${w.length} / ${expectedWebhooks} | ${f(percentile(w, 50))} | ${f(percentile(w, 99))} | ${f(w[w.length - 1])} | ${Math.round(w.length / drained)} |`,
    `| WebSocket | ${s.length} / ${expectedFrames} | ${f(percentile(s, 50))} | ${f(percentile(s, 99))} | ${f(s[s.length - 1])} | ${Math.round(s.length / drained)} |`,
    '',
    `Peak RSS of the process: ${Math.round(peakRss / 1048576)} MiB.`,
  ];
  if (followRate > 0) {
    const credentialsOf = { url, clientId: credentials.clientId, clientSecret: credentials.clientSecret };
    const upstream = { ...credentialsOf, jwt: credentials.admin.jwt };
    lines.push(
      '',
      ...(await followLatency(ctx.telephony, credentials.accountId, credentials.admin.extensionId, upstream)),
    );
  }
  const markdown = lines.join('\n');
  process.stdout.write(`${markdown}\n`);
  if (values.write) writeSection(`notify-${backend}`, markdown);

  for (const socket of sockets) socket.terminate();
  await Promise.all(receivers.map((r) => new Promise((resolve) => r.close(resolve))));
  await app.close();
  await store.close();
  await database.drop();
}

/** One call of one party, outbound from `extensionId`: its three events (the last ends it). */
function callEvents(accountId: string, extensionId: string, n: number): TelephonySessionEventBody[] {
  const id = String(n).padStart(12, '0');
  return oneLegCallEvents(accountId, extensionId, {
    telephonySessionId: `s-bench${id}`,
    sessionId: `43${id.slice(2)}`,
  });
}

/** `sync --follow` into a second database: call end accepted upstream → provisional record in the archive. */
async function followLatency(
  upstreamTelephony: Telephony,
  accountId: string,
  extensionId: string,
  upstream: { url: string; clientId: string; clientSecret: string; jwt: string },
): Promise<string[]> {
  const database = await createTestDatabase(backend);
  const archive: Store = await openStore(database.location);
  const telephony = createTelephony(archive, { recordIdPrefix: PROVISIONAL_PREFIX });
  const endedAt = new Map<string, number>();
  const latency: number[] = [];
  let replaced = 0;
  let live = false;
  const intake = {
    async ingest(account: string, bodies: TelephonySessionEventBody[]) {
      await telephony.ingest(account, bodies);
      const now = performance.now();
      for (const b of bodies) {
        const at = endedAt.get(b.telephonySessionId);
        if (at !== undefined && b.parties.every((p) => p.status.code === 'Disconnected')) latency.push(now - at);
      }
    },
  };
  const handle = follow({
    store: archive,
    intake,
    upstream,
    lookbackDays: 1,
    decoders: 0,
    onLive: () => (live = true),
    onReplaced: () => (replaced += 1),
    observer: { started: () => undefined, warn: (m) => process.stderr.write(`follow: ${m}\n`), finished: () => {} },
  });
  await handle.caughtUp;
  while (!live) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 1000));
  const total = Math.round(followRate * seconds);
  const started = performance.now();
  for (let n = 1; n <= total; n++) {
    const wait = started + (n * 1000) / followRate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const events = callEvents(accountId, extensionId, n);
    await upstreamTelephony.ingest(accountId, events.slice(0, 2));
    await upstreamTelephony.ingest(accountId, events.slice(2));
    endedAt.set(events[2].telephonySessionId, performance.now());
  }
  for (let i = 0; i < 300 && (latency.length < total || replaced < total); i++)
    await new Promise((r) => setTimeout(r, 100));
  handle.stop();
  await handle.done;
  await telephony.close();
  await archive.close();
  await database.drop();
  const sorted = [...latency].sort((a, b) => a - b);
  const f = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(1));
  return [
    `\`sync --follow\` of this server into a second ${backend} database: ${total} calls at ${followRate}/s ingested ` +
      'upstream (all in the same process).',
    '',
    '| call end accepted upstream → provisional record in the archive | p50 ms | p99 ms | max ms | replaced by the upstream record |',
    '|---|---|---|---|---|',
    `| ${sorted.length} / ${total} | ${f(percentile(sorted, 50))} | ${f(percentile(sorted, 99))} | ${f(sorted[sorted.length - 1])} | ${replaced} / ${total} |`,
  ];
}

main().catch((err: unknown) => {
  process.stderr.write(`notify bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
