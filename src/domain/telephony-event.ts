// RingCentral's telephony-session event (reference §11.3; rc-platform.yaml CallParty, CallStatusInfo, OriginInfo):
// the body's types, the party status codes and reasons, and the validation of bodies that come in from outside.

import { errors } from './errors.ts';

export const PARTY_STATUS_CODES = [
  'Setup',
  'Proceeding',
  'Answered',
  'Disconnected',
  'Gone',
  'Parked',
  'Hold',
  'VoiceMail',
  'FaxReceive',
  'VoiceMailScreening',
  'Tds',
] as const;
export type PartyStatusCode = (typeof PARTY_STATUS_CODES)[number];

/** `status.reason` values of the spec; others (`Conference`, `Undefined`, ...) are accepted too. */
export const PARTY_STATUS_REASONS = [
  'Pickup',
  'Supervising',
  'TakeOver',
  'Timeout',
  'BlindTransfer',
  'RccTransfer',
  'AttendedTransfer',
  'CallerInputRedirect',
  'CallFlip',
  'ParkLocation',
  'DtmfTransfer',
  'AgentAnswered',
  'AgentDropped',
  'Rejected',
  'Cancelled',
  'InternalError',
  'NoAnswer',
  'TargetBusy',
  'InvalidNumber',
  'InternationalDisabled',
  'DestinationBlocked',
  'NotEnoughFunds',
  'NoSuchUser',
  'CallPark',
  'CallRedirected',
  'CallReplied',
  'CallSwitch',
  'CallFinished',
  'CallDropped',
  'Voicemail',
] as const;

/** Reasons after which the session goes on with other parties (a hand-off, not an end). */
export const HAND_OFF_REASONS: ReadonlySet<string> = new Set([
  'BlindTransfer',
  'RccTransfer',
  'DtmfTransfer',
  'AttendedTransfer',
  'CallerInputRedirect',
  'CallFlip',
  'CallPark',
  'ParkLocation',
  'Pickup',
  'TakeOver',
  'CallSwitch',
  'CallRedirected',
  'AgentAnswered',
  'Supervising',
]);

/**
 * Reasons that hand the caller to another extension of the same session (a transfer; `AttendedTransfer`: the
 * warm transfer's target joins the original session, docs/telephony-events.md).
 */
export const TRANSFER_REASONS: ReadonlySet<string> = new Set([
  'BlindTransfer',
  'RccTransfer',
  'DtmfTransfer',
  'AttendedTransfer',
]);

/** Reasons a party leaves after parking the call (`CallPark`: a park orbit `*8xx`; `ParkLocation`). */
export const PARK_REASONS: ReadonlySet<string> = new Set(['CallPark', 'ParkLocation']);

/** `origin.type`: RingCentral's values, plus ringlog's `Fax` for fax transmissions (see docs/telephony-events.md). */
export const ORIGIN_TYPES = [
  'Call',
  'RingOut',
  'RingMe',
  'Conference',
  'GreetingsRecording',
  'VerificationCall',
  'TestCall',
  'Zoom',
  'CallOut',
  'Fax',
] as const;
export type OriginType = (typeof ORIGIN_TYPES)[number];

/** One end of a party (`from` / `to`): RingCentral's PartyInfo, plus ringlog's optional `location`. */
export interface TelephonyPartyEnd {
  phoneNumber?: string;
  name?: string;
  extensionId?: string;
  deviceId?: string;
  /** ringlog: the caller-ID location (city, state) the call log shows; RingCentral derives it itself. */
  location?: string;
}

export interface TelephonyPartyStatus {
  code: PartyStatusCode;
  reason?: string;
  description?: string;
  rcc?: boolean;
  parkData?: string;
  peerId?: { sessionId?: string; telephonySessionId?: string; partyId?: string };
  mobilePickupData?: Record<string, unknown>;
}

export interface TelephonyRecordingInfo {
  id: string;
  active: boolean;
}

export interface TelephonyParty {
  accountId?: string;
  extensionId?: string;
  id: string;
  direction: 'Inbound' | 'Outbound';
  from?: TelephonyPartyEnd;
  to?: TelephonyPartyEnd;
  status: TelephonyPartyStatus;
  park?: { id?: string };
  recordings?: TelephonyRecordingInfo[];
  queueCall?: boolean;
  missedCall?: boolean;
  standAlone?: boolean;
  muted?: boolean;
  conferenceRole?: 'Host' | 'Participant';
  sipData?: { toTag?: string; fromTag?: string; callId?: string; remoteUri?: string; localUri?: string };
  uiCallInfo?: Record<string, unknown>;
  /** ringlog: the voicemail or fax message this party left in the message store (RingCentral links it later). */
  message?: { id: string; type: 'VoiceMail' | 'Fax' };
}

