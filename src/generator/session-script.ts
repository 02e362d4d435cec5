// One generated call written as a script of RingCentral telephony-session events: its parties and their status
// changes in time, plus what the generator decides beyond the call itself (which record id each log gets, when
// the recording file is ready). The session assembler turns the events into the call's records.

import type {
  PartyInfo,
  PartyStatusCode,
  TelephonyParty,
  TelephonyPartyEnd,
  TelephonySessionEventBody,
} from '../domain/index.ts';
import { MIN_RECORDING_SECONDS } from '../domain/index.ts';
import type { GeneratedIds } from './generated-ids.ts';
import type { SeededRandom } from '../domain/index.ts';
import type { SecondsRange } from './traffic-mix.ts';

export interface ScriptContext {
  rng: SeededRandom;
  ids: GeneratedIds;
  accountId: string;
}

/** Seconds drawn uniformly from a range, as milliseconds. */
export function drawMs(rng: SeededRandom, [min, max]: SecondsRange): number {
  return Math.round(rng.uniform(min * 1000, max * 1000));
}

/** A party's `from`/`to` as RingCentral sends it: E.164 or the extension number, name, extension id. */
export function partyEnd(info: PartyInfo): TelephonyPartyEnd {
  const end: TelephonyPartyEnd = {};
  const phone = info.phoneNumber ?? info.extensionNumber;
  if (phone !== undefined) end.phoneNumber = phone;
  if (info.name !== undefined) end.name = info.name;
  if (info.extensionId !== undefined) end.extensionId = info.extensionId;
  if (info.location !== undefined) end.location = info.location;
  return end;
}

export interface PartySpec {
  extensionId?: string;
  direction: 'Inbound' | 'Outbound';
  from: PartyInfo;
  to: PartyInfo;
  queueCall?: boolean;
  conferenceRole?: 'Host' | 'Participant';
}

export interface StatusChange {
  reason?: string;
  description?: string;
  message?: { id: string; type: 'VoiceMail' | 'Fax' };
  missedCall?: boolean;
  /** Starts this recording on the party (listed active on this and every later event of the party). */
  startRecording?: string;
  /** `park.id` of a parked party. */
  parkId?: string;
  /** `status.peerId`: the party of another session this one was joined to (Gone). */
  peer?: { session: SessionScript; party: ScriptedParty };
}

/** `origin.type` of a scripted session. */
export type ScriptOrigin = 'Call' | 'Fax' | 'RingOut' | 'Conference';

/** The script and the sessions linked to it, in the order they started. */
export const sessionsOf = (script: SessionScript): SessionScript[] => [script, ...script.linked];

export class ScriptedParty {
  readonly id: string;
  recordings: { id: string; active: boolean }[] | undefined;
  constructor(
    readonly index: number,
    hex: string,
    readonly spec: PartySpec,
    readonly from: TelephonyPartyEnd,
    public to: TelephonyPartyEnd,
  ) {
    this.id = `p-${hex}-${index}`;
  }
}

/** A recording decided by a scenario: the id the events list, and the delay before its file is ready. */
export interface ScriptedRecording {
  id: string;
  /** Kept (30 s or more): drawn like a real recording id; shorter ones are not kept and get a local id. */
  kept: boolean;
  /** Milliseconds added to the assembler's createdAt (a second after the recording ended). */
  readyDelay: number;
}

export class SessionScript {
  readonly sessionId: string;
  readonly telephonySessionId: string;
  private readonly hex: string;
  private readonly parties: ScriptedParty[] = [];
  /** Emitted events (sequence and eventTime set by timedEvents) and their times, in emission order. */
  private readonly pending: TelephonySessionEventBody[] = [];
  private readonly pendingTimes: number[] = [];
  private readonly origin: { type: ScriptOrigin };
  /** Record ids drawn for the logs, in the order the records were made (null = the company log). */
  readonly recordIds: [string | null, string][] = [];
  recording: ScriptedRecording | null = null;
  /** Other sessions of the same scenario (a warm transfer's consultation call), played alongside this one. */
  readonly linked: SessionScript[] = [];

