// Event filters of subscriptions (reference §11.2): parsing a filter string against its subscriber, and turning an
// event-log row into what one filter delivers (RingCentral's payload), or nothing. Pure: no I/O.

import {
  ApiError,
  echoed,
  errors,
  PARTY_STATUS_CODES,
  scopeGrants,
  userPermissions,
  type Role,
} from '../domain/index.ts';

/** Who subscribes: the token owner, as the filter's permissions see it. */
export interface Subscriber {
  accountId: string;
  extensionId: string;
  role: Role;
  scope: readonly string[];
}

export interface TelephonyConditions {
  direction?: 'Inbound' | 'Outbound';
  missedCall?: boolean;
  /** E.164 digits with `+`. */
  phoneNumber?: string;
  statusCode?: string;
  withRecordings?: boolean;
  sipData: boolean;
}

/** A filter ringlog delivers. `filter` is the normalised text: `/restapi/v1.0/...` with real ids. */
export type EventFilter =
  | { kind: 'telephony'; filter: string; accountId: string; extensionId: string | null; where: TelephonyConditions }
  | { kind: 'missed-calls'; filter: string; accountId: string; extensionId: string }
  /** ringlog's own: finished call-log records of an extension, or of the company when extensionId is null. */
  | { kind: 'call-log'; filter: string; accountId: string; extensionId: string | null };

export interface DisabledFilter {
  filter: string;
  reason: string;
  message?: string;
}

export interface ParsedFilters {
  filters: EventFilter[];
  /** The normalised texts of every accepted filter, delivered or not (what SubscriptionInfo lists). */
  eventFilters: string[];
  /** RingCentral filters ringlog does not deliver (presence, message store, ...), listed, never an error. */
  disabled: DisabledFilter[];
}

const PREFIX = '/restapi/v1.0';
const ID = /^(~|\d{1,19})$/;
const STATUS_CODES: ReadonlySet<string> = new Set(PARTY_STATUS_CODES);
const TELEPHONY_PARAMS = new Set(['direction', 'missedCall', 'phoneNumber', 'statusCode', 'withRecordings', 'sipData']);

export const subscriptionErrors = {
  invalidFilters: (filters: string[]) =>
    new ApiError({
      status: 400,
      detail: {
        errorCode: 'SUB-508',
        message: `Invalid event filters: [${[...filters.slice(0, 10).map(echoed), ...(filters.length > 10 ? ['…'] : [])].join(', ')}]`,
      },
    }),
  otherExtension: () =>
    new ApiError({
      status: 403,
      detail: { errorCode: 'SUB-405', message: 'Not allowed subscribe for messages to other extensions' },
    }),
  otherAccount: () =>
    new ApiError({
      status: 403,
      detail: {
        errorCode: 'SUB-406',
        message: 'Not allowed subscribe for events to extensions of other account',
      },
    }),
  otherMissedCalls: () =>
    new ApiError({
      status: 403,
      detail: {
        errorCode: 'SUB-527',
        message: 'Not allowed subscribe for missed calls of other extensions',
      },
    }),
  notFound: () => errors.notFound('subscriptionId'),
};

class InvalidFilter extends Error {}

function bool(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidFilter();
}

function telephonyConditions(query: URLSearchParams): TelephonyConditions {
  const where: TelephonyConditions = { sipData: false };
  for (const [key, value] of query) {
    if (!TELEPHONY_PARAMS.has(key)) throw new InvalidFilter();
    if (key === 'direction') {
      if (value !== 'Inbound' && value !== 'Outbound') throw new InvalidFilter();
      where.direction = value;
    } else if (key === 'statusCode') {
      if (!STATUS_CODES.has(value) || where.statusCode !== undefined) throw new InvalidFilter();
      where.statusCode = value;
    } else if (key === 'phoneNumber') {
      const digits = value.trim().replace(/^\+/, '');
      if (!/^\d{3,15}$/.test(digits)) throw new InvalidFilter();
      where.phoneNumber = `+${digits}`;
    } else if (key === 'missedCall') where.missedCall = bool(value);
    else if (key === 'withRecordings') where.withRecordings = bool(value);
    else where.sipData = bool(value);
  }
  return where;
}

function conditionsQuery(where: TelephonyConditions): string {
  const params = new URLSearchParams();
  if (where.direction) params.set('direction', where.direction);
  if (where.missedCall !== undefined) params.set('missedCall', String(where.missedCall));
  if (where.phoneNumber) params.set('phoneNumber', where.phoneNumber);
  if (where.statusCode) params.set('statusCode', where.statusCode);
  if (where.withRecordings !== undefined) params.set('withRecordings', String(where.withRecordings));
  if (where.sipData) params.set('sipData', 'true');
  const text = params.toString().replace(/%2B/g, '+');
  return text ? `?${text}` : '';
}

