// The WebSocket gateway (reference §11.5) as `@rc-ex/ws` and `@ringcentral/subscriptions` speak it: every frame a
// JSON array [meta, body?]; ConnectionDetails first; REST over the socket (ClientRequest), which is how WebSocket
// subscriptions are made; ServerNotification frames; Heartbeat; idle and absolute timeouts; a `wsc` token and
// sequence, and recovery that replays what a client missed while it was away (from the durable event log, so a
// client may come back to any server).

import { CoalescedRunner } from './coalesced-runner.ts';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ApiError, isoDateTime, type Role } from '../domain/index.ts';
import type { LoggedEvent, SubscriptionRow, SubscriptionsStore, WsSessionRow } from '../store/index.ts';
import {
  eventReader,
  notificationsFor,
  type Deliverable,
  type EventReader,
  type Notification,
} from './notifications.ts';
import { SubscriptionService, type SubscriptionOwner } from './subscription-service.ts';

export interface GatewayOptions {
  /** Seconds a dropped session can be recovered with its `wsc` token. */
  recoveryTimeout: number;
  /** Most notifications replayed on recovery; a client that missed more gets recoveryState Failed. */
  recoveryBufferSize: number;
  /** Seconds without a frame from the client before the gateway closes the socket (WSG-902). */
  idleTimeout: number;
  /** Seconds a socket may stay open at all (WSG-903). */
  absoluteTimeout: number;
  /** WebSocket ping period; a client that has not answered the previous ping by the next is dropped. */
  pingIntervalMs: number;
  /** Life of a token from /restapi/oauth/wstoken, seconds (reusable within it, as rc-ex expects). */
  tokenTtl: number;
}

export const DEFAULT_GATEWAY: GatewayOptions = {
  recoveryTimeout: 180,
  recoveryBufferSize: 100,
  idleTimeout: 1800,
  absoluteTimeout: 86_400,
  pingIntervalMs: 30_000,
  tokenTtl: 600,
};

export const WS_PATH = '/ws';
const EVENT_BATCH = 100;
const FLUSH_MS = 1000;
/**
 * Replayed notifications wait this long after ConnectionDetails: @rc-ex/ws attaches its subscription's listener only
 * once it has read ConnectionDetails, and frames arriving in the same read are dispatched before that and lost.
 */
const REPLAY_DELAY_MS = 100;

interface Session {
  id: string;
  owner: SubscriptionOwner;
  ws: WebSocket;
  /** The connection under `ws`, corked while a pass writes to it (one write for all its frames of the pass). */
  socket: Duplex;
  sequence: number;
  lastEventId: number;
  subscription?: Deliverable;
  dirty: boolean;
  alive: boolean;
  /** Notifications waiting until the client has read ConnectionDetails (see REPLAY_DELAY_MS). */
  held: Notification[] | null;
  idle?: NodeJS.Timeout;
  absolute?: NodeJS.Timeout;
  ping?: NodeJS.Timeout;
}

type Meta = Record<string, unknown>;

/**
 * Writes a text frame of `start` and `end` to a WebSocket's connection, as ws would write it (a server's frames are
 * unmasked and the gateway negotiates no compression), so that `end`, the part every subscriber of a filter
 * receives, is encoded once for all the sockets instead of once per socket. ws writes its own frames to the same
 * connection synchronously too, so frames stay in order.
 */
