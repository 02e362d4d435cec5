// The other side of bench/notify-latency.ts, in a process of its own (on the same machine, as the figures
// ask): WebHook receivers written like RingCentral's sample and WebSocket clients, each subscribed to a server's
// telephony sessions; it notes when each notification arrived (epoch ms, fractional), keyed by telephony session,
// and hands the notes to the parent at the end. Driven over IPC by the parent (fork).

import { createServer, type Server } from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';

/** What the parent sends: start (subscribe everything), then report. */
export type ClientsCommand =
  | { type: 'start'; url: string; token: string; filter: string; webhooks: number; websockets: number }
  | { type: 'report' };

/** What this process sends: ready, progress every 100 ms, and the arrivals when asked. */
export type ClientsMessage =
  | { type: 'ready' }
  | { type: 'progress'; webhooks: number; frames: number }
  | {
      type: 'report';
      /** Telephony session, when (epoch ms), and the receiver's port (which subscription). */
      webhooks: [string, number, number][];
      frames: [string, number][];
      rss: number;
      cpuSeconds: number;
      pauses: Pauses;
    }
  | { type: 'error'; message: string };

const clock = () => performance.timeOrigin + performance.now();
const send = (message: ClientsMessage) => process.send!(message);

/** Event-loop delay (p50, p99, max ms) and garbage collection (count, total ms, each pause over 10 ms) of a process. */
export interface Pauses {
  loop: [number, number, number];
  gcCount: number;
  gcMs: number;
  /** [epoch ms, ms] of each collection over 10 ms. */
  longGcs: [number, number][];
}

/** Watches this process's event-loop delay and garbage collection; call the result for what it saw. */
export function watchPauses(): () => Pauses {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const gcs: [number, number][] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([performance.timeOrigin + e.startTime, e.duration]);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => ({
    loop: [delay.percentile(50) / 1e6, delay.percentile(99) / 1e6, delay.max / 1e6],
    gcCount: gcs.length,
    gcMs: gcs.reduce((sum, [, ms]) => sum + ms, 0),
    longGcs: gcs.filter(([, ms]) => ms > 10),
  });
}

const pauses = watchPauses();
const webhookArrivals: [string, number, number][] = [];
const frameArrivals: [string, number][] = [];
let peakRss = 0;

async function start(command: Extract<ClientsCommand, { type: 'start' }>): Promise<void> {
  const { url, token, filter } = command;
  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const receivers: Server[] = [];
  for (let i = 0; i < command.webhooks; i++) {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const validation = req.headers['validation-token'];
        if (validation) res.setHeader('Validation-Token', validation);
        else {
          const at = clock();
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body: { telephonySessionId: string } };
          webhookArrivals.push([body.body.telephonySessionId, at, req.socket.localPort ?? 0]);
        }
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receivers.push(server);
    const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const r = await fetch(`${url}/restapi/v1.0/subscription`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ eventFilters: [filter], deliveryMode: { transportType: 'WebHook', address } }),
    });
    if (r.status !== 200) throw new Error(`webhook subscription: ${r.status} ${await r.text()}`);
  }
  for (let i = 0; i < command.websockets; i++) {
    const t = await fetch(`${url}/restapi/oauth/wstoken`, { method: 'POST', headers: auth });
    const { uri, ws_access_token } = (await t.json()) as { uri: string; ws_access_token: string };
    const socket = new WebSocket(`${uri}?access_token=${ws_access_token}`);
    await new Promise<void>((resolve) => socket.once('message', () => resolve()));
    const subscribed = new Promise<void>((resolve) => socket.once('message', () => resolve()));
    socket.send(
      JSON.stringify([
        { type: 'ClientRequest', messageId: `s-${i}`, method: 'POST', path: '/restapi/v1.0/subscription' },
        { eventFilters: [filter], deliveryMode: { transportType: 'WebSocket' } },
      ]),
    );
    await subscribed;
    socket.on('message', (data: Buffer) => {
      const at = clock();
      const [meta, body] = JSON.parse(data.toString('utf8')) as [
        { type: string },
        { body?: { telephonySessionId?: string } },
      ];
      const session = body.body?.telephonySessionId;
      if (meta.type === 'ServerNotification' && session) frameArrivals.push([session, at]);
    });
  }
  setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    send({ type: 'progress', webhooks: webhookArrivals.length, frames: frameArrivals.length });
  }, 100).unref();
  send({ type: 'ready' });
}

process.on('message', (command: ClientsCommand) => {
  if (command.type === 'start') {
    start(command).catch((err: unknown) => send({ type: 'error', message: String(err) }));
  } else {
    const cpu = process.cpuUsage();
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    send({
      type: 'report',
      webhooks: webhookArrivals,
      frames: frameArrivals,
      rss: peakRss,
      cpuSeconds,
      pauses: pauses(),
    });
  }
});
process.on('disconnect', () => process.exit(0));