/** Resolves `~` and checks an account id of a filter against the subscriber. */
function accountOf(param: string, who: Subscriber): string {
  if (!ID.test(param)) throw new InvalidFilter();
  const id = param === '~' ? who.accountId : param;
  if (id !== who.accountId) throw subscriptionErrors.otherAccount();
  return id;
}

/** Resolves `~`; another extension needs an admin (company-wide permission), as RingCentral's extended scope. */
function extensionOf(param: string, who: Subscriber, missedCalls = false): string {
  if (!ID.test(param)) throw new InvalidFilter();
  const id = param === '~' ? who.extensionId : param;
  if (id !== who.extensionId && who.role !== 'admin') {
    throw missedCalls ? subscriptionErrors.otherMissedCalls() : subscriptionErrors.otherExtension();
  }
  return id;
}

function requireApp(who: Subscriber, permission: string): void {
  if (!scopeGrants(who.scope, permission)) throw errors.appPermission(permission);
}

/** A filter RingCentral knows but ringlog does not deliver: kept as disabled. */
const OTHER_RC_FILTER =
  /^\/restapi\/v1\.0\/(account\/(~|\d+)(\/extension\/(~|\d+))?(\/[A-Za-z-]+)+|glip\/[A-Za-z-/]+|subscription\/~|account\/(~|\d+)\/a2p-sms\/.*)$/;

function parseOne(raw: string, who: Subscriber): EventFilter | DisabledFilter {
  const text = raw.trim();
  const q = text.indexOf('?');
  const path = (q < 0 ? text : text.slice(0, q)).replace(/\/+$/, '');
  const query = new URLSearchParams(q < 0 ? '' : text.slice(q + 1));
  const full = path.startsWith('/restapi/') ? path : `${PREFIX}${path.startsWith('/') ? '' : '/'}${path}`;
  const parts = full.split('/').slice(1);
  // restapi, v1.0, account, {id}, ...
  if (parts[0] !== 'restapi' || parts[1] !== 'v1.0' || parts[2] !== 'account' || parts.length < 5) {
    if (OTHER_RC_FILTER.test(full))
      return { filter: full, reason: 'NotSupported', message: 'Not delivered by ringlog' };
    throw new InvalidFilter();
  }
  const accountId = accountOf(parts[3], who);
  const rest = parts.slice(4);
  const base = `${PREFIX}/account/${accountId}`;
  if (rest.join('/') === 'telephony/sessions') {
    requireApp(who, 'CallControl');
    if (!userPermissions(who.role).has('ReadCompanyCallLog')) throw subscriptionErrors.otherExtension();
    const where = telephonyConditions(query);
    return {
      kind: 'telephony',
      filter: `${base}/telephony/sessions${conditionsQuery(where)}`,
      accountId,
      extensionId: null,
      where,
    };
  }
  if (rest.join('/') === 'call-log') {
    if (query.size) throw new InvalidFilter();
    requireApp(who, 'ReadCallLog');
    if (!userPermissions(who.role).has('FullCompanyCallLog')) throw subscriptionErrors.otherExtension();
    return { kind: 'call-log', filter: `${base}/call-log`, accountId, extensionId: null };
  }
  if (rest[0] === 'extension' && rest.length === 4 && rest.slice(2).join('/') === 'telephony/sessions') {
    requireApp(who, 'CallControl');
    const extensionId = extensionOf(rest[1], who);
    const where = telephonyConditions(query);
    const filter = `${base}/extension/${extensionId}/telephony/sessions${conditionsQuery(where)}`;
    return { kind: 'telephony', filter, accountId, extensionId, where };
  }
  if (rest[0] === 'extension' && rest.length === 3 && rest[2] === 'missed-calls') {
    if (query.size) throw new InvalidFilter();
    const extensionId = extensionOf(rest[1], who, true);
    return { kind: 'missed-calls', filter: `${base}/extension/${extensionId}/missed-calls`, accountId, extensionId };
  }
  if (rest[0] === 'extension' && rest.length === 3 && rest[2] === 'call-log') {
    if (query.size) throw new InvalidFilter();
    requireApp(who, 'ReadCallLog');
    const extensionId = extensionOf(rest[1], who);
    return { kind: 'call-log', filter: `${base}/extension/${extensionId}/call-log`, accountId, extensionId };
  }
  if (OTHER_RC_FILTER.test(full)) {
    const resolved = full
      .replace(/\/account\/~/, `/account/${accountId}`)
      .replace(/\/extension\/~/, `/extension/${who.extensionId}`);
    return { filter: resolved, reason: 'NotSupported', message: 'Not delivered by ringlog' };
  }
  throw new InvalidFilter();
}

/**
 * Parses a subscription's `eventFilters` for a subscriber. Filters ringlog cannot parse answer SUB-508 (all of them
 * named); a filter the subscriber may not use answers its permission error; RingCentral filters ringlog does not
 * deliver are accepted as disabled. At least one filter must be delivered.
 */
