// The subscription resource's rules (reference §11.1): create (with the WebHook handshake), list, get, update
// (every PUT renews), renew and delete, and SubscriptionInfo exactly as RingCentral writes it.

import { randomUUID } from 'node:crypto';
import { ApiError, echoed, errors, isoDateTime } from '../domain/index.ts';
import type { SubscriptionRow, SubscriptionsStore } from '../store/index.ts';
import {
  parseEventFilters,
  storedFilters,
  subscriptionErrors,
  type DisabledFilter,
  type Subscriber,
} from './event-filters.ts';
import type { WebhookClient } from './webhook-client.ts';

export interface SubscriptionOwner extends Subscriber {
  clientId: string;
}

export interface SubscriptionInfo {
  uri: string;
  id: string;
  creationTime: string;
  status: 'Active' | 'Blacklisted';
  eventFilters: string[];
  disabledFilters?: DisabledFilter[];
  expirationTime: string;
  expiresIn: number;
  deliveryMode: { transportType: string; encryption: boolean; address?: string };
  blacklistedData?: { blacklistedAt: string; reason: string };
}

/** WebHook subscriptions live up to 10 years; 7 days unless asked (RingCentral states no default). */
export const WEBHOOK_MAX_EXPIRES_IN = 315_360_000;
export const WEBHOOK_DEFAULT_EXPIRES_IN = 604_800;
/** WebSocket subscriptions last as long as their gateway session; shown as RingCentral shows them. */
const WEBSOCKET_EXPIRES_IN = 900;
/** Subscriptions per user and app (RingCentral's list holds at most 20). */
export const MAX_SUBSCRIPTIONS = 20;

const UNSUPPORTED_TRANSPORTS = new Set(['PubNub', 'RC/APNS', 'RC/GCM', 'RC/GSM']);

export const transportErrors = {
  /** A transport RingCentral knows but ringlog cannot deliver (PubNub, mobile push). */
  unsupported: (transport: string) =>
    new ApiError({
      status: 400,
      detail: {
        errorCode: 'CMN-101',
        message: `Parameter [deliveryMode.transportType] value is invalid. Transport [${echoed(transport)}] is not supported`,
        parameterName: 'deliveryMode.transportType',
        parameterValue: echoed(transport),
      },
    }),
  webSocketOverHttp: () =>
    new ApiError({
      status: 400,
      detail: {
        errorCode: 'CMN-101',
        message:
          'Parameter [deliveryMode.transportType] value is invalid. WebSocket subscriptions are managed over the WebSocket',
        parameterName: 'deliveryMode.transportType',
        parameterValue: 'WebSocket',
      },
    }),
  limit: () => new ApiError({ status: 403, detail: { errorCode: 'SUB-505', message: 'Subscriptions limit exceeded' } }),
};

function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw errors.jsonUnparsable();
  return body as Record<string, unknown>;
}

function expiresInOf(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw errors.invalidParameter('expiresIn', typeof value === 'string' ? value : JSON.stringify(value));
  return Math.min(n, WEBHOOK_MAX_EXPIRES_IN);
}

export class SubscriptionService {
  constructor(
    private readonly store: SubscriptionsStore,
    private readonly webhooks: WebhookClient,
    private readonly now: () => number,
  ) {}

  info(row: SubscriptionRow, base: string): SubscriptionInfo {
    const now = this.now();
    const disabled = JSON.parse(row.disabled_filters) as DisabledFilter[];
    const webSocket = row.transport === 'WebSocket';
    const expiresAt = webSocket ? Math.max(row.expires_at, now + WEBSOCKET_EXPIRES_IN * 1000) : row.expires_at;
    return {
      uri: `${base}/restapi/v1.0/subscription/${row.id}`,
      id: row.id,
      creationTime: isoDateTime(row.created_at),
      status: row.status as SubscriptionInfo['status'],
      eventFilters: JSON.parse(row.event_filters) as string[],
      ...(disabled.length ? { disabledFilters: disabled } : {}),
      expirationTime: isoDateTime(expiresAt),
      expiresIn: Math.max(0, Math.round((expiresAt - now) / 1000)),
      deliveryMode: {
        transportType: row.transport,
        encryption: false,
        ...(row.address !== null ? { address: row.address } : {}),
      },
      ...(row.blacklisted_at !== null
        ? { blacklistedData: { blacklistedAt: isoDateTime(row.blacklisted_at), reason: row.blacklist_reason ?? '' } }
        : {}),
    };
  }