  constructor(
    private readonly ctx: ScriptContext,
    origin: ScriptOrigin,
    readonly start: number,
  ) {
    this.origin = { type: origin };
    this.sessionId = ctx.ids.session();
    this.telephonySessionId = ctx.ids.telephonySession(Math.floor(start / 1000) * 1000);
    this.hex = this.telephonySessionId.slice(2);
  }

  party(spec: PartySpec): ScriptedParty {
    const p = new ScriptedParty(this.parties.length + 1, this.hex, spec, partyEnd(spec.from), partyEnd(spec.to));
    this.parties.push(p);
    return p;
  }

  /** A status change of `party` at `time`; events at equal times keep the order they were emitted in. */
  emit(party: ScriptedParty, time: number, code: PartyStatusCode, change: StatusChange = {}): void {
    if (change.startRecording !== undefined) {
      party.recordings = [...(party.recordings ?? []), { id: change.startRecording, active: true }];
    }
    const status: TelephonyParty['status'] = { code, rcc: false };
    if (change.reason !== undefined) status.reason = change.reason;
    if (change.description !== undefined) status.description = change.description;
    if (change.peer) {
      const { session, party: peer } = change.peer;
      status.peerId = {
        sessionId: session.sessionId,
        telephonySessionId: session.telephonySessionId,
        partyId: peer.id,
      };
    }
    const body: TelephonyParty = {
      accountId: this.ctx.accountId,
      id: party.id,
      direction: party.spec.direction,
      from: party.from,
      to: party.to,
      status,
      missedCall: change.missedCall === true,
      standAlone: false,
      muted: false,
    };
    if (party.spec.extensionId !== undefined) body.extensionId = party.spec.extensionId;
    if (party.spec.queueCall) body.queueCall = true;
    if (party.spec.conferenceRole) body.conferenceRole = party.spec.conferenceRole;
    if (change.parkId !== undefined) body.park = { id: change.parkId };
    if (party.recordings) body.recordings = party.recordings;
    if (change.message) body.message = change.message;
    this.pending.push({
      sequence: 0,
      sessionId: this.sessionId,
      telephonySessionId: this.telephonySessionId,
      eventTime: '',
      origin: this.origin,
      parties: [body],
    });
    this.pendingTimes.push(time);
  }

  /** Draws the id of the record of this log, at the point of the scenario where its record is decided. */
  recordId(extensionId: string | null): void {
    this.recordIds.push([extensionId, this.ctx.ids.record()]);
  }

  message(type: 'VoiceMail' | 'Fax'): { id: string; type: 'VoiceMail' | 'Fax' } {
    return { id: this.ctx.ids.message(), type };
  }

  /**
   * A recording of `recordedMs` of talk ending at `endsAt`: 30 s or more draws an id and a delay for its file;
   * shorter ones are not kept. Returns the id the events list and when the recording starts.
   */
  recordTalk(recordedMs: number, endsAt: number): { id: string; since: number } {
    const seconds = Math.floor(recordedMs / 1000);
    const kept = seconds >= MIN_RECORDING_SECONDS;
    const id = kept ? this.ctx.ids.recording() : `${this.sessionId}0`;
    const readyDelay = kept ? this.ctx.rng.int(4000) : 0;
    this.recording = { id, kept, readyDelay };
    return { id, since: endsAt - Math.floor(recordedMs) };
  }

  /** The events, in time order, numbered from 2 as RingCentral numbers them. */
  events(): TelephonySessionEventBody[] {
    return this.timedEvents().events;
  }

  /**
   * The events and their times (epoch ms). `formatTimes: false` leaves eventTime empty: for events that only go
   * to the assembler with their times beside them (seed), formatting them would be wasted.
   */
  timedEvents(formatTimes = true): { events: TelephonySessionEventBody[]; times: number[] } {
    const t = this.pendingTimes;
    const order = this.pending.map((_, i) => i).sort((x, y) => t[x] - t[y] || x - y);
    const events = new Array<TelephonySessionEventBody>(order.length);
    const times = new Array<number>(order.length);
    for (let i = 0; i < order.length; i++) {
      const e = this.pending[order[i]];
      e.sequence = i + 2;
      if (formatTimes) e.eventTime = new Date(t[order[i]]).toISOString();
      events[i] = e;
      times[i] = t[order[i]];
    }
    return { events, times };
  }
}
