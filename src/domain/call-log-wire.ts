// Reads call-log records in RingCentral's JSON shape (Simple or Detailed, as the list endpoint returns them) back
// into the record model: the inverse of prepareRecordJson, validating what an import must not take on trust.

import {
  ACTIONS,
  CALL_TYPES,
  DIRECTIONS,
  INTERNAL_TYPES,
  LEG_TYPES,
  REASONS,
  RECORDING_TYPES,
  RESULTS,
  TRANSPORTS,
  type Action,
  type InternalType,
  type LegAction,
  type LegType,
  type Reason,
  type Result,
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
  'Barge In Call',
  'FreeSPDL',
  'Pickup',
  'Sip Forwarding',
  'VoiceChat Call',
  '411 Info',
  'MeetingsCall',
  'SilentMonitoring',
];
const MORE_RESULTS = [
  '911',
  '933',
  'Carrier is not active',
  'EDGE trunk misconfigured',
  'Not Allowed',
  'Phone Login',
  'Sent to Voicemail',
  'Answered Elsewhere',
  'Callback requested',
];
const MORE_REASONS = [
  'Carrier is not active',
  'EDGE trunk misconfigured',
  'Emergency Address not defined',
  'Internal Call Error',
  'Line Busy',
  'line Busy',
  'Receive Error',
  'Unknown',
  'DescNoE911Address',
  'Not Allowed',
];
const MORE_LEG_TYPES = [
  'CallMeCallOut',
  'MeetingsCall',
  'SilentMonitoring',
  'Pickup',
  'ImsCall',
  'JoinCall',
  'TextRelay',
  'IvaCall',
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

/** Sets `key` on `out` only when there is a value, so optional fields are absent rather than present-but-undefined. */
function put<T extends object, K extends keyof T>(out: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) out[key] = value;
}

function party(value: unknown, path: string): PartyInfo {
  if (value === undefined || value === null) return {};
  const o = objectAt(value, path);
  const out: PartyInfo = {};
  put(out, 'phoneNumber', optString(o, 'phoneNumber', path));
  put(out, 'extensionNumber', optId(o, 'extensionNumber', path));
  put(out, 'extensionId', optId(o, 'extensionId', path));
  put(out, 'name', optString(o, 'name', path));
  put(out, 'location', optString(o, 'location', path));
  if (o.device !== undefined) {
    const device = objectAt(o.device, at(path, 'device'));
    out.device = { id: required(optId(device, 'id', at(path, 'device')), at(path, 'device.id')) };
  }
  return out;
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
    type: required(
      optEnum(o, 'type', RECORDING_TYPES, path, 'recording type'),
      at(path, 'type'),
    ) as RecordingRef['type'],
  };
}

function message(value: unknown, path: string): MessageRef | undefined {
  if (value === undefined || value === null) return undefined;
  const o = objectAt(value, path);
  return {
    id: required(optId(o, 'id', path), at(path, 'id')),
    type: required(optString(o, 'type', path), at(path, 'type')),
  };
}

function delegate(value: unknown, path: string): { id: string; name: string } | undefined {
  if (value === undefined || value === null) return undefined;
  const o = objectAt(value, path);
  return { id: required(optId(o, 'id', path), at(path, 'id')), name: optString(o, 'name', path) ?? '' };
}

function billing(value: unknown, path: string): Billing | undefined {
  if (value === undefined || value === null) return undefined;
  const o = objectAt(value, path);
  return {
    costIncluded: optNumber(o, 'costIncluded', path) ?? 0,
    costPurchased: optNumber(o, 'costPurchased', path) ?? 0,
  };
}

const hasExtension = (p: PartyInfo) => p.extensionId !== undefined || p.extensionNumber !== undefined;

/** What a Simple record does not say: VoIP between two extensions, PSTN when a party is outside. */
export function transportOf(from: PartyInfo, to: PartyInfo): 'PSTN' | 'VoIP' {
  return hasExtension(from) && hasExtension(to) ? 'VoIP' : 'PSTN';
}

