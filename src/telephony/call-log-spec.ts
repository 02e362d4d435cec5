// What a call's legs and records are built from: spans (times, outcome, parties, extras) turned into call-log
// legs and records field by field. The session assembler decides the spans; the generator's test oracle, which
// decides them its own way, builds them with these same setters.

import {
  NO_BILLING,
  REASON_BY_RESULT,
  REASON_DESCRIPTIONS,
  type Action,
  type Billing,
  type CallLogLeg,
  type CallLogRecord,
  type CallType,
  type Direction,
  type InternalType,
  type LegAction,
  type LegType,
  type MessageRef,
  type PartyInfo,
  type Reason,
  type RecordingMeta,
  type RecordingRef,
  type RecordingType,
  type Result,
  type Transport,
} from '../domain/index.ts';

/** What a recording decision leaves on legs and records: a recording, a short-recording flag, or nothing. */
export interface RecordingMark {
  recording?: RecordingRef;
  shortRecording?: boolean;
}

export interface Span {
  /** Milliseconds since epoch; shown truncated to whole seconds. */
  start: number;
  end: number;
  direction: Direction;
  result: Result;
  /** Defaults to REASON_BY_RESULT[result]. */
  reason?: Reason;
  from: PartyInfo;
  to: PartyInfo;
  transport: Transport;
  internalType?: InternalType;
  billing?: Billing;
  message?: MessageRef;
  mark?: RecordingMark | null;
}

export interface LegSpec extends Span {
  action: LegAction;
  legType: LegType;
  extensionId?: string;
  master?: boolean;
}

export interface RecordSpec extends Span {
  action: Action;
  /** null for the company-level record. */
  extensionId: string | null;
  /** The extension the record belongs to; undefined leaves ownerExtensionId out. */
  owner: string | undefined;
  legs: CallLogLeg[];
}

/** The fields of a record that come from its session rather than its span. */
export interface RecordHead {
  id: string;
  accountId: string;
  sessionId: string;
  telephonySessionId: string;
  type: CallType;
  lastModifiedTime: number;
}

export const wholeSecond = (t: number): number => Math.floor(t / 1000) * 1000;

export function setTimes(target: CallLogLeg | CallLogRecord, start: number, end: number): void {
  target.startTime = wholeSecond(start);
  target.durationMs = Math.max(0, Math.round(end - target.startTime));
  target.duration = Math.round(target.durationMs / 1000);
}

/** Sets the result and its reason (the result's default when none is given); no reason clears an earlier one. */
export function setResult(target: CallLogLeg | CallLogRecord, result: Result, reason: Reason | undefined): void {
  target.result = result;
  const r = reason ?? REASON_BY_RESULT[result];
  if (r) {
    target.reason = r;
    const description = REASON_DESCRIPTIONS[r];
    if (description) target.reasonDescription = description;
  } else {
    delete target.reason;
    delete target.reasonDescription;
  }
}

function setExtras(target: CallLogLeg | CallLogRecord, s: Span): void {
  if (s.internalType) target.internalType = s.internalType;
  if (s.billing) target.billing = s.billing;
  if (s.message) target.message = s.message;
  if (s.mark?.recording) target.recording = s.mark.recording;
  if (s.mark?.shortRecording) target.shortRecording = true;
}

export function buildLeg(type: CallType, telephonySessionId: string, spec: LegSpec): CallLogLeg {
  const leg = {
    type,
    direction: spec.direction,
    action: spec.action,
    from: spec.from,
    to: spec.to,
    transport: spec.transport,
    legType: spec.legType,
    telephonySessionId,
  } as CallLogLeg;
  setTimes(leg, spec.start, spec.end);
  setResult(leg, spec.result, spec.reason);
  setExtras(leg, spec);
  if (spec.extensionId) leg.extensionId = spec.extensionId;
  if (spec.master) leg.master = true;
  return leg;
}

export function buildRecord(head: RecordHead, spec: RecordSpec): CallLogRecord {
  const record = {
    id: head.id,
    accountId: head.accountId,
    extensionId: spec.extensionId,
    ownerExtensionId: spec.owner,
    sessionId: head.sessionId,
    telephonySessionId: head.telephonySessionId,
    type: head.type,
    direction: spec.direction,
    action: spec.action,
    from: spec.from,
    to: spec.to,
    transport: spec.transport,
    billing: spec.billing ?? NO_BILLING,
    legs: spec.legs,
    lastModifiedTime: head.lastModifiedTime,
    deleted: false,
  } as CallLogRecord;
  if (spec.owner === undefined) delete record.ownerExtensionId;
  setTimes(record, spec.start, spec.end);
  setResult(record, spec.result, spec.reason);
  setExtras(record, spec);
  return record;
}

/** A kept recording of `seconds`, an MP3 whose file is not stored yet. */
export function recordingMeta(
  id: string,
  accountId: string,
  type: RecordingType,
  seconds: number,
  createdAt: number,
): RecordingMeta {
  return { id, accountId, type, contentType: 'audio/mpeg', duration: seconds, blobKey: null, createdAt };
}
