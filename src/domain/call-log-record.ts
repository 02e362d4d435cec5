// The call-log record model (what the store keeps) and its projection to RingCentral's Simple and Detailed views.

import type {
  Action,
  CallType,
  Direction,
  InternalType,
  LegAction,
  LegType,
  Reason,
  RecordingType,
  Result,
  Transport,
  View,
} from './enums.ts';
import { isoDateTime } from './date-time.ts';

export interface PartyInfo {
  phoneNumber?: string;
  extensionNumber?: string;
  extensionId?: string;
  name?: string;
  location?: string;
  device?: { id: string };
}

export interface Billing {
  costIncluded: number;
  costPurchased: number;
}

export interface RecordingRef {
  id: string;
  type: RecordingType;
}

export interface MessageRef {
  id: string;
  /** `Fax` or `VoiceMail`. */
  type: string;
}

/** What a call's record and each of its legs both have: when, what, between whom, how it ended. */
export interface CallSpanFields {
  /** Milliseconds since epoch, UTC. */
  startTime: number;
  duration: number;
  durationMs: number;
  type: CallType;
  direction: Direction;
  result: Result;
  reason?: Reason;
  reasonDescription?: string;
  internalType?: InternalType;
  from: PartyInfo;
  to: PartyInfo;
  transport: Transport;
  billing?: Billing;
  recording?: RecordingRef;
  shortRecording?: boolean;
  message?: MessageRef;
  delegate?: { id: string; name: string };
}

export interface CallLogLeg extends CallSpanFields {
  action: LegAction;
  /** The extension this leg belongs to, when it belongs to one. */
  extensionId?: string;
  legType: LegType;
  master?: boolean;
  telephonySessionId?: string;
}

export interface CallLogRecord extends CallSpanFields {
  id: string;
  accountId: string;
  /** The extension whose log holds the record; null for the company-level record of a session. */
  extensionId: string | null;
  /** The extension shown in the record's `extension` field (the owner); for extension records, `extensionId`. */
  ownerExtensionId?: string;
  sessionId: string;
  telephonySessionId: string;
  partyId?: string;
  action: Action;
  legs: CallLogLeg[];
  /** Milliseconds since epoch, UTC; never decreases for a given id. */
  lastModifiedTime: number;
  deleted: boolean;
}

/**
 * Stands where the server's base URL goes in prepared JSON. JSON.stringify writes this character as the six
 * characters `\u0000`, which `withBase` replaces by the request's base URL when the JSON is sent.
 */
export const BASE_MARK = '\u0000';
export const BASE_MARK_JSON = '\\u0000';

/**
 * JSON text for storage in which `\u0000` can only be BASE_MARK: a backslash inside text is written as the
 * equivalent escape `\u005c` instead of `\\`, so no text can end in a backslash before `u0000`.
 * (Read left to right, every `\\` pair in JSON text is one escaped backslash.)
 */
export function preparedStringify(value: unknown): string {
  return JSON.stringify(value).replaceAll('\\\\', '\\u005c');
}

/** Puts the base URL (`http://host:port`) into JSON prepared with BASE_MARK. */
export function withBase(preparedJson: string, base: string): string {
  return preparedJson.replaceAll(BASE_MARK_JSON, base.replaceAll('$', '$$$$'));
}

/** Free text never carries BASE_MARK: a NUL from outside (import, sync) is dropped. */
const text = (value: string): string => (value.includes(BASE_MARK) ? value.replaceAll(BASE_MARK, '') : value);

// Prepared JSON is written as text rather than built as objects and given to JSON.stringify: it is what every
// write (seed, import, sync) spends most of its time on, and text is faster (docs/benchmarks.md). The order of the
// fields is RingCentral's; the test beside this file checks the text against JSON.stringify of the same fields.

/** What JSON.stringify would need to escape, plus surrogates (a lone one must be escaped, not mangled). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal of `s`, as preparedStringify writes it. */
function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? preparedStringify(s) : `"${s}"`;
}

/** A string placed inside a JSON string literal (a piece of a URI). */
function inner(s: string): string {
  return NEEDS_ESCAPE.test(s) ? preparedStringify(s).slice(1, -1) : s;
}

/** A JSON number as JSON.stringify writes it (null for NaN and infinities). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/** The JSON string of a URI under the base URL: BASE_MARK, then the path. */
const uri = (path: string) => `"${BASE_MARK_JSON}${path}"`;

const accountPath = (accountId: string) => `/restapi/v1.0/account/${inner(accountId)}`;

function recordUri(r: Pick<CallLogRecord, 'accountId' | 'extensionId' | 'id'>, view: View): string {
  const log = r.extensionId === null ? '' : `/extension/${inner(r.extensionId)}`;
  return uri(`${accountPath(r.accountId)}${log}/call-log/${inner(r.id)}?view=${view}`);
}

function extensionRef(accountId: string, extensionId: string): string {
  return `{"uri":${uri(`${accountPath(accountId)}/extension/${inner(extensionId)}`)},"id":${num(Number(extensionId))}}`;
}

function recordingRef(accountId: string, rec: RecordingRef): string {
  const path = `${accountPath(accountId)}/recording/${inner(rec.id)}`;
  return `{"uri":${uri(path)},"id":${str(rec.id)},"type":${str(rec.type)},"contentUri":${uri(`${path}/content`)}}`;
}

