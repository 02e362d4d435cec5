// Notification latency: telephony-session events appended to the event log at a steady rate (as the session
// assembler accepts them), delivered to WebHook receivers and WebSocket clients; p50/p99 of event accepted
// (from before its commit) → webhook request received and → WebSocket frame received, deliveries/s and the processes' RSS. The
// load and the server share one process; receivers and clients run in another (bench/notify-clients.ts), on the
// same cores: say so with the figures.
//
// Then `sync --follow` against this server: an archive follows it over its WebSocket gateway while whole calls are
// ingested upstream at --follow-rate calls/s; p50/p99 of call end accepted upstream → provisional record in the
// archive (the archive's intake committed it), and how many were replaced by the upstream's records.
//
// --trace adds where WebHook latency goes, stage by stage (the dispatcher's onAnswered): accepted → read from the log
// by the dispatcher (commit and wake-up included), read → POST started (waiting for room in the subscription's
// limit in flight), POST → received by the receiver, received → answer taken by the server; for all notifications
// and for the slowest 1%; with when in the run the slow ones were, and both processes' event-loop delay and GC.
//
//   node --import tsx bench/notify-latency.ts [--db sqlite|postgres] [--rate EVENTS_PER_S] [--seconds S]
//                                             [--webhooks N] [--websockets N] [--follow-rate CALLS_PER_S] [--trace]
//                                             [--write]

import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { listen, NO_FAULTS } from '../src/api/index.ts';
import { ensureCredentials, RINGCENTRAL_TOKEN_CONFIG, TokenService } from '../src/auth/index.ts';
import { seedStore } from '../src/generator/index.ts';
import { percentile } from '../src/reports/index.ts';
import { Notifications } from '../src/events/index.ts';
import type { TelephonySessionEventBody } from '../src/domain/index.ts';
import { createDiskBlobStore, openStore, type Store } from '../src/store/index.ts';
import { follow, PROVISIONAL_PREFIX } from '../src/sync/index.ts';
import { createTelephony, type Telephony } from '../src/telephony/index.ts';
import { createTestDatabase } from '../test/support/backends.ts';
import { oneLegCallEvents, sessionEvent } from '../test/support/telephony-events.ts';
import { writeSection } from './benchmarks-doc.ts';
import { describeRun, runInfoLine } from './machine-info.ts';
import { watchPauses, type ClientsCommand, type ClientsMessage, type Pauses } from './notify-clients.ts';
import type { AnsweredPost } from '../src/events/webhook-dispatcher.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    webhooks: { type: 'string', default: '10' },
    websockets: { type: 'string', default: '100' },
    'follow-rate': { type: 'string', default: '20' },
    trace: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
  },
});
const backend = values.db === 'postgres' ? 'postgres' : 'sqlite';
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const webhookCount = Number(values.webhooks);
const socketCount = Number(values.websockets);
const followRate = Number(values['follow-rate']);

