// The upstream's telephony-session events over its WebSocket gateway (reference §11.5), as @rc-ex/ws speaks it: a
// token from POST /restapi/oauth/wstoken, the socket, one WebSocket subscription made over the socket, and the
// ServerNotification frames. A dropped socket is reopened with the session's `wsc` token; the gateway replays what
// was missed, and when it cannot (recovery window over, too much missed) `connected(false)` says events may be lost.

import { randomUUID } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';
import type { TelephonySessionEventBody } from '../domain/index.ts';
import type { UpstreamClient } from './upstream-client.ts';

export interface UpstreamEventsHandler {
  /** One telephony-session event, in the order the gateway sent it. */
  event(body: TelephonySessionEventBody): void;
  /**
   * A socket is open and subscribed. `gapless` is true only when it recovered the previous session and the gateway
   * replayed everything missed meanwhile; otherwise events may have been lost since the last socket (or this is the
   * first one).
   */
  connected(gapless: boolean): void;
  /** Something went wrong with the socket; it is reopened after a pause. */
  warn(message: string): void;
}

export interface UpstreamEventsOptions {
  client: UpstreamClient;
  handler: UpstreamEventsHandler;
  /** Event filters of the subscription; default the account's telephony sessions. */
  eventFilters?: string[];
  /** Seconds between Heartbeat frames (the gateway closes a socket idle for its idleTimeout). */
  heartbeatSeconds?: number;
  /** Pause before reopening a dropped socket, ms (doubled per failure up to 30 s). */
  reconnectMs?: number;
}

interface WsToken {
  uri: string;
  ws_access_token: string;
}

type Meta = {
  type?: string;
  messageId?: string;
  status?: number;
  wsc?: { token: string; sequence: number };
};

const MAX_RECONNECT_MS = 30_000;

/** A subscription to the upstream's events that stays open until close(). */
export class UpstreamEvents {
  private ws: WebSocket | null = null;
  private wsc: string | null = null;
  private subscribed = false;
  private closed = false;
  private failures = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private readonly filters: string[];

  constructor(private readonly options: UpstreamEventsOptions) {
    this.filters = options.eventFilters ?? ['/restapi/v1.0/account/~/telephony/sessions'];
  }

  /** Opens the first socket (and, after any drop, the next ones). */
  start(): void {
    this.open().catch((err: unknown) => this.dropped(err));
  }

  /** Drops the socket as a network failure would (the next one recovers the session). For tests and benches. */
  drop(): void {
    this.ws?.terminate();
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.ws?.close();
  }

  private async open(): Promise<void> {
    const { client } = this.options;
    const token = await client.postJson<WsToken>(client.url('/restapi/oauth/wstoken'));
    if (this.closed) return;
    const uri = new URL(token.uri);
    uri.searchParams.set('access_token', token.ws_access_token);
    if (this.wsc) uri.searchParams.set('wsc', this.wsc);
    const ws = new WebSocket(uri);
    this.ws = ws;
    ws.on('message', (data: RawData) => this.receive(ws, data));
    ws.on('error', (err) => this.options.handler.warn(`upstream WebSocket: ${err.message}`));
    ws.on('close', () => {
      if (this.ws === ws) this.dropped(null);
    });
  }

  private dropped(err: unknown): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.ws = null;
    if (this.closed) return;
    if (err) this.options.handler.warn(`upstream WebSocket: ${(err as Error).message}`);
    const base = this.options.reconnectMs ?? 500;
    const wait = Math.min(MAX_RECONNECT_MS, base * 2 ** Math.min(this.failures, 10));
    this.failures += 1;
    this.retry = setTimeout(() => this.start(), wait);
    this.retry.unref();
  }

  private send(ws: WebSocket, frame: unknown[]): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }

  private receive(ws: WebSocket, data: RawData): void {
    let meta: Meta;
    let body: Record<string, unknown> | undefined;
    try {
      const text = Array.isArray(data) ? Buffer.concat(data).toString() : Buffer.from(data as Buffer).toString();
      [meta, body] = JSON.parse(text) as [Meta, Record<string, unknown> | undefined];
    } catch {
      this.options.handler.warn('upstream WebSocket: a frame that is not JSON');
      return;
    }
    if (meta?.wsc?.token) this.wsc = meta.wsc.token;
    switch (meta?.type) {
      case 'ConnectionDetails':
        this.failures = 0;
        this.startHeartbeat(ws, Number(body?.idleTimeout));
        if (body?.recoveryState === 'Successful' && this.subscribed) this.options.handler.connected(true);
        else this.subscribe(ws);
        return;
      case 'ClientRequest':
        if (meta.status !== 200) {
          this.options.handler.warn(`upstream refused the subscription: ${meta.status} ${JSON.stringify(body)}`);
          ws.close();
          return;
        }
        this.subscribed = true;
        this.options.handler.connected(false);
        return;
      case 'ServerNotification':
        if (body && typeof body.body === 'object' && body.body !== null)
          this.options.handler.event(body.body as unknown as TelephonySessionEventBody);
        return;
      case 'Error':
        this.options.handler.warn(`upstream WebSocket error: ${JSON.stringify(body)}`);
        return;
      default:
    }
  }

  private subscribe(ws: WebSocket): void {
    this.subscribed = false;
    const messageId = randomUUID();
    this.send(ws, [
      { type: 'ClientRequest', messageId, method: 'POST', path: '/restapi/v1.0/subscription' },
      { eventFilters: this.filters, deliveryMode: { transportType: 'WebSocket' } },
    ]);
  }

  private startHeartbeat(ws: WebSocket, idleTimeout: number): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    const idle = Number.isFinite(idleTimeout) && idleTimeout > 0 ? idleTimeout : 1800;
    const every = Math.min(this.options.heartbeatSeconds ?? 60, idle / 2) * 1000;
    this.heartbeat = setInterval(() => this.send(ws, [{ type: 'Heartbeat', messageId: randomUUID() }]), every);
    this.heartbeat.unref();
  }
}
