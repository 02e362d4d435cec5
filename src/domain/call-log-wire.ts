// Reads call-log records in RingCentral's JSON shape (Simple or Detailed, as the list endpoint returns them) back
// into the record model: the inverse of renderRecord, validating what an import must not take on trust.

import {
  ACTIONS, CALL_TYPES, DIRECTIONS, INTERNAL_TYPES, LEG_TYPES, REASONS, RECORDING_TYPES, RESULTS, TRANSPORTS,
  type Action, type InternalType, type LegAction, type LegType, type Reason, type Result,
} from './enums.ts';
import type { Billing, CallLogLeg, CallLogRecord, MessageRef, PartyInfo, RecordingRef } from './call-log-record.ts';
import { parseDateTime } from './date-time.ts';

/** Where a record belongs when its `uri` does not say (a record's own `uri` always wins). */
export interface WireContext {
  accountId?: string;
  /** The extension whose log holds the record; null or undefined = the company log. */
  logExtensionId?: string | null;
}

/**
 * Values RingCentral documents (schema 1.0.48 and the newer definitions) beyond the ones ringlog emits itself;
 * accepted on import so an archive of a real account loses nothing, and served back as they came.
 */
const MORE_ACTIONS = [
  'Barge In Call', 'FreeSPDL', 'Pickup', 'Sip Forwarding', 'VoiceChat Call', '411 Info', 'MeetingsCall',
  'SilentMonitoring',
];
const MORE_RESULTS = [
  '911', '933', 'Carrier is not active', 'EDGE trunk misconfigured', 'Not Allowed', 'Phone Login',
  'Sent to Voicemail', 'Answered Elsewhere', 'Callback requested',
];
const MORE_REASONS = [
  'Carrier is not active', 'EDGE trunk misconfigured', 'Emergency Address not defined', 'Internal Call Error',
  'Line Busy', 'line Busy', 'Receive Error', 'Unknown', 'DescNoE911Address', 'Not Allowed',
];
const MORE_LEG_TYPES = [
  'CallMeCallOut', 'MeetingsCall', 'SilentMonitoring', 'Pickup', 'ImsCall', 'JoinCall', 'TextRelay', 'IvaCall',
  'VoiceChat',
];

const WIRE_ACTIONS = [...ACTIONS, ...MORE_ACTIONS];
const WIRE_RESULTS = [...RESULTS, ...MORE_RESULTS];
const WIRE_REASONS = [...REASONS, ...MORE_REASONS];
const WIRE_LEG_TYPES = [...LEG_TYPES, ...MORE_LEG_TYPES];
const WIRE_INTERNAL_TYPES = [...INTERNAL_TYPES, 'Unknown'];

/** Ids ringlog can serve back in a path: what the API accepts as a call-record, account or extension id. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const LOG_PATH = /\/restapi\/v1\.0\/account\/([^/?#]+)(?:\/extension\/([^/?#]+))?\/call-log\/([^/?#]+)/;
const EXTENSION_PATH = /\/extension\/([^/?#]+)/;

type Json = Record<string, unknown>;

function fail(path: string, problem: string): never {
  throw new Error(`${path} ${problem}`);
}

function objectAt(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be a JSON object');
  return value as Json;
}

const at = (base: string, key: string) => (base ? `${base}.${key}` : key);

function optString(o: Json, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(at(path, key), 'must be a string');
  // NUL stands for the base URL in prepared JSON (and PostgreSQL text cannot hold it); only a uri may carry it.
  if (key !== 'uri' && v.includes('\u0000')) fail(at(path, key), 'must not contain NUL characters');
  return v;
}

/** An id: RingCentral sends strings, a few clients numbers; both come back as strings. */
function optId(o: Json, key: string, path: string): string | undefined {
  const v = o[key];
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return optString(o, key, path);
}

function required<T>(value: T | undefined, path: string): T {
  if (value === undefined) fail(path, 'is missing');
  return value;
}

function optCount(o: Json, key: string, path: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(at(path, key), 'must be a whole number ≥ 0');
  return v;
}

function optNumber(o: Json, key: string, path: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(at(path, key), 'must be a number');
  return v;
}

function optTime(o: Json, key: string, path: string): number | undefined {
  const v = optString(o, key, path);
  if (v === undefined) return undefined;
  const ms = parseDateTime(v);
  if (ms === null) fail(at(path, key), `"${v}" is not an ISO 8601 date-time`);
  return ms;
}

