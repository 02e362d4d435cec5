// TEST ORACLE (kept only for the assembler equivalence test, src/generator/traffic-scripts.test.ts): how
// records were built directly before scenarios became event scripts. Nothing outside tests may import it.
// One generated call session being put together: its legs, one record per involved extension plus the
// company-level record, its recording, and at the end each record's lastModifiedTime and deletion.

import type {
  Action,
  Billing,
  CallLogLeg,
  CallLogRecord,
  CallType,
  Direction,
  InternalType,
  LegAction,
  LegType,
  MessageRef,
  PartyInfo,
  Reason,
  RecordingMeta,
  RecordingRef,
  RecordingType,
  Result,
  Transport,
} from '../domain/index.ts';
import { MIN_RECORDING_SECONDS } from '../domain/index.ts';
import type { GeneratedIds } from './generated-ids.ts';
import type { SeededRandom } from '../domain/index.ts';
import {
  DELETED_SHARE,
  DELETION_DELAY,
  LAST_MODIFIED_DELAY,
  REASON_BY_RESULT,
  REASON_DESCRIPTIONS,
  RECORDED_LAST_MODIFIED_DELAY,
  type SecondsRange,
} from './traffic-mix.ts';

export interface SessionContext {
  rng: SeededRandom;
  ids: GeneratedIds;
  accountId: string;
  /** Records must be settled (lastModifiedTime) before this instant, else the session is left out. */
  endTime: number;
}

/** What a recording decision leaves on legs and records: a recording, a short-recording flag, or nothing. */
export interface RecordingMark {
  recording?: RecordingRef;
  shortRecording?: boolean;
}

interface Span {
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
  owner: string;
  legs: CallLogLeg[];
}

export const NO_BILLING: Billing = Object.freeze({ costIncluded: 0, costPurchased: 0 });

const wholeSecond = (t: number): number => Math.floor(t / 1000) * 1000;

/** Seconds drawn uniformly from a range, as milliseconds. */
export function drawMs(rng: SeededRandom, [min, max]: SecondsRange): number {
  return Math.round(rng.uniform(min * 1000, max * 1000));
}

function setTimes(target: CallLogLeg | CallLogRecord, start: number, end: number): void {
  target.startTime = wholeSecond(start);
  target.durationMs = Math.max(0, Math.round(end - target.startTime));
  target.duration = Math.round(target.durationMs / 1000);
}

function setResult(target: CallLogLeg | CallLogRecord, result: Result, reason: Reason | undefined): void {
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

export class GeneratedSession {
  readonly sessionId: string;
  readonly telephonySessionId: string;
  readonly legs: CallLogLeg[] = [];
  readonly records: CallLogRecord[] = [];
  recording: RecordingMeta | null = null;
  private readonly ends = new Map<CallLogRecord, number>();

  constructor(
    private readonly ctx: SessionContext,
    readonly type: CallType,
    readonly start: number,
  ) {
    this.sessionId = ctx.ids.session();
    this.telephonySessionId = ctx.ids.telephonySession(wholeSecond(start));
  }

  leg(spec: LegSpec): CallLogLeg {
    const leg = {
      type: this.type,
      direction: spec.direction,
      action: spec.action,
      from: spec.from,
      to: spec.to,
      transport: spec.transport,
      legType: spec.legType,
      telephonySessionId: this.telephonySessionId,
    } as CallLogLeg;
    setTimes(leg, spec.start, spec.end);
    setResult(leg, spec.result, spec.reason);
    setExtras(leg, spec);
    if (spec.extensionId) leg.extensionId = spec.extensionId;
    if (spec.master) leg.master = true;
    this.legs.push(leg);
    return leg;
  }

  /** Changes a leg's end and outcome once the rest of the session is known. */
  settleLeg(leg: CallLogLeg, start: number, end: number, result: Result, reason?: Reason): void {
    setTimes(leg, start, end);
    setResult(leg, result, reason);
  }

  record(spec: RecordSpec): CallLogRecord {
    const record = {
      id: this.ctx.ids.record(),
      accountId: this.ctx.accountId,
      extensionId: spec.extensionId,
      ownerExtensionId: spec.owner,
      sessionId: this.sessionId,
      telephonySessionId: this.telephonySessionId,
      type: this.type,
      direction: spec.direction,
      action: spec.action,
      from: spec.from,
      to: spec.to,
      transport: spec.transport,
      billing: spec.billing ?? NO_BILLING,
      legs: spec.legs,
      lastModifiedTime: 0,
      deleted: false,
    } as CallLogRecord;
    setTimes(record, spec.start, spec.end);
    setResult(record, spec.result, spec.reason);
    setExtras(record, spec);
    this.records.push(record);
    this.ends.set(record, spec.end);
    return record;
  }

  /** A voicemail or fax message left in the message store. */
  message(type: 'VoiceMail' | 'Fax'): MessageRef {
    return { id: this.ctx.ids.message(), type };
  }

  /**
   * Records `recordedMs` of talk ending at `endsAt`. At MIN_RECORDING_SECONDS or more it becomes a recording
   * (the session's only one); shorter ones are not kept and only flag `shortRecording`.
   */
  recordTalk(type: RecordingType, recordedMs: number, endsAt: number): RecordingMark {
    const seconds = Math.floor(recordedMs / 1000);
    if (seconds < MIN_RECORDING_SECONDS) return { shortRecording: true };
    const id = this.ctx.ids.recording();
    this.recording = {
      id,
      accountId: this.ctx.accountId,
      type,
      contentType: 'audio/mpeg',
      duration: seconds,
      blobKey: null,
      createdAt: wholeSecond(endsAt) + 1000 + this.ctx.rng.int(4000),
    };
    return { recording: { id, type } };
  }

  /**
   * Sets lastModifiedTime (end of call plus a few seconds, later for recorded calls) and marks a few
   * extension-level records deleted. Returns false when the session would not be settled by endTime.
   */
  finish(): boolean {
    const { rng, endTime } = this.ctx;
    for (const record of this.records) {
      const recorded = record.recording !== undefined || record.shortRecording === true;
      const delay = drawMs(rng, recorded ? RECORDED_LAST_MODIFIED_DELAY : LAST_MODIFIED_DELAY);
      let modified = (this.ends.get(record) ?? record.startTime) + delay;
      if (recorded && this.recording && modified <= this.recording.createdAt) {
        modified = this.recording.createdAt + 1 + rng.int(1000);
      }
      if (modified >= endTime) return false;
      record.lastModifiedTime = modified;
    }
    for (const record of this.records) {
      if (record.extensionId === null || !rng.chance(DELETED_SHARE)) continue;
      const deletedAt = record.lastModifiedTime + drawMs(rng, DELETION_DELAY);
      if (deletedAt >= endTime) continue;
      record.deleted = true;
      record.lastModifiedTime = deletedAt;
    }
    return true;
  }
}