/** The `body` of a telephony-session notification. */
export interface TelephonySessionEventBody {
  sequence: number;
  sessionId: string;
  telephonySessionId: string;
  serverId?: string;
  /** ISO 8601 with milliseconds. */
  eventTime: string;
  /** An OriginType; unknown values are kept as sent. */
  origin: { type: string };
  parties: TelephonyParty[];
}

const TERMINAL: ReadonlySet<string> = new Set(['Disconnected', 'Gone']);
export const isTerminalStatus = (code: string): boolean => TERMINAL.has(code);

const CODES: ReadonlySet<string> = new Set(PARTY_STATUS_CODES.map((c) => c.toLowerCase()));
const CANONICAL_CODE = new Map<string, PartyStatusCode>(PARTY_STATUS_CODES.map((c) => [c.toLowerCase(), c]));
CANONICAL_CODE.set('voicemail', 'VoiceMail');
CANONICAL_CODE.set('vmscreening', 'VoiceMailScreening');

/** The spelling of a status code ringlog works with (codes compare case-insensitively; DG writes `Voicemail`). */
export function canonicalStatusCode(code: string): PartyStatusCode | undefined {
  return CANONICAL_CODE.get(code.toLowerCase());
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

function fail(name: string, value?: unknown): never {
  const shown =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  throw errors.invalidParameter(name, shown);
}

function optionalString(o: Json, key: string, path: string): void {
  if (o[key] !== undefined && !isString(o[key])) fail(`${path}.${key}`, o[key]);
}

function optionalBoolean(o: Json, key: string, path: string): void {
  if (o[key] !== undefined && typeof o[key] !== 'boolean') fail(`${path}.${key}`, o[key]);
}

function checkEnd(value: unknown, path: string): void {
  if (value === undefined) return;
  if (!isObject(value)) fail(path);
  for (const key of ['phoneNumber', 'name', 'extensionId', 'deviceId', 'location']) optionalString(value, key, path);
}

function checkParty(p: unknown, path: string): void {
  if (!isObject(p)) fail(path);
  if (!isString(p.id) || p.id === '') fail(`${path}.id`, p.id);
  if (p.direction !== 'Inbound' && p.direction !== 'Outbound') fail(`${path}.direction`, p.direction);
  optionalString(p, 'accountId', path);
  optionalString(p, 'extensionId', path);
  checkEnd(p.from, `${path}.from`);
  checkEnd(p.to, `${path}.to`);
  if (!isObject(p.status)) fail(`${path}.status`);
  const status = p.status;
  if (
    !isString(status.code) ||
    (!CODES.has(status.code.toLowerCase()) && !CANONICAL_CODE.has(status.code.toLowerCase()))
  )
    fail(`${path}.status.code`, status.code);
  optionalString(status, 'reason', `${path}.status`);
  optionalString(status, 'description', `${path}.status`);
  for (const key of ['queueCall', 'missedCall', 'standAlone', 'muted']) optionalBoolean(p, key, path);
  if (p.recordings !== undefined) {
    if (!Array.isArray(p.recordings)) fail(`${path}.recordings`);
    p.recordings.forEach((r: unknown, i) => {
      if (!isObject(r) || !isString(r.id) || r.id === '') fail(`${path}.recordings[${i}].id`);
      if (typeof r.active !== 'boolean') fail(`${path}.recordings[${i}].active`, r.active);
    });
  }
  if (p.message !== undefined) {
    const m = p.message;
    if (!isObject(m) || !isString(m.id) || (m.type !== 'VoiceMail' && m.type !== 'Fax')) fail(`${path}.message`);
  }
}

/**
 * Checks that `value` is a telephony-session event body ringlog can assemble, and returns it typed. Throws
 * ApiError CMN-101 whose parameterName names the first bad field (e.g. `body.parties[0].status.code`).
 */
export function validateTelephonyEvent(value: unknown, path = 'body'): TelephonySessionEventBody {
  if (!isObject(value)) fail(path);
  const seq = value.sequence;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) fail(`${path}.sequence`, seq);
  if (!isString(value.telephonySessionId) || value.telephonySessionId === '' || value.telephonySessionId.length > 128)
    fail(`${path}.telephonySessionId`, value.telephonySessionId);
  if (!isString(value.sessionId) || value.sessionId === '') fail(`${path}.sessionId`, value.sessionId);
  if (!isString(value.eventTime) || !ISO_TIME.test(value.eventTime) || Number.isNaN(Date.parse(value.eventTime)))
    fail(`${path}.eventTime`, value.eventTime);
  if (value.origin !== undefined && (!isObject(value.origin) || !isString(value.origin.type)))
    fail(`${path}.origin.type`);
  optionalString(value, 'serverId', path);
  if (!Array.isArray(value.parties) || value.parties.length === 0) fail(`${path}.parties`);
  value.parties.forEach((p: unknown, i) => checkParty(p, `${path}.parties[${i}]`));
  const body = value as unknown as TelephonySessionEventBody;
  return body.origin === undefined ? { ...body, origin: { type: 'Call' } } : body;
}