/** An enumerated value in its documented spelling (compared case-insensitively). */
function optEnum(o: Json, key: string, allowed: readonly string[], path: string, what: string): string | undefined {
  const v = optString(o, key, path);
  if (v === undefined) return undefined;
  const found = allowed.includes(v) ? v : allowed.find((a) => a.toLowerCase() === v.toLowerCase());
  if (found === undefined) {
    fail(at(path, key), `"${v}" is not ${allowed.length <= 4 ? `one of ${allowed.join(', ')}` : `a known ${what}`}`);
  }
  return found;
}

/**
 * A copy without the keys whose value is undefined, so optional fields are absent rather than present-but-undefined
 * (copied rather than deleted from: `delete` would leave a slow dictionary-mode object behind).
 */
function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const key in o) if (o[key] !== undefined) out[key] = o[key];
  return out as T;
}

function party(value: unknown, path: string): PartyInfo {
  if (value === undefined || value === null) return {};
  const o = objectAt(value, path);
  const device = o.device === undefined ? undefined : objectAt(o.device, at(path, 'device'));
  return compact({
    phoneNumber: optString(o, 'phoneNumber', path),
    extensionNumber: optId(o, 'extensionNumber', path),
    extensionId: optId(o, 'extensionId', path),
    name: optString(o, 'name', path),
    location: optString(o, 'location', path),
    device: device && { id: required(optId(device, 'id', at(path, 'device')), at(path, 'device.id')) },
  });
}

/** The extension id of an `{ id, uri }` reference, read from its uri when it has one (exact for any id). */
function extensionRefId(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const o = objectAt(value, path);
  const uri = optString(o, 'uri', path);
  const fromUri = uri === undefined ? undefined : EXTENSION_PATH.exec(uri)?.[1];
  return fromUri === undefined ? required(optId(o, 'id', path), at(path, 'id')) : checkedId(fromUri, at(path, 'uri'));
}

function recording(value: unknown, path: string): RecordingRef | undefined {
  if (value === undefined || value === null) return undefined;
  const o = objectAt(value, path);
  return {
    id: required(optId(o, 'id', path), at(path, 'id')),
    type: required(optEnum(o, 'type', RECORDING_TYPES, path, 'recording type'), at(path, 'type')) as RecordingRef['type'],
  };
}

function message(value: unknown, path: string): MessageRef | undefined {
  if (value === undefined || value === null) return undefined;
  const o = objectAt(value, path);
  return { id: required(optId(o, 'id', path), at(path, 'id')), type: required(optString(o, 'type', path), at(path, 'type')) };
}

function delegate(value: unknown, path: string): { id: string; name: string } | undefined {
  if (value === undefined || value === null) return undefined;
  const o = objectAt(value, path);
  return { id: required(optId(o, 'id', path), at(path, 'id')), name: optString(o, 'name', path) ?? '' };
}

function billing(value: unknown, path: string): Billing | undefined {
  if (value === undefined || value === null) return undefined;
  const o = objectAt(value, path);
  return { costIncluded: optNumber(o, 'costIncluded', path) ?? 0, costPurchased: optNumber(o, 'costPurchased', path) ?? 0 };
}

/** `duration` (s) and `durationMs`; either one gives the other. */
function durations(o: Json, path: string): { duration: number; durationMs: number } {
  const duration = optCount(o, 'duration', path);
  const durationMs = optCount(o, 'durationMs', path);
  return {
    duration: duration ?? Math.round((durationMs ?? 0) / 1000),
    durationMs: durationMs ?? (duration ?? 0) * 1000,
  };
}

const hasExtension = (p: PartyInfo) => p.extensionId !== undefined || p.extensionNumber !== undefined;

/** What a Simple record does not say: VoIP between two extensions, PSTN when a party is outside. */
export function transportOf(from: PartyInfo, to: PartyInfo): 'PSTN' | 'VoIP' {
  return hasExtension(from) && hasExtension(to) ? 'VoIP' : 'PSTN';
}

