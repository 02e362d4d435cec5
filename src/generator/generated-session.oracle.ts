// TEST ORACLE (kept only for the assembler equivalence test, src/generator/traffic-scripts.test.ts): how
// records were built directly before scenarios became event scripts. Nothing outside tests may import it.
// One generated call session being put together: its legs, one record per involved extension plus the
// company-level record, its recording, and at the end each record's lastModifiedTime and deletion.

import type {
  CallLogLeg,
  CallLogRecord,
  CallType,
  MessageRef,
  RecordingMeta,
  RecordingType,
  Reason,
  Result,
} from '../domain/index.ts';
import { MIN_RECORDING_SECONDS, type SeededRandom } from '../domain/index.ts';
import { buildLeg, buildRecord, recordingMeta, setResult, setTimes, wholeSecond } from '../telephony/index.ts';
import type { LegSpec, RecordingMark, RecordSpec } from '../telephony/index.ts';
import type { GeneratedIds } from './generated-ids.ts';
import { settleRecords } from './scripted-call.ts';

export interface SessionContext {
  rng: SeededRandom;
  ids: GeneratedIds;
  accountId: string;
  /** Records must be settled (lastModifiedTime) before this instant, else the session is left out. */
  endTime: number;
}

export class GeneratedSession {
  readonly sessionId: string;
  readonly telephonySessionId: string;
  readonly legs: CallLogLeg[] = [];
  readonly records: CallLogRecord[] = [];
  recording: RecordingMeta | null = null;

  constructor(
    private readonly ctx: SessionContext,
    readonly type: CallType,
    readonly start: number,
  ) {
    this.sessionId = ctx.ids.session();
    this.telephonySessionId = ctx.ids.telephonySession(wholeSecond(start));
  }

  leg(spec: LegSpec): CallLogLeg {
    const leg = buildLeg(this.type, this.telephonySessionId, spec);
    this.legs.push(leg);
    return leg;
  }

  /** Changes a leg's end and outcome once the rest of the session is known. */
  settleLeg(leg: CallLogLeg, start: number, end: number, result: Result, reason?: Reason): void {
    setTimes(leg, start, end);
    setResult(leg, result, reason);
  }

  record(spec: RecordSpec): CallLogRecord {
    const { sessionId, telephonySessionId, type } = this;
    const head = { id: this.ctx.ids.record(), accountId: this.ctx.accountId, sessionId, telephonySessionId, type };
    const record = buildRecord({ ...head, lastModifiedTime: 0 }, spec);
    this.records.push(record);
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
    const createdAt = wholeSecond(endsAt) + 1000 + this.ctx.rng.int(4000);
    this.recording = recordingMeta(id, this.ctx.accountId, type, seconds, createdAt);
    return { recording: { id, type } };
  }

  /**
   * Sets lastModifiedTime and marks a few extension-level records deleted, as the generator settles its calls
   * (not what the equivalence test checks). Returns false when the session would not be settled by endTime.
   */
  finish(): boolean {
    return settleRecords(this.ctx.rng, this.ctx.endTime, this.records, this.recording);
  }
}