async function main(): Promise<void> {
  const database = await createTestDatabase(backend);
  const store = await openStore(database.location);
  await seedStore(store, { seed: 1, extensions: 10, days: 1, callsPerDay: 10, endTime: Date.now() });
  const tokens = new TokenService(store, RINGCENTRAL_TOKEN_CONFIG);
  const credentials = await ensureCredentials(store, tokens);
  /** What --trace keeps of each answered POST (not the post itself: its event would stay on the heap). */
  const answered: Traced[] = [];
  const notifications = new Notifications(store, {
    location: database.location,
    allowPrivateWebhooks: true,
    pollMs: backend === 'postgres' ? 1000 : 10,
    dispatcher: values.trace ? { onAnswered: (post) => answered.push(traced(post)) } : {},
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
  const filter = '/restapi/v1.0/account/~/telephony/sessions';

  // Receivers and clients in a process of their own on the same machine (bench/notify-clients.ts).
  const clients = fork(fileURLToPath(new URL('./notify-clients.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
  });
  let progress = { webhooks: 0, frames: 0 };
  const fromClients = (type: ClientsMessage['type']) =>
    new Promise<ClientsMessage>((resolve, reject) => {
      const listener = (message: ClientsMessage) => {
        if (message.type === 'error') reject(new Error(message.message));
        if (message.type !== type) return;
        clients.off('message', listener);
        resolve(message);
      };
      clients.on('message', listener);
    });
  clients.on('message', (message: ClientsMessage) => {
    if (message.type === 'progress') progress = message;
  });
  const ready = fromClients('ready');
  const command: ClientsCommand = {
    type: 'start',
    url,
    token,
    filter,
    webhooks: webhookCount,
    websockets: socketCount,
  };
  clients.send(command);
  await ready;
  await new Promise((r) => setTimeout(r, 500));

  // Load: `rate` events a second, appended in batches every 10 ms, each durable before it counts as accepted.
  const accepted = new Map<string, number>();
  const pauses = watchPauses();
  const clock = () => performance.timeOrigin + performance.now();
  const total = Math.round(rate * seconds);
  const cpuBefore = process.cpuUsage();
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
      // From before the commit (so the figures include it): a wake-up on commit may deliver before append returns.
      const at = clock();
      for (const e of batch) accepted.set(e.sessionId!, at);
      await store.eventLog.append(batch);
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    await new Promise((r) => setTimeout(r, 10));
  }
  const loadSeconds = (performance.now() - started) / 1000;
  const expectedWebhooks = total * webhookCount;
  const expectedFrames = total * socketCount;
  for (let i = 0; i < 300 && (progress.webhooks < expectedWebhooks || progress.frames < expectedFrames); i++) {
    await new Promise((r) => setTimeout(r, 100));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const drained = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const reported = fromClients('report');
  clients.send({ type: 'report' } satisfies ClientsCommand);
  const report = (await reported) as Extract<ClientsMessage, { type: 'report' }>;
  const latencies = (arrivals: [string, number, ...number[]][]) =>
    arrivals.map(([session, at]) => at - accepted.get(session)!).sort((a, b) => a - b);
  const w = latencies(report.webhooks);
  const s = latencies(report.frames);
  const f = (n: number | null | undefined) => (n === null || n === undefined ? '-' : n.toFixed(1));
  const lines = [
    `## Notifications: event accepted → WebHook / WebSocket (${backend})`,
    '',
    runInfoLine(describeRun()),
    '',
    `${total} telephony-session events (call ends) asked at ${rate}/s, appended at ` +
      `${Math.round(total / loadSeconds)}/s (${loadSeconds.toFixed(1)} s), each to ` +
      `${webhookCount} WebHook subscriptions and ${socketCount} WebSocket clients, account filter; load and server ` +
      'in one process, receivers and clients in another, on the same cores. Command: ' +
      '`node --import tsx bench/notify-latency.ts ' +
      `--db ${backend} --rate ${rate} --seconds ${seconds} --webhooks ${webhookCount} --websockets ${socketCount}\`.`,
    '',
    '| outlet | delivered | p50 ms | p99 ms | max ms | deliveries/s |',
    '|---|---|---|---|---|---|',
    `| WebHook | ${w.length} / ${expectedWebhooks} | ${f(percentile(w, 50))} | ${f(percentile(w, 99))} | ${f(w[w.length - 1])} | ${Math.round(w.length / drained)} |`,
    `| WebSocket | ${s.length} / ${expectedFrames} | ${f(percentile(s, 50))} | ${f(percentile(s, 99))} | ${f(s[s.length - 1])} | ${Math.round(s.length / drained)} |`,
    '',
    `Server (and load) process: peak RSS ${Math.round(peakRss / 1048576)} MiB, CPU ` +
      `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s over ${drained.toFixed(1)} s until all was delivered. ` +
      `Receivers' and clients' process: peak RSS ${Math.round(report.rss / 1048576)} MiB, CPU ` +
      `${report.cpuSeconds.toFixed(1)} s (from its start, subscribing included).`,
  ];
  if (values.trace) lines.push('', ...traceLines(accepted, answered, report.webhooks, pauses(), report.pauses));
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

  clients.disconnect();
  await app.close();
  await store.close();
  await database.drop();
}

interface Traced {
  key: string;
  readAt: number;
  postedAt: number;
  answeredAt: number;
}

const traced = (post: AnsweredPost): Traced => ({
  key: `${post.event.sessionId}|${post.address.port}`,
  readAt: post.readAt,
  postedAt: post.postedAt,
  answeredAt: post.answeredAt,
});

/** Where WebHook latency went, stage by stage, for all notifications and the slowest 1% (see --trace). */
function traceLines(
  accepted: Map<string, number>,
  answered: Traced[],
  arrivals: [string, number, number][],
  server: Pauses,
  clients: Pauses,
): string[] {
  const epoch = (ms: number) => performance.timeOrigin + ms;
  const posts = new Map(answered.map((p) => [p.key, p]));
  const t0 = Math.min(...accepted.values());
  const stages = ['accepted → read', 'read → POST', 'POST → received', 'received → answer taken'] as const;
  const rows = arrivals.map(([session, at, port]) => {
    const post = posts.get(`${session}|${port}`)!;
    const from = accepted.get(session)!;
    return {
      total: at - from,
      second: (from - t0) / 1000,
      stages: [
        epoch(post.readAt) - from,
        post.postedAt - post.readAt,
        at - epoch(post.postedAt),
        epoch(post.answeredAt) - at,
      ],
    };
  });
  rows.sort((a, b) => a.total - b.total);
  const slow = rows.slice(Math.floor(rows.length * 0.99));
  const f = (n: number | null) => (n === null ? '-' : n.toFixed(1));
  const line = (name: string, of: typeof rows, i: number) => {
    const sorted = of.map((r) => r.stages[i]).sort((a, b) => a - b);
    return `| ${name} | ${f(percentile(sorted, 50))} | ${f(percentile(sorted, 99))} | ${f(
      percentile(
        slow.map((r) => r.stages[i]).sort((a, b) => a - b),
        50,
      ),
    )} |`;
  };
  const bySecond = new Map<number, number>();
  for (const r of slow) bySecond.set(Math.floor(r.second), (bySecond.get(Math.floor(r.second)) ?? 0) + 1);
  const pauseLine = (name: string, p: Pauses) =>
    `${name}: event-loop delay p50 / p99 / max ${p.loop.map(f).join(' / ')} ms; GC ${p.gcCount} pauses, ` +
    `${Math.round(p.gcMs)} ms in all, ${p.longGcs.length} over 10 ms (longest ${f(Math.max(0, ...p.longGcs.map(([, ms]) => ms)))} ms)`;
  return [
    `WebHook stages (--trace; ms; "slowest 1%" = the notifications above the p99, ${slow.length} of them):`,
    '',
    '| stage | p50 | p99 | median of the slowest 1% |',
    '|---|---|---|---|',
    ...stages.map((name, i) => line(name, rows, i)),
    '',
    `The slowest 1% by second of the run (event accepted): ${[...bySecond]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}s ${n}`)
      .join(', ')}. ${pauseLine('Server process', server)}. ${pauseLine("Receivers' and clients' process", clients)}.`,
  ];
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
  const f = (n: number | null | undefined) => (n === null || n === undefined ? '-' : n.toFixed(1));
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