/** The fields records and legs share. */
function callFields(o: Json, path: string) {
  const from = party(o.from, at(path, 'from'));
  const to = party(o.to, at(path, 'to'));
  return {
    startTime: required(optTime(o, 'startTime', path), at(path, 'startTime')),
    ...durations(o, path),
    type: required(optEnum(o, 'type', CALL_TYPES, path, 'type'), at(path, 'type')) as CallLogRecord['type'],
    direction: required(optEnum(o, 'direction', DIRECTIONS, path, 'direction'), at(path, 'direction')) as CallLogRecord['direction'],
    result: (optEnum(o, 'result', WIRE_RESULTS, path, 'result') ?? 'Unknown') as Result,
    reason: optEnum(o, 'reason', WIRE_REASONS, path, 'reason') as Reason | undefined,
    reasonDescription: optString(o, 'reasonDescription', path),
    internalType: optEnum(o, 'internalType', WIRE_INTERNAL_TYPES, path, 'internalType') as InternalType | undefined,
    from,
    to,
    transport: (optEnum(o, 'transport', TRANSPORTS, path, 'transport') as 'PSTN' | 'VoIP' | undefined) ?? transportOf(from, to),
    billing: billing(o.billing, at(path, 'billing')),
    recording: recording(o.recording, at(path, 'recording')),
    shortRecording: o.shortRecording === true ? true : undefined,
    message: message(o.message, at(path, 'message')),
    delegate: delegate(o.delegate, at(path, 'delegate')),
  };
}

function leg(value: unknown, path: string): CallLogLeg {
  const o = objectAt(value, path);
  return compact({
    ...callFields(o, path),
    action: required(optEnum(o, 'action', WIRE_ACTIONS, path, 'action'), at(path, 'action')) as LegAction,
    legType: required(optEnum(o, 'legType', WIRE_LEG_TYPES, path, 'legType'), at(path, 'legType')) as LegType,
    extensionId: extensionRefId(o.extension, at(path, 'extension')) ?? optId(o, 'extensionId', path),
    master: o.master === true ? true : undefined,
    telephonySessionId: optString(o, 'telephonySessionId', path),
  });
}

function legs(value: unknown): CallLogLeg[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail('legs', 'must be an array');
  return value.map((item, i) => leg(item, `legs[${i}]`));
}

function checkedId(value: string, what: string): string {
  if (!ID.test(value)) fail(what, `"${value}" is not an id ringlog can serve (1-64 letters, digits, - or _)`);
  return value;
}

function decoded(part: string, uri: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return fail('uri', `"${uri}" has a malformed %-escape`);
  }
}

/** The log a record belongs to: from its uri, else from the context. */
function logOf(o: Json, id: string, context: WireContext): { accountId: string; extensionId: string | null } {
  const uri = optString(o, 'uri', '');
  if (uri !== undefined) {
    const m = LOG_PATH.exec(uri);
    if (!m) fail('uri', `"${uri}" is not a call-log record URI (…/account/{id}[/extension/{id}]/call-log/{id})`);
    const [, account, extension, uriId] = m.map((part) => (part === undefined ? part : decoded(part, uri)));
    if (uriId !== id) fail('uri', `names record ${uriId}, not ${id}`);
    return {
      accountId: checkedId(account, 'uri account'),
      extensionId: extension === undefined ? null : checkedId(extension, 'uri extension'),
    };
  }
  if (context.accountId === undefined) fail('uri', 'is missing and no account was given');
  return { accountId: context.accountId, extensionId: context.logExtensionId ?? null };
}

/**
 * A record as the list endpoint returns it (Simple or Detailed, absolute URIs of any host), as the store keeps it.
 * A Simple record gets what its view leaves out: transport from its parties, no legs, and lastModifiedTime
 * = startTime + duration. Throws an Error saying which field is wrong and why.
 */
export function fromWire(json: unknown, context: WireContext = {}): CallLogRecord {
  const o = objectAt(json, 'record');
  const id = checkedId(required(optString(o, 'id', ''), 'id'), 'id');
  const log = logOf(o, id, context);
  const call = callFields(o, '');
  return compact({
    id,
    ...log,
    ownerExtensionId: extensionRefId(o.extension, 'extension'),
    sessionId: optId(o, 'sessionId', '') ?? '',
    telephonySessionId: optString(o, 'telephonySessionId', '') ?? '',
    partyId: optString(o, 'partyId', ''),
    ...call,
    action: required(optEnum(o, 'action', WIRE_ACTIONS, '', 'action'), 'action') as Action,
    legs: legs(o.legs),
    lastModifiedTime: optTime(o, 'lastModifiedTime', '') ?? call.startTime + call.durationMs,
    deleted: o.deleted === true,
  });
}
