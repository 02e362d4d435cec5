// A telephony session's journal: its events (any order, duplicates) folded, in `sequence` order, into its
// parties, their status histories, recordings and messages. Pure: the assembler and the live views read it.

import {
  canonicalStatusCode,
  isTerminalStatus,
  type PartyStatusCode,
  type TelephonyParty,
  type TelephonyPartyEnd,
  type TelephonySessionEventBody,
} from '../domain/index.ts';

export interface StatusStep {
  code: PartyStatusCode;
  reason?: string;
  description?: string;
  /** eventTime, epoch ms. */
  time: number;
  sequence: number;
}

export interface PartyJournal {
  id: string;
  /** The sequence of the party's first event: parties are ordered by it. */
  firstSequence: number;
  /** The sequence of the party's newest event applied (a duplicate of it is skipped). */
  lastSequence: number;
  /** The party has been Answered at some point. */
  answered: boolean;
  extensionId?: string;
  accountId?: string;
  direction: 'Inbound' | 'Outbound';
  /** Newest non-empty fields of `from` / `to` (RingCentral enriches them as the call goes on). */
  from: TelephonyPartyEnd;
  to: TelephonyPartyEnd;
  queueCall: boolean;
  missedCall: boolean;
  /** Status changes in sequence order; nothing after the first terminal one. */
  steps: StatusStep[];
  /** Ids of the recordings listed on the party. */
  recordingIds: string[];
  message?: { id: string; type: 'VoiceMail' | 'Fax' };
  /** The party as its newest event showed it. */
  latest: TelephonyParty;
}

export interface RecordingSpan {
  id: string;
  /** When it was first listed active, and on which party. */
  since: number;
  partyId: string;
  /** First listed on the event that answered its party: recorded from the answer on (automatic recording). */
  automatic: boolean;
}

export interface SessionJournal {
  sessionId: string;
  telephonySessionId: string;
  origin: string;
  parties: PartyJournal[];
  recordings: Map<string, RecordingSpan>;
  minSequence: number;
  maxSequence: number;
  /** Distinct sequences seen. */
  sequences: number;
  firstTime: number;
  lastTime: number;
}

const bySequence = (a: TelephonySessionEventBody, b: TelephonySessionEventBody) => a.sequence - b.sequence;

function mergeEnd(target: TelephonyPartyEnd, source: TelephonyPartyEnd | undefined): TelephonyPartyEnd {
  if (!source) return target;
  let out = target;
  for (const key of ['phoneNumber', 'name', 'extensionId', 'deviceId', 'location'] as const) {
    const value = source[key];
    if (value !== undefined && value !== '' && value !== out[key]) {
      if (out === target) out = { ...target };
      out[key] = value;
    }
  }
  return out;
}

/** Folds one session's events into its journal. Events of other sessions must not be mixed in. */
export function buildJournal(events: readonly TelephonySessionEventBody[]): SessionJournal {
  if (events.length === 0) throw new RangeError('a session journal needs at least one event');
  const sorted = [...events].sort(bySequence);
  return foldSorted(
    sorted,
    sorted.map((e) => Date.parse(e.eventTime)),
  );
}

/**
 * buildJournal of events already in sequence order whose eventTimes are given as epoch ms in `times` (the
 * generator's scripts know them; this spares formatting and parsing them again).
 */
export function buildJournalOfSorted(
  events: readonly TelephonySessionEventBody[],
  times: readonly number[],
): SessionJournal {
  if (events.length === 0) throw new RangeError('a session journal needs at least one event');
  return foldSorted(events, times);
}

function foldSorted(sorted: readonly TelephonySessionEventBody[], times: readonly number[]): SessionJournal {
  const first = sorted[0];
  const j: SessionJournal = {
    sessionId: first.sessionId,
    telephonySessionId: first.telephonySessionId,
    origin: first.origin.type,
    parties: [],
    recordings: new Map(),
    minSequence: first.sequence,
    maxSequence: sorted[sorted.length - 1].sequence,
    sequences: 0,
    firstTime: Infinity,
    lastTime: -Infinity,
  };
  let lastSequence = NaN;
  for (let i = 0; i < sorted.length; i++) {
    const event = sorted[i];
    if (event.sequence !== lastSequence) {
      j.sequences++;
      lastSequence = event.sequence;
    }
    const time = times[i];
    if (time < j.firstTime) j.firstTime = time;
    if (time > j.lastTime) j.lastTime = time;
    for (const p of event.parties) {
      let party: PartyJournal | undefined;
      for (const known of j.parties) if (known.id === p.id) party = known;
      if (!party) {
        party = {
          id: p.id,
          firstSequence: event.sequence,
          lastSequence: NaN,
          direction: p.direction,
          from: {},
          to: {},
          queueCall: false,
          missedCall: false,
          answered: false,
          steps: [],
          recordingIds: [],
          latest: p,
        };
        j.parties.push(party);
      } else if (party.lastSequence === event.sequence) continue;
      party.lastSequence = event.sequence;
      applyParty(j, party, p, event.sequence, time);
    }
  }
  return j;
}

function applyParty(j: SessionJournal, party: PartyJournal, p: TelephonyParty, sequence: number, time: number): void {
  const last = party.steps[party.steps.length - 1];
  if (last && isTerminalStatus(last.code)) return;
  if (p.extensionId) party.extensionId = p.extensionId;
  if (p.accountId) party.accountId = p.accountId;
  party.direction = p.direction;
  if (p.from !== party.latest.from || party.steps.length === 0) party.from = mergeEnd(party.from, p.from);
  if (p.to !== party.latest.to || party.steps.length === 0) party.to = mergeEnd(party.to, p.to);
  if (p.queueCall) party.queueCall = true;
  if (p.missedCall) party.missedCall = true;
  if (p.message) party.message = p.message;
  party.latest = p;
  const code = canonicalStatusCode(p.status.code) ?? 'Setup';
  const firstAnswer = code === 'Answered' && !party.answered;
  if (firstAnswer) party.answered = true;
  if (!last || last.code !== code || code === 'Disconnected' || code === 'Gone') {
    const step: StatusStep = { code, time, sequence };
    if (p.status.reason !== undefined) step.reason = p.status.reason;
    if (p.status.description !== undefined) step.description = p.status.description;
    party.steps.push(step);
  }
  if (p.recordings) {
    for (const r of p.recordings) {
      if (!party.recordingIds.includes(r.id)) party.recordingIds.push(r.id);
      if (r.active && !j.recordings.has(r.id)) {
        j.recordings.set(r.id, { id: r.id, since: time, partyId: party.id, automatic: firstAnswer });
      }
    }
  }
}

/** The party's terminal step, if it has one. */
export function terminalStep(p: PartyJournal): StatusStep | undefined {
  const last = p.steps[p.steps.length - 1];
  return last && isTerminalStatus(last.code) ? last : undefined;
}

/**
 * Whether the whole session is over: every party has ended, and its sequences run without a gap from the first
 * event RingCentral numbers (2, or 1) to the newest, so no event still on its way can add a party.
 */
export function isSessionComplete(j: SessionJournal): boolean {
  if (!j.parties.every((p) => terminalStep(p) !== undefined)) return false;
  return j.minSequence <= 2 && j.sequences === j.maxSequence - j.minSequence + 1;
}

/** Every party has ended, though events may still be missing (gaps in the sequences). */
export const allPartiesEnded = (j: SessionJournal): boolean => j.parties.every((p) => terminalStep(p) !== undefined);