export function parseEventFilters(raw: unknown, who: Subscriber): ParsedFilters {
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((f) => typeof f !== 'string' || f.trim() === '')) {
    throw errors.invalidParameter('eventFilters');
  }
  const filters: EventFilter[] = [];
  const disabled: DisabledFilter[] = [];
  const invalid: string[] = [];
  const eventFilters: string[] = [];
  for (const text of raw as string[]) {
    try {
      const parsed = parseOne(text, who);
      if ('kind' in parsed) {
        if (!eventFilters.includes(parsed.filter)) {
          filters.push(parsed);
          eventFilters.push(parsed.filter);
        }
      } else {
        disabled.push(parsed);
        eventFilters.push(parsed.filter);
      }
    } catch (err) {
      if (!(err instanceof InvalidFilter)) throw err;
      invalid.push(text);
    }
  }
  if (invalid.length) throw subscriptionErrors.invalidFilters(invalid);
  if (!filters.length) throw subscriptionErrors.invalidFilters(disabled.map((d) => d.filter));
  return { filters, eventFilters, disabled };
}

/** Parses filters stored by parseEventFilters (already checked when the subscription was made). */
export function storedFilters(eventFilters: string[], who: Subscriber): EventFilter[] {
  const result: EventFilter[] = [];
  for (const text of eventFilters) {
    try {
      const parsed = parseOne(text, who);
      if ('kind' in parsed) result.push(parsed);
    } catch {
      // A permission the owner has lost since: the filter delivers nothing.
    }
  }
  return result;
}

// ---- matching ---------------------------------------------------------------------------------------------------

interface PartyLike {
  accountId?: string;
  extensionId?: string;
  direction?: string;
  missedCall?: boolean;
  to?: { phoneNumber?: string; name?: string; extensionId?: string };
  from?: { phoneNumber?: string; name?: string; extensionId?: string };
  status?: { code?: string; reason?: string };
  recordings?: unknown[];
  sipData?: unknown;
  [key: string]: unknown;
}

interface SessionBodyLike {
  sessionId?: string;
  telephonySessionId?: string;
  serverId?: string;
  eventTime?: string;
  parties?: PartyLike[];
  [key: string]: unknown;
}

/** An event-log row as the filters read it. */
export interface FilterableEvent {
  accountId: string;
  topic: string;
  extensionIds: string[];
  body: string;
}

function partyMatches(party: PartyLike, where: TelephonyConditions): boolean {
  if (where.direction && party.direction !== where.direction) return false;
  if (where.missedCall !== undefined && Boolean(party.missedCall) !== where.missedCall) return false;
  if (where.statusCode && party.status?.code !== where.statusCode) return false;
  if (where.withRecordings !== undefined && (party.recordings?.length ?? 0) > 0 !== where.withRecordings) return false;
  if (
    where.phoneNumber &&
    party.to?.phoneNumber !== where.phoneNumber &&
    party.from?.phoneNumber !== where.phoneNumber
  ) {
    return false;
  }
  return true;
}

/**
 * What `filter` delivers for an event: the notification's `body` (telephony, call-log) or its flat fields
 * (missed-calls), or null when the filter does not match. Extension-level telephony filters see only the parties
 * of that extension, as RingCentral's extension subscribers do; account-level ones see the account's parties.
 */
export function deliverable(
  filter: EventFilter,
  event: FilterableEvent,
  parsed: () => unknown,
): { body?: unknown; flat?: Record<string, unknown> } | null {
  if (event.accountId !== filter.accountId) return null;
  if (filter.kind === 'call-log') {
    if (event.topic !== 'call-log-record') return null;
    const own =
      filter.extensionId === null ? event.extensionIds.length === 0 : event.extensionIds.includes(filter.extensionId);
    return own ? { body: parsed() } : null;
  }
  if (event.topic !== 'telephony-session') return null;
  if (filter.extensionId !== null && !event.extensionIds.includes(filter.extensionId)) return null;
  const body = parsed() as SessionBodyLike;
  const parties = (body.parties ?? []).filter((p) =>
    filter.extensionId !== null
      ? p.extensionId === filter.extensionId
      : (p.accountId ?? filter.accountId) === filter.accountId,
  );
  if (filter.kind === 'missed-calls') {
    const missed = parties.find((p) => p.missedCall === true && p.status?.code === 'Disconnected');
    if (!missed) return null;
    return {
      flat: {
        extensionId: filter.extensionId,
        action: 'MissedCall',
        sessionId: body.sessionId,
        serverId: body.serverId,
        from: missed.from?.phoneNumber,
        fromName: missed.from?.name,
        to: missed.to?.phoneNumber,
        toName: missed.to?.name,
        sid: body.telephonySessionId,
      },
    };
  }
  const kept = parties
    .filter((p) => partyMatches(p, filter.where))
    .map((p) => {
      if (filter.where.sipData || p.sipData === undefined) return p;
      const { sipData: _sip, ...rest } = p;
      return rest;
    });
  if (!kept.length) return null;
  return { body: { ...body, parties: kept } };
}