function messageRef(accountId: string, extensionId: string | undefined, msg: MessageRef): string {
  const owner = extensionId ? `/extension/${inner(extensionId)}` : '';
  return `{"id":${str(msg.id)},"type":${str(msg.type)},"uri":${uri(`${accountPath(accountId)}${owner}/message-store/${inner(msg.id)}`)}}`;
}

function party(p: PartyInfo): string {
  let out = '';
  if (p.phoneNumber !== undefined) out += `,"phoneNumber":${str(text(p.phoneNumber))}`;
  if (p.extensionNumber !== undefined) out += `,"extensionNumber":${str(text(p.extensionNumber))}`;
  if (p.extensionId !== undefined) out += `,"extensionId":${str(text(p.extensionId))}`;
  if (p.location !== undefined) out += `,"location":${str(text(p.location))}`;
  if (p.name !== undefined) out += `,"name":${str(text(p.name))}`;
  if (p.device !== undefined) {
    out += `,"device":{"uri":${uri(`/restapi/v1.0/device/${inner(p.device.id)}`)},"id":${str(p.device.id)}}`;
  }
  return out ? `{${out.slice(1)}}` : '{}';
}

const delegate = (d: { id: string; name: string }) => `{"id":${str(d.id)},"name":${str(text(d.name))}}`;
const billing = (b: Billing) => `{"costIncluded":${num(b.costIncluded)},"costPurchased":${num(b.costPurchased)}}`;

/** The fields of a leg, from startTime (no braces). */
function legFields(accountId: string, leg: CallLogLeg): string {
  let out = `"startTime":"${isoDateTime(leg.startTime)}","duration":${num(leg.duration)},"durationMs":${num(leg.durationMs)},"type":${str(leg.type)}`;
  if (leg.internalType) out += `,"internalType":${str(leg.internalType)}`;
  out += `,"direction":${str(leg.direction)},"action":${str(leg.action)},"result":${str(leg.result)}`;
  if (leg.reason) out += `,"reason":${str(leg.reason)}`;
  if (leg.reasonDescription) out += `,"reasonDescription":${str(text(leg.reasonDescription))}`;
  out += `,"to":${party(leg.to)},"from":${party(leg.from)}`;
  if (leg.extensionId) out += `,"extension":${extensionRef(accountId, leg.extensionId)}`;
  if (leg.telephonySessionId) out += `,"telephonySessionId":${str(leg.telephonySessionId)}`;
  out += `,"transport":${str(leg.transport)}`;
  if (leg.recording) out += `,"recording":${recordingRef(accountId, leg.recording)}`;
  if (leg.shortRecording) out += ',"shortRecording":true';
  if (leg.message) out += `,"message":${messageRef(accountId, leg.extensionId, leg.message)}`;
  if (leg.delegate) out += `,"delegate":${delegate(leg.delegate)}`;
  if (leg.billing) out += `,"billing":${billing(leg.billing)}`;
  out += `,"legType":${str(leg.legType)}`;
  if (leg.master) out += ',"master":true';
  return out;
}

/** The fields both views share, after `uri` (no braces). */
function commonFields(r: CallLogRecord): string {
  let out = `"id":${str(r.id)},"sessionId":${str(r.sessionId)},"telephonySessionId":${str(r.telephonySessionId)}`;
  if (r.partyId) out += `,"partyId":${str(r.partyId)}`;
  out += `,"startTime":"${isoDateTime(r.startTime)}","duration":${num(r.duration)},"durationMs":${num(r.durationMs)},"type":${str(r.type)}`;
  if (r.internalType) out += `,"internalType":${str(r.internalType)}`;
  out += `,"direction":${str(r.direction)},"action":${str(r.action)},"result":${str(r.result)}`;
  if (r.reason) out += `,"reason":${str(r.reason)}`;
  if (r.reasonDescription) out += `,"reasonDescription":${str(text(r.reasonDescription))}`;
  out += `,"to":${party(r.to)},"from":${party(r.from)}`;
  const owner = r.extensionId ?? r.ownerExtensionId;
  if (owner) out += `,"extension":${extensionRef(r.accountId, owner)}`;
  if (r.recording) out += `,"recording":${recordingRef(r.accountId, r.recording)}`;
  if (r.shortRecording) out += ',"shortRecording":true';
  if (r.message) out += `,"message":${messageRef(r.accountId, owner, r.message)}`;
  if (r.delegate) out += `,"delegate":${delegate(r.delegate)}`;
  if (r.deleted) out += ',"deleted":true';
  return out;
}

/** The fields only the Detailed view has (no braces). */
function detailedFields(r: CallLogRecord): string {
  let out = `"transport":${str(r.transport)},"lastModifiedTime":"${isoDateTime(r.lastModifiedTime)}"`;
  if (r.billing) out += `,"billing":${billing(r.billing)}`;
  return `${out},"legs":[${r.legs.map((leg) => `{${legFields(r.accountId, leg)}}`).join(',')}]`;
}

/** Prepared JSON of both views, as the store keeps them (BASE_MARK where the base URL goes). */
export function prepareRecordJson(r: CallLogRecord): { simple: string; detailed: string } {
  const common = commonFields(r);
  return {
    simple: `{"uri":${recordUri(r, 'Simple')},${common}}`,
    detailed: `{"uri":${recordUri(r, 'Detailed')},${common},${detailedFields(r)}}`,
  };
}

/** Digits of a phone number without `+` or formatting, as the `phoneNumber` filter compares them. */
export function phoneDigits(phone: string | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  return digits.length ? digits : null;
}
