// A WebHook receiver written like RingCentral's sample (webhook-server.js): a request carrying Validation-Token is the
// handshake (echo it, no body); anything else is a notification. It records what it received, and can be told to
// fail, to answer slowly or to answer the handshake wrongly.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A notification as RingCentral sends it (telephony, call-log: `body`; missed calls: flat fields). */
export interface Notification {
  uuid: string;
  event: string;
  timestamp: string;
  subscriptionId: string;
  ownerId: string;
  extensionId?: string;
  body?: {
    telephonySessionId?: string;
    parties?: { extensionId?: string; sipData?: { callId: string } }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: Notification;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: Received[];
  handshakes: number;
  /** How to answer: 'ok', a status to fail with, or a handshake fault. */
  mode: 'ok' | number | 'no-token' | 'huge' | 'slow';
  /** Milliseconds to hold each notification before answering (it counts as received on arrival). */
  delayMs: number;
  /** Resolves when `count` notifications have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const waiters: (() => void)[] = [];
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    handshakes: 0,
    mode: 'ok',
    delayMs: 0,
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (receiver.received.length >= count) {
            clearTimeout(timer);
            resolve(receiver.received);
            return true;
          }
          return false;
        };
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} notifications, got ${receiver.received.length}`)),
          timeoutMs,
        );
        const wait = () => {
          if (!check()) waiters.push(wait);
        };
        wait();
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const token = req.headers['validation-token'];
      if (token) {
        receiver.handshakes += 1;
        if (receiver.mode === 'slow') return void setTimeout(() => res.end(), 400);
        if (typeof receiver.mode === 'number') return void res.writeHead(receiver.mode).end();
        if (receiver.mode === 'no-token') return void res.writeHead(200).end();
        res.setHeader('Validation-Token', token);
        res.setHeader('Content-Type', 'application/json');
        return void res.writeHead(200).end(receiver.mode === 'huge' ? 'x'.repeat(2000) : '');
      }
      if (typeof receiver.mode === 'number') return void res.writeHead(receiver.mode).end();
      receiver.received.push({
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Notification,
        at: Date.now(),
      });
      for (const waiter of waiters.splice(0)) waiter();
      if (receiver.delayMs) setTimeout(() => res.writeHead(200).end(), receiver.delayMs);
      else res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