  /**
   * Creates a subscription. Over HTTP only WebHook is deliverable; a gateway session (`wsSessionId`) creates
   * WebSocket ones, one per session (a new one replaces the old, as RingCentral's gateway does).
   */
  async create(owner: SubscriptionOwner, rawBody: unknown, wsSessionId?: string): Promise<SubscriptionRow> {
    const body = objectBody(rawBody);
    const mode = body.deliveryMode;
    if (!mode || typeof mode !== 'object') throw errors.invalidParameter('deliveryMode');
    const { transportType, address, verificationToken } = mode as Record<string, unknown>;
    if (typeof transportType !== 'string') throw errors.invalidParameter('deliveryMode.transportType');
    if (UNSUPPORTED_TRANSPORTS.has(transportType)) throw transportErrors.unsupported(transportType);
    if (transportType === 'WebSocket' && !wsSessionId) throw transportErrors.webSocketOverHttp();
    if (transportType !== 'WebHook' && transportType !== 'WebSocket') {
      throw errors.invalidParameter('deliveryMode.transportType', transportType);
    }
    if (verificationToken !== undefined && (typeof verificationToken !== 'string' || verificationToken.length > 64)) {
      throw errors.invalidParameter('deliveryMode.verificationToken');
    }
    const parsed = parseEventFilters(body.eventFilters, owner);
    const now = this.now();
    const row: SubscriptionRow = {
      id: randomUUID(),
      account_id: owner.accountId,
      extension_id: owner.extensionId,
      client_id: owner.clientId,
      transport: transportType,
      address: null,
      verification_token: null,
      event_filters: JSON.stringify(parsed.eventFilters),
      disabled_filters: JSON.stringify(parsed.disabled),
      status: 'Active',
      created_at: now,
      expires_at: now,
      expires_in: 0,
      blacklisted_at: null,
      blacklist_reason: null,
      ws_session_id: wsSessionId ?? null,
    };
    if (transportType === 'WebHook') {
      const expiresIn = expiresInOf(body.expiresIn, WEBHOOK_DEFAULT_EXPIRES_IN);
      const owned = await this.store.listOwned(owner.accountId, owner.extensionId, owner.clientId);
      if (owned.filter((s) => s.expires_at > now).length >= MAX_SUBSCRIPTIONS) throw transportErrors.limit();
      const url = await this.webhooks.checkAddress(address);
      await this.webhooks.handshake(url);
      row.address = url.toString();
      row.verification_token = typeof verificationToken === 'string' ? verificationToken : null;
      row.expires_in = expiresIn;
      row.expires_at = now + expiresIn * 1000;
    } else {
      for (const old of await this.store.bySession(wsSessionId!)) await this.store.delete(old.id);
      row.expires_in = WEBSOCKET_EXPIRES_IN;
      row.expires_at = now + WEBSOCKET_EXPIRES_IN * 1000;
    }
    await this.store.insert(row);
    return row;
  }

  async list(owner: SubscriptionOwner): Promise<SubscriptionRow[]> {
    const now = this.now();
    const rows = await this.store.listOwned(owner.accountId, owner.extensionId, owner.clientId);
    return rows.filter((r) => r.transport === 'WebSocket' || r.expires_at > now);
  }

  /** The owner's live subscription `id`, else 404 (unknown, another owner's, or expired). */
  async get(owner: SubscriptionOwner, id: string, wsSessionId?: string): Promise<SubscriptionRow> {
    const row = await this.store.get(id);
    const visible =
      row &&
      row.account_id === owner.accountId &&
      row.extension_id === owner.extensionId &&
      row.client_id === owner.clientId &&
      (row.transport === 'WebSocket'
        ? wsSessionId === undefined || row.ws_session_id === wsSessionId
        : row.expires_at > this.now());
    if (!visible) throw subscriptionErrors.notFound();
    return row;
  }

  /** PUT: new filters and/or lifetime; every PUT renews. WebSocket subscriptions change only over their socket. */
  async update(owner: SubscriptionOwner, id: string, rawBody: unknown, wsSessionId?: string): Promise<SubscriptionRow> {
    const row = await this.get(owner, id, wsSessionId);
    if (row.transport === 'WebSocket' && !wsSessionId) throw transportErrors.webSocketOverHttp();
    const body = objectBody(rawBody);
    const patch: Partial<SubscriptionRow> = {};
    if (body.eventFilters !== undefined) {
      const parsed = parseEventFilters(body.eventFilters, owner);
      patch.event_filters = JSON.stringify(parsed.eventFilters);
      patch.disabled_filters = JSON.stringify(parsed.disabled);
    }
    const expiresIn = row.transport === 'WebHook' ? expiresInOf(body.expiresIn, row.expires_in) : WEBSOCKET_EXPIRES_IN;
    patch.expires_in = expiresIn;
    patch.expires_at = this.now() + expiresIn * 1000;
    await this.store.update(id, patch);
    return { ...row, ...patch };
  }

  async renew(owner: SubscriptionOwner, id: string, wsSessionId?: string): Promise<SubscriptionRow> {
    return this.update(owner, id, {}, wsSessionId);
  }

  async delete(owner: SubscriptionOwner, id: string, wsSessionId?: string): Promise<void> {
    const row = await this.get(owner, id, wsSessionId);
    if (row.transport === 'WebSocket' && !wsSessionId) throw transportErrors.webSocketOverHttp();
    await this.store.delete(id);
  }

  /** The filters a stored subscription delivers (checked against its owner when it was made or updated). */
  static filtersOf(row: SubscriptionRow) {
    return storedFilters(JSON.parse(row.event_filters) as string[], {
      accountId: row.account_id,
      extensionId: row.extension_id,
      role: 'admin',
      scope: ['CallControl', 'ReadCallLog'],
    });
  }
}