function writeTextFrame(socket: Duplex, start: string, end: Buffer): void {
  const startBytes = Buffer.byteLength(start);
  const length = startBytes + end.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const first = Buffer.allocUnsafe(header + startBytes);
  first[0] = 0x81; // FIN, text
  if (length < 126) first[1] = length;
  else if (length < 65_536) {
    first[1] = 126;
    first.writeUInt16BE(length, 2);
  } else {
    first[1] = 127;
    first.writeBigUInt64BE(BigInt(length), 2);
  }
  first.write(start, header, 'utf8');
  socket.write(first);
  socket.write(end);
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

function errorBody(code: string, message: string) {
  return { errorCode: code, message, errors: [{ errorCode: code, message }] };
}

export class WsGateway {
  /** No compression: notifications are written as plain frames (writeTextFrame). */
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: false });
  private readonly sessions = new Map<string, Session>();
  private cursor = -1;
  private readonly runner = new CoalescedRunner(
    () => this.pass(),
    (err) => this.onError(err),
  );
  private closed = false;
  private flushTimer?: NodeJS.Timeout;

  constructor(
    private readonly store: SubscriptionsStore,
    private readonly service: SubscriptionService,
    private readonly options: GatewayOptions,
    private readonly baseUrl: () => string,
    private readonly now: () => number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Issues a token for /ws (the response of POST /restapi/oauth/wstoken, without `uri`). */
  async issueToken(owner: SubscriptionOwner): Promise<{ token: string; expiresIn: number }> {
    const token = randomBytes(32).toString('base64url');
    await this.store.insertWsToken({
      hash: hashToken(token),
      account_id: owner.accountId,
      extension_id: owner.extensionId,
      client_id: owner.clientId,
      scope: owner.scope.join(' '),
      role: owner.role,
      expires_at: this.now() + this.options.tokenTtl * 1000,
    });
    return { token, expiresIn: this.options.tokenTtl };
  }

  /** Serves upgrades of `server` on /ws; `app` answers ClientRequests for resources other than subscriptions. */
  attach(server: Server, app: FastifyInstance): void {
    this.flushTimer = setInterval(() => void this.flush().catch(this.onError), FLUSH_MS);
    this.flushTimer.unref();
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== WS_PATH || this.closed) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        this.open(ws, socket, url, app).catch((err: unknown) => {
          // A socket still opening when the gateway closes is terminated by disconnect(); its store calls may then fail.
          if (!this.closed) this.onError(err);
          ws.terminate();
        });
      });
    });
  }

  private frame(session: Session, meta: Meta, body?: unknown): void {
    if (session.ws.readyState !== session.ws.OPEN) return;
    session.sequence += 1;
    session.dirty = true;
    const withWsc = { ...meta, wsc: { token: session.id, sequence: session.sequence } };
    session.ws.send(JSON.stringify(body === undefined ? [withWsc] : [withWsc, body]));
  }

  private refuse(ws: WebSocket, status: number, code: string, message: string): void {
    const id = randomUUID();
    ws.send(
      JSON.stringify([
        { type: 'Error', messageId: id, status, headers: { RCRequestId: id } },
        errorBody(code, message),
      ]),
    );
    ws.close(1008, message.slice(0, 100));
  }

  private async open(ws: WebSocket, socket: Duplex, url: URL, app: FastifyInstance): Promise<void> {
    const token = url.searchParams.get('access_token') ?? '';
    const row = token ? await this.store.wsToken(hashToken(token)) : undefined;
    if (!row || row.expires_at <= this.now()) {
      this.refuse(ws, 401, 'WSG-401', row ? 'Access token expired' : 'Invalid access token');
      return;
    }
    const owner: SubscriptionOwner = {
      accountId: row.account_id,
      extensionId: row.extension_id,
      clientId: row.client_id,
      role: row.role as Role,
      scope: row.scope.split(' ').filter(Boolean),
    };
    const wsc = url.searchParams.get('wsc');
    const now = this.now();
    const recovered = wsc ? await this.recoverable(wsc, owner, now) : undefined;
    const replay = recovered ? await this.missed(recovered.row, recovered.subscription) : undefined;
    let session: Session;
    if (recovered && replay) {
      const previous = this.sessions.get(recovered.row.id);
      session = this.newSession(recovered.row.id, owner, ws, socket, Number(recovered.row.sequence));
      session.lastEventId = replay.lastEventId;
      session.subscription = recovered.subscription;
      this.sessions.set(session.id, session);
      previous?.ws.terminate();
      await this.store.updateWsSession(session.id, { closed_at: null });
    } else {
      if (recovered) for (const old of await this.store.bySession(recovered.row.id)) await this.store.delete(old.id);
      const lastEventId = await this.store.lastEventId();
      session = this.newSession(randomBytes(24).toString('base64url'), owner, ws, socket, 0);
      session.lastEventId = lastEventId;
      await this.store.insertWsSession({
        id: session.id,
        account_id: owner.accountId,
        extension_id: owner.extensionId,
        client_id: owner.clientId,
        scope: owner.scope.join(' '),
        role: owner.role,
        last_event_id: lastEventId,
        sequence: 0,
        created_at: now,
        closed_at: null,
      });
    }
    this.sessions.set(session.id, session);
    const messageId = randomUUID();
    this.frame(
      session,
      { type: 'ConnectionDetails', messageId, status: 200, headers: { RCRequestId: messageId } },
      {
        creationTime: isoDateTime(now),
        maxConnectionsPerSession: 1,
        recoveryBufferSize: this.options.recoveryBufferSize,
        recoveryTimeout: this.options.recoveryTimeout,
        idleTimeout: this.options.idleTimeout,
        absoluteTimeout: this.options.absoluteTimeout,
        maxActiveRequests: 10,
        ...(wsc ? { recoveryState: replay ? 'Successful' : 'Failed' } : {}),
        ...(wsc && !replay ? { recoveryErrorCode: 'WSG-' + (recovered ? '904' : '905') } : {}),
      },
    );
    if (replay) {
      session.held = [...replay.notifications];
      setTimeout(() => {
        const held = session.held ?? [];
        session.held = null;
        session.socket.cork();
        for (const notification of held) this.notify(session, notification);
        session.socket.uncork();
      }, REPLAY_DELAY_MS);
    }
    this.watch(session, app);
    if (session.subscription) this.poke();
  }

  private newSession(id: string, owner: SubscriptionOwner, ws: WebSocket, socket: Duplex, sequence: number): Session {
    return { id, owner, ws, socket, sequence, lastEventId: 0, dirty: false, alive: true, held: null };
  }

  /** The session a `wsc` token names, if this owner may still recover it. */
  private async recoverable(
    wsc: string,
    owner: SubscriptionOwner,
    now: number,
  ): Promise<{ row: WsSessionRow; subscription?: Deliverable } | undefined> {
    const row = await this.store.wsSession(wsc);
    if (!row || row.account_id !== owner.accountId || row.extension_id !== owner.extensionId) return undefined;
    if (row.client_id !== owner.clientId) return undefined;
    if (row.closed_at !== null && now - Number(row.closed_at) > this.options.recoveryTimeout * 1000) return undefined;
    const [subscription] = await this.store.bySession(row.id);
    return { row, subscription: subscription ? this.deliverable(subscription) : undefined };
  }

  /** What a recovering session missed, or undefined when it is more than the recovery buffer holds. */
  private async missed(
    row: WsSessionRow,
    subscription: Deliverable | undefined,
  ): Promise<{ notifications: Notification[]; lastEventId: number } | undefined> {
    let after = Number(row.last_event_id);
    const notifications: Notification[] = [];
    for (;;) {
      const events = await this.store.eventsAfter(after, EVENT_BATCH);
      if (!events.length) break;
      for (const event of events) {
        if (subscription && event.accountId === row.account_id) {
          notifications.push(...notificationsFor(subscription, event, eventReader(event, this.baseUrl())));
          if (notifications.length > this.options.recoveryBufferSize) return undefined;
        }
        after = event.id;
      }
    }
    return { notifications, lastEventId: after };
  }

  private deliverable(row: SubscriptionRow): Deliverable {
    return { id: row.id, ownerId: row.extension_id, filters: SubscriptionService.filtersOf(row) };
  }

  private notify(session: Session, notification: Notification): void {
    if (session.held) {
      session.held.push(notification);
      return;
    }
    if (session.ws.readyState !== session.ws.OPEN) return;
    session.sequence += 1;
    session.dirty = true;
    // The meta of a ServerNotification, written out (ids are UUIDs and base64url: nothing to escape).
    const messageId = randomUUID();
    const start =
      `[{"type":"ServerNotification","messageId":"${messageId}","status":200,"headers":{"RCRequestId":"${messageId}"},` +
      `"wsc":{"token":"${session.id}","sequence":${session.sequence}}},${notification.head}`;
    const { tail } = notification;
    tail.frameEnd ??= Buffer.from(`${tail.text}]`);
    writeTextFrame(session.socket, start, tail.frameEnd);
  }

  private watch(session: Session, app: FastifyInstance): void {
    const { ws } = session;
    const expire = (code: string, message: string) => {
      const id = randomUUID();
      this.frame(
        session,
        { type: 'Error', messageId: id, status: 400, headers: { RCRequestId: id } },
        errorBody(code, message),
      );
      ws.close(1000, message);
    };
    const resetIdle = () => {
      clearTimeout(session.idle);
      session.idle = setTimeout(() => expire('WSG-902', 'Idle timeout expired'), this.options.idleTimeout * 1000);
    };
    resetIdle();
    session.absolute = setTimeout(
      () => expire('WSG-903', 'Absolute timeout expired'),
      this.options.absoluteTimeout * 1000,
    );
    session.ping = setInterval(() => {
      if (!session.alive) {
        ws.terminate();
        return;
      }
      session.alive = false;
      ws.ping();
    }, this.options.pingIntervalMs);
    ws.on('pong', () => (session.alive = true));
    ws.on('message', (data: RawData) => {
      session.alive = true;
      resetIdle();
      this.receive(session, data, app).catch(this.onError);
    });
    ws.on('close', () => {
      clearTimeout(session.idle);
      clearTimeout(session.absolute);
      clearInterval(session.ping);
      // A session taken over by its own recovery on this server is not closed.
      if (this.sessions.get(session.id) !== session) return;
      this.sessions.delete(session.id);
      this.store
        .updateWsSession(session.id, {
          last_event_id: session.lastEventId,
          sequence: session.sequence,
          closed_at: this.now(),
        })
        .catch(this.onError);
    });
    ws.on('error', () => ws.terminate());
  }

  private async receive(session: Session, data: RawData, app: FastifyInstance): Promise<void> {
    let frame: unknown;
    try {
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.isBuffer(data)
          ? data.toString('utf8')
          : Buffer.from(new Uint8Array(data)).toString('utf8');
      frame = JSON.parse(text);
    } catch {
      frame = undefined;
    }
    const [meta, body] = Array.isArray(frame) ? (frame as [Meta | undefined, unknown]) : [undefined, undefined];
    const messageId = typeof meta?.messageId === 'string' ? meta.messageId : randomUUID();
    if (meta?.type === 'Heartbeat') {
      session.ws.send(JSON.stringify([{ type: 'Heartbeat', messageId }]));
      return;
    }
    if (meta?.type !== 'ClientRequest' || typeof meta.method !== 'string' || typeof meta.path !== 'string') {
      this.frame(
        session,
        { type: 'Error', messageId, status: 400, headers: { RCRequestId: messageId } },
        errorBody('CMN-104', 'Cannot parse request'),
      );
      return;
    }
    const headers = { 'Content-Type': 'application/json; charset=utf-8', RCRequestId: messageId };
    const answer = (status: number, payload: unknown) =>
      this.frame(session, { type: 'ClientRequest', messageId, status, headers }, payload);
    try {
      const own = await this.subscriptionRequest(session, meta.method.toUpperCase(), meta.path, body);
      if (own) {
        answer(own.status, own.body);
        return;
      }
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries((meta.query as Record<string, unknown>) ?? {})) {
        for (const one of Array.isArray(v) ? v : [v])
          if (one !== undefined && one !== null) query.append(k, String(one));
      }
      const passed = (meta.headers as Record<string, string> | undefined) ?? {};
      const response = await app.inject({
        method: meta.method.toUpperCase() as 'GET',
        url: `${meta.path}${query.size ? `?${query.toString()}` : ''}`,
        headers: { ...passed, 'content-type': 'application/json' },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      let payload: unknown = response.body;
      try {
        payload = response.body ? JSON.parse(response.body) : undefined;
      } catch {
        // Not JSON: passed on as text.
      }
      answer(response.statusCode, payload);
    } catch (err) {
      if (err instanceof ApiError) answer(err.status, err.body());
      else {
        this.onError(err);
        answer(500, errorBody('CMN-203', 'Internal Server Error'));
      }
    }
  }

  /** Subscription resources over the socket: WebSocket subscriptions of this session. Null for other paths. */
  private async subscriptionRequest(
    session: Session,
    method: string,
    rawPath: string,
    body: unknown,
  ): Promise<{ status: number; body?: unknown } | null> {
    const path = rawPath
      .split('?')[0]
      .replace(/\/+$/, '')
      .replace(/^\/restapi\/v1\.0/, '');
    const match = /^\/subscription(?:\/([^/]+)(\/renew)?)?$/.exec(path);
    if (!match) return null;
    const [, id, renew] = match;
    const base = this.baseUrl();
    const service = this.service;
    const info = (row: SubscriptionRow) => ({ status: 200, body: service.info(row, base) });
    if (!id && method === 'POST') {
      const lastEventId = await this.store.lastEventId();
      const row = await service.create(session.owner, body, session.id);
      session.lastEventId = Math.max(session.lastEventId, lastEventId);
      session.subscription = this.deliverable(row);
      return info(row);
    }
    if (!id && method === 'GET') {
      const rows = await service.list(session.owner);
      return {
        status: 200,
        body: { uri: `${base}/restapi/v1.0/subscription`, records: rows.map((r) => service.info(r, base)) },
      };
    }
    if (id && renew && method === 'POST') return info(await service.renew(session.owner, id, session.id));
    if (id && !renew && method === 'GET') return info(await service.get(session.owner, id));
    if (id && !renew && method === 'PUT') {
      const row = await service.update(session.owner, id, body, session.id);
      if (row.ws_session_id === session.id) session.subscription = this.deliverable(row);
      return info(row);
    }
    if (id && !renew && method === 'DELETE') {
      await service.delete(session.owner, id, session.id);
      if (session.subscription?.id === id) session.subscription = undefined;
      return { status: 204 };
    }
    return null;
  }

  /** Delivers new events to this server's sessions (now, or right after the running pass). */
  poke(): void {
    if (this.closed) return;
    this.runner.poke();
  }

  private async pass(): Promise<void> {
    // No open socket, nothing to read the events for (live ingest writes thousands a second). The cursor is set again
    // when one opens.
    if (!this.sessions.size) {
      this.cursor = -1;
      return;
    }
    if (this.cursor < 0) {
      // From the oldest place of an open session: one that opened or recovered while there was no cursor is owed the
      // events after its own place.
      const last = await this.store.lastEventId();
      this.cursor = Math.min(last, ...[...this.sessions.values()].map((session) => session.lastEventId));
    }
    for (;;) {
      const events = await this.store.eventsAfter(this.cursor, EVENT_BATCH);
      if (!events.length) return;
      // Every socket corked while the batch is sent: a client's frames of the batch leave in one write, not one
      // system call each (a hundred clients at a few hundred events a second spent most of the CPU in writev).
      const sockets = [...this.sessions.values()].map((session) => session.socket);
      for (const socket of sockets) socket.cork();
      try {
        for (const event of events) this.dispatch(event);
      } finally {
        for (const socket of sockets) socket.uncork();
      }
      this.cursor = events[events.length - 1].id;
      // Lets replies and other deliveries in between batches (better-sqlite3 reads never yield to I/O).
      if (events.length === EVENT_BATCH) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private dispatch(event: LoggedEvent): void {
    let read: EventReader | undefined;
    for (const session of this.sessions.values()) {
      // A socket that is closing keeps its place: the session's recovery replays from there.
      if (event.id <= session.lastEventId || session.ws.readyState !== session.ws.OPEN) continue;
      session.lastEventId = event.id;
      session.dirty = true;
      const subscription = session.subscription;
      if (!subscription || session.owner.accountId !== event.accountId) continue;
      read ??= eventReader(event, this.baseUrl());
      for (const notification of notificationsFor(subscription, event, read)) this.notify(session, notification);
    }
  }

  /**
   * Saves where each session is, for recovery on any server. Every FLUSH_MS: an open session whose saved position
   * stays behind an event for the whole recovery window is taken for one a killed server left (giveUpWsSessions).
   */
  private async flush(): Promise<void> {
    for (const session of this.sessions.values()) {
      if (!session.dirty) continue;
      session.dirty = false;
      await this.store.updateWsSession(session.id, { last_event_id: session.lastEventId, sequence: session.sequence });
    }
  }

  /** Count of open sockets (for health and tests). */
  get connections(): number {
    return this.sessions.size;
  }

  /**
   * Refuses new sockets and ends every open one, also those still in open(). Runs before the HTTP server closes:
   * the server's close waits for upgraded sockets too, and a client's automatic recovery may just have opened one.
   */
  disconnect(): void {
    this.closed = true;
    for (const ws of this.wss.clients) ws.terminate();
  }

  async close(): Promise<void> {
    this.disconnect();
    clearInterval(this.flushTimer);
    await this.runner.idle();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
