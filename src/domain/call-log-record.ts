// The call-log record model (what the store keeps) and its projection to RingCentral's Simple and Detailed views.

import type {
  Action, CallType, Direction, InternalType, LegAction, LegType, Reason, RecordingType, Result, Transport, View,
} from './enums.ts';

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

export interface CallLogLeg {
  startTime: number;
  duration: number;
  durationMs: number;
  type: CallType;
  direction: Direction;
  action: LegAction;
  result: Result;
  reason?: Reason;
  reasonDescription?: string;
  internalType?: InternalType;
  from: PartyInfo;
  to: PartyInfo;
  /** The extension this leg belongs to, when it belongs to one. */
  extensionId?: string;
  transport: Transport;
  legType: LegType;
  master?: boolean;
  billing?: Billing;
  recording?: RecordingRef;
  shortRecording?: boolean;
  message?: MessageRef;
  delegate?: { id: string; name: string };
  telephonySessionId?: string;
}

export interface CallLogRecord {
  id: string;
  accountId: string;
  /** The extension whose log holds the record; null for the company-level record of a session. */
  extensionId: string | null;
  /** The extension shown in the record's `extension` field (the owner); for extension records, `extensionId`. */
  ownerExtensionId?: string;
  sessionId: string;
  telephonySessionId: string;
  partyId?: string;
  /** Milliseconds since epoch, UTC. */
  startTime: number;
  duration: number;
  durationMs: number;
  type: CallType;
  direction: Direction;
  action: Action;
  result: Result;
  reason?: Reason;
  reasonDescription?: string;
  internalType?: InternalType;
  from: PartyInfo;
  to: PartyInfo;
  delegate?: { id: string; name: string };
  message?: MessageRef;
  recording?: RecordingRef;
  shortRecording?: boolean;
  transport: Transport;
  billing?: Billing;
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

export const iso = (ms: number): string => new Date(ms).toISOString();

const accountPath = (accountId: string) => `${BASE_MARK}/restapi/v1.0/account/${accountId}`;

export function recordPath(r: Pick<CallLogRecord, 'accountId' | 'extensionId' | 'id'>): string {
  return r.extensionId === null
    ? `${accountPath(r.accountId)}/call-log/${r.id}`
    : `${accountPath(r.accountId)}/extension/${r.extensionId}/call-log/${r.id}`;
}

function extensionRef(accountId: string, extensionId: string) {
  return { uri: `${accountPath(accountId)}/extension/${extensionId}`, id: Number(extensionId) };
}

function recordingRef(accountId: string, rec: RecordingRef) {
  const uri = `${accountPath(accountId)}/recording/${rec.id}`;
  return { uri, id: rec.id, type: rec.type, contentUri: `${uri}/content` };
}

function messageRef(accountId: string, extensionId: string | undefined, msg: MessageRef) {
  const owner = extensionId ? `/extension/${extensionId}` : '';
  return { id: msg.id, type: msg.type, uri: `${accountPath(accountId)}${owner}/message-store/${msg.id}` };
}

function party(p: PartyInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.phoneNumber !== undefined) out.phoneNumber = text(p.phoneNumber);
  if (p.extensionNumber !== undefined) out.extensionNumber = text(p.extensionNumber);
  if (p.extensionId !== undefined) out.extensionId = text(p.extensionId);
  if (p.location !== undefined) out.location = text(p.location);
  if (p.name !== undefined) out.name = text(p.name);
  if (p.device !== undefined) out.device = { uri: `${BASE_MARK}/restapi/v1.0/device/${p.device.id}`, id: p.device.id };
  return out;
}

function renderLeg(accountId: string, leg: CallLogLeg): Record<string, unknown> {
  const out: Record<string, unknown> = {
    startTime: iso(leg.startTime),
    duration: leg.duration,
    durationMs: leg.durationMs,
    type: leg.type,
  };
  if (leg.internalType) out.internalType = leg.internalType;
  out.direction = leg.direction;
  out.action = leg.action;
  out.result = leg.result;
  if (leg.reason) out.reason = leg.reason;
  if (leg.reasonDescription) out.reasonDescription = text(leg.reasonDescription);
  out.to = party(leg.to);
  out.from = party(leg.from);
  if (leg.extensionId) {
    out.extension = extensionRef(accountId, leg.extensionId);
  }
  if (leg.telephonySessionId) out.telephonySessionId = leg.telephonySessionId;
  out.transport = leg.transport;
  if (leg.recording) out.recording = recordingRef(accountId, leg.recording);
  if (leg.shortRecording) out.shortRecording = true;
  if (leg.message) out.message = messageRef(accountId, leg.extensionId, leg.message);
  if (leg.delegate) out.delegate = { id: leg.delegate.id, name: text(leg.delegate.name) };
  if (leg.billing) out.billing = leg.billing;
  out.legType = leg.legType;
  if (leg.master) out.master = true;
  return out;
}

/** The record as RingCentral sends it in `view`, with BASE_MARK where the base URL goes. */
export function renderRecord(r: CallLogRecord, view: View): Record<string, unknown> {
  const out: Record<string, unknown> = {
    uri: `${recordPath(r)}?view=${view}`,
    id: r.id,
    sessionId: r.sessionId,
    telephonySessionId: r.telephonySessionId,
  };
  if (r.partyId) out.partyId = r.partyId;
  out.startTime = iso(r.startTime);
  out.duration = r.duration;
  out.durationMs = r.durationMs;
  out.type = r.type;
  if (r.internalType) out.internalType = r.internalType;
  out.direction = r.direction;
  out.action = r.action;
  out.result = r.result;
  if (r.reason) out.reason = r.reason;
  if (r.reasonDescription) out.reasonDescription = text(r.reasonDescription);
  out.to = party(r.to);
  out.from = party(r.from);
  const owner = r.extensionId ?? r.ownerExtensionId;
  if (owner) out.extension = extensionRef(r.accountId, owner);
  if (r.recording) out.recording = recordingRef(r.accountId, r.recording);
  if (r.shortRecording) out.shortRecording = true;
  if (r.message) out.message = messageRef(r.accountId, owner, r.message);
  if (r.delegate) out.delegate = { id: r.delegate.id, name: text(r.delegate.name) };
  if (r.deleted) out.deleted = true;
  if (view === 'Detailed') {
    out.transport = r.transport;
    out.lastModifiedTime = iso(r.lastModifiedTime);
    if (r.billing) out.billing = r.billing;
    out.legs = r.legs.map((leg) => renderLeg(r.accountId, leg));
  }
  return out;
}

/** Prepared JSON of both views, as the store keeps them. */
export function prepareRecordJson(r: CallLogRecord): { simple: string; detailed: string } {
  return {
    simple: preparedStringify(renderRecord(r, 'Simple')),
    detailed: preparedStringify(renderRecord(r, 'Detailed')),
  };
}

/** Digits of a phone number without `+` or formatting, as the `phoneNumber` filter compares them. */
export function phoneDigits(phone: string | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  return digits.length ? digits : null;
}