type CallFields = Omit<CallLogLeg, 'action' | 'legType' | 'extensionId' | 'master' | 'telephonySessionId'>;

/** The fields records and legs share (the required ones; `addOptionalCallFields` adds the rest). */
function callFields(o: Json, path: string): CallFields {
  const from = party(o.from, at(path, 'from'));
  const to = party(o.to, at(path, 'to'));
  const duration = optCount(o, 'duration', path);
  const durationMs = optCount(o, 'durationMs', path);
  return {
    startTime: required(optTime(o, 'startTime', path), at(path, 'startTime')),
    // `duration` (s) and `durationMs`: either one gives the other.
    duration: duration ?? Math.round((durationMs ?? 0) / 1000),
    durationMs: durationMs ?? (duration ?? 0) * 1000,
    type: required(optEnum(o, 'type', CALL_TYPES, path, 'type'), at(path, 'type')) as CallLogRecord['type'],
    direction: required(
      optEnum(o, 'direction', DIRECTIONS, path, 'direction'),
      at(path, 'direction'),
    ) as CallLogRecord['direction'],
    result: (optEnum(o, 'result', WIRE_RESULTS, path, 'result') ?? 'Unknown') as Result,
    from,
    to,
    transport:
      (optEnum(o, 'transport', TRANSPORTS, path, 'transport') as 'PSTN' | 'VoIP' | undefined) ?? transportOf(from, to),
  };
}

/** The optional fields records and legs share, set on `out` when present. */
function addOptionalCallFields(out: Partial<CallFields>, o: Json, path: string): void {
  put(out, 'reason', optEnum(o, 'reason', WIRE_REASONS, path, 'reason') as Reason | undefined);
  put(out, 'reasonDescription', optString(o, 'reasonDescription', path));
  put(
    out,
    'internalType',
    optEnum(o, 'internalType', WIRE_INTERNAL_TYPES, path, 'internalType') as InternalType | undefined,
  );
  put(out, 'billing', billing(o.billing, at(path, 'billing')));
  put(out, 'recording', recording(o.recording, at(path, 'recording')));
  if (o.shortRecording === true) out.shortRecording = true;
  put(out, 'message', message(o.message, at(path, 'message')));
  put(out, 'delegate', delegate(o.delegate, at(path, 'delegate')));
}

function leg(value: unknown, path: string): CallLogLeg {
  const o = objectAt(value, path);
  const out = callFields(o, path) as CallLogLeg;
  out.action = required(optEnum(o, 'action', WIRE_ACTIONS, path, 'action'), at(path, 'action')) as LegAction;
  out.legType = required(optEnum(o, 'legType', WIRE_LEG_TYPES, path, 'legType'), at(path, 'legType')) as LegType;
  addOptionalCallFields(out, o, path);
  put(out, 'extensionId', extensionRefId(o.extension, at(path, 'extension')) ?? optId(o, 'extensionId', path));
  if (o.master === true) out.master = true;
  put(out, 'telephonySessionId', optString(o, 'telephonySessionId', path));
  return out;
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
  if (!part.includes('%')) return part;
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
  const out = callFields(o, '') as CallLogRecord;
  out.id = id;
  out.accountId = log.accountId;
  out.extensionId = log.extensionId;
  out.sessionId = optId(o, 'sessionId', '') ?? '';
  out.telephonySessionId = optString(o, 'telephonySessionId', '') ?? '';
  out.action = required(optEnum(o, 'action', WIRE_ACTIONS, '', 'action'), 'action') as Action;
  out.legs = legs(o.legs);
  out.lastModifiedTime = optTime(o, 'lastModifiedTime', '') ?? out.startTime + out.durationMs;
  out.deleted = o.deleted === true;
  put(out, 'ownerExtensionId', extensionRefId(o.extension, 'extension'));
  put(out, 'partyId', optString(o, 'partyId', ''));
  addOptionalCallFields(out, o, '');
  return out;
}
