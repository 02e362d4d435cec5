// The session assembler: a finished telephony session's journal turned into its call-log records (one per
// extension involved plus the company record) with legs, results, reasons, billing and recordings. Pure; the one
// place records of calls are built (seed, the live simulator and the ingest endpoint all come through here).
// The rules are docs/telephony-events.md's; telephony-to-call-log.md is the reference they follow.

import {
  MIN_RECORDING_SECONDS,
  NO_BILLING,
  TRANSFER_REASONS,
  PARK_REASONS,
  type CallLogLeg,
  type CallLogRecord,
  type CallType,
  type InternalType,
  type LegType,
  type MessageRef,
  type NumberPlan,
  type PartyInfo,
  type Reason,
  type RecordingMeta,
  type Result,
  type TelephonyPartyEnd,
  type Action,
} from '../domain/index.ts';
import {
  buildLeg,
  buildRecord,
  recordingMeta,
  wholeSecond,
  type LegSpec,
  type RecordingMark,
  type RecordSpec,
} from './call-log-spec.ts';
import { terminalStep, type PartyJournal, type SessionJournal } from './session-journal.ts';

export interface DirectoryEntry {
  extensionNumber: string;
  name: string;
  /** `User`, `Department` (a call queue), ... */
  type: string;
}

export interface AssemblyContext {
  accountId: string;
  /** The account's extension with this id, if known. */
  extension(extensionId: string): DirectoryEntry | undefined;
  /** The id of the record for this log (extensionId null = the company log) of the session being assembled. */
  recordId(extensionId: string | null): string;
  numberPlan: NumberPlan;
  /** lastModifiedTime of the records built. */
  modifiedAt: number;
}

export interface AssembledCall {
  /** Extension records in the order the extensions joined the call, the company record last. */
  records: CallLogRecord[];
  /** Recordings kept (30 s or more); createdAt is a second after the recording ended. */
  recordings: RecordingMeta[];
  /** When the call ended (epoch ms). */
  end: number;
}

interface Outcome {
  result: Result;
  reason?: Reason;
}

/** The span of an outside call into the company, from the caller's party: the master leg's and the record's. */
function inboundCallSpan(
  caller: CallerSide,
  result: Result,
  from: PartyInfo,
  dialed: PartyInfo,
  internalType: InternalType | undefined,
) {
  const { start, end } = caller;
  return {
    start,
    end,
    direction: 'Inbound',
    action: 'Phone Call',
    result,
    from,
    to: dialed,
    transport: 'PSTN',
    internalType,
  } as const;
}

/** Time facts of one party, from its status history. */
interface PartyFacts {
  party: PartyJournal;
  start: number;
  end: number;
  answeredAt?: number;
  answerDescription?: string;
  voicemail: boolean;
  endReason?: string;
  endDescription?: string;
  /** Inbound calls: what the party is to the call, whether its extension is a call queue, answered anywhere. */
  role?: Role;
  queue?: boolean;
  extensionAnswered?: boolean;
  leg?: CallLogLeg;
}

function facts(p: PartyJournal, closedAt: number, openUntil: number | undefined): PartyFacts {
  const first = p.steps[0];
  const terminal = terminalStep(p);
  const f: PartyFacts = {
    party: p,
    start: first ? first.time : closedAt,
    end: terminal ? terminal.time : (openUntil ?? Math.min(closedAt, p.steps[p.steps.length - 1]?.time ?? closedAt)),
    voicemail: false,
  };
  for (const s of p.steps) {
    if (s.code === 'Answered' && f.answeredAt === undefined) {
      f.answeredAt = s.time;
      if (s.description !== undefined) f.answerDescription = s.description;
    }
    if (s.code === 'VoiceMail' || s.code === 'VoiceMailScreening') f.voicemail = true;
  }
  if (terminal?.reason !== undefined) f.endReason = terminal.reason;
  if (terminal?.description !== undefined) f.endDescription = terminal.description;
  return f;
}

type Role = 'main' | 'findMe' | 'hunting' | 'transfer' | 'pickup';

/** The outside caller of an inbound call: its party's times and ends, or derived when the stream lacks it. */
interface CallerSide {
  start: number;
  end: number;
  endReason?: string;
  from: TelephonyPartyEnd;
  to: TelephonyPartyEnd;
}

/** Results of an outside callee that never answered, by its end reason. */
const CALLEE_FAILURES: Record<string, Result> = {
  NoAnswer: 'No Answer',
  Timeout: 'No Answer',
  TargetBusy: 'Busy',
  Rejected: 'Rejected',
  InvalidNumber: 'Wrong Number',
  NoSuchUser: 'Wrong Number',
  InternationalDisabled: 'International Disabled',
  InternalError: 'Call Failed',
  Cancelled: 'Hang Up',
};

const FAX_RESULTS: ReadonlySet<string> = new Set([
  'Received',
  'Partial Receive',
  'Receive Error',
  'Sent',
  'Send Error',
  'Fax Partially Sent',
  'Fax Not Sent',
  'Fax Poor Line',
]);

/** The leg and action of a user who picks up a parked call, by the parker's end reason. */
const PICKUP: Record<string, { action: Action; legType: LegType }> = {
  CallPark: { action: 'Call Park', legType: 'CallPark' },
  ParkLocation: { action: 'Park Location', legType: 'ParkLocation' },
};

/** A call queue's result: taken by an agent, voicemail, or the caller gave up. */
function queueOutcome(f: PartyFacts, agentAnswered: boolean): Outcome {
  if (agentAnswered || f.answeredAt !== undefined) return { result: 'Accepted' };
  if (f.voicemail) return { result: f.party.message ? 'Voicemail' : 'Missed' };
  return { result: 'Abandoned' };
}

/** The result of one extension party of an inbound call (its leg's result). */
function partyOutcome(f: PartyFacts, agentAnswered: boolean): Outcome {
  if (f.queue && f.role === 'main') return queueOutcome(f, agentAnswered);
  if (f.answeredAt !== undefined) return { result: f.role === 'findMe' ? 'Call connected' : 'Accepted' };
  if (f.role === 'findMe')
    return f.extensionAnswered ? { result: 'No Answer', reason: 'Stopped' } : { result: 'No Answer' };
  if (f.voicemail) return { result: f.party.message ? 'Voicemail' : 'Missed' };
  if (f.endReason === 'Rejected') return { result: 'Rejected' };
  if (f.extensionAnswered) return { result: 'Missed', reason: 'Stopped' };
  if (f.role === 'hunting')
    return f.endReason === 'Cancelled' ? { result: 'Missed', reason: 'Hang Up' } : { result: 'Missed' };
  // RingCentral flagged the party missed and it ended without a reason (rang out, or the caller left unseen).
  if (f.party.missedCall && f.endReason === undefined) return { result: 'Missed' };
  return { result: 'Hang Up' };
}

/** The result of an extension over all its parties (desk phone and FindMe mobile): answered on any, else its first. */
function extensionOutcome(list: PartyFacts[], agentAnswered: boolean): Outcome {
  const main = list[0];
  if (main.queue) return queueOutcome(main, agentAnswered);
  for (const f of list) if (f.answeredAt !== undefined) return { result: 'Accepted' };
  return partyOutcome(main, agentAnswered);
}

/** Builds the records of one session; the journal's parties must have ended (or the session is being closed). */
class Assembly {
  readonly legs: CallLogLeg[] = [];
  readonly records: CallLogRecord[] = [];
  readonly recordings: RecordingMeta[] = [];
  private readonly marks = new Map<string, RecordingMark>();
  private readonly type: CallType;
  private readonly facts: PartyFacts[];

  constructor(
    private readonly j: SessionJournal,
    private readonly ctx: AssemblyContext,
    private readonly closedAt: number,
    openUntil: number | undefined,
  ) {
    this.type = j.origin === 'Fax' ? 'Fax' : 'Voice';
    this.facts = j.parties.map((p) => facts(p, closedAt, openUntil));
  }

  f(p: PartyJournal): PartyFacts {
    const i = this.j.parties.indexOf(p);
    return this.facts[i];
  }

  info(end: TelephonyPartyEnd, keepPhone = true): PartyInfo {
    const info: PartyInfo = {};
    const phone = end.phoneNumber;
    if (end.extensionId !== undefined) {
      if (keepPhone && phone !== undefined && phone.startsWith('+')) info.phoneNumber = phone;
      const ext = this.ctx.extension(end.extensionId);
      const number = ext?.extensionNumber ?? (phone !== undefined && !phone.startsWith('+') ? phone : undefined);
      if (number !== undefined) info.extensionNumber = number;
      info.extensionId = end.extensionId;
      const name = end.name ?? ext?.name;
      if (name !== undefined) info.name = name;
      return info;
    }
    if (phone !== undefined) info.phoneNumber = phone;
    if (end.location !== undefined) info.location = end.location;
    if (end.name !== undefined) info.name = end.name;
    return info;
  }

  internalType(end: TelephonyPartyEnd): InternalType | undefined {
    return end.phoneNumber === undefined ? undefined : this.ctx.numberPlan.internalType(end.phoneNumber);
  }

  /** The recording of a party (the first listed), applying the 30 s rule; null when none. */
  mark(p: PartyJournal): RecordingMark | null {
    for (const id of p.recordingIds) {
      const mark = this.recordingMark(id);
      if (mark) return mark;
    }
    return null;
  }

  private recordingMark(id: string): RecordingMark | null {
    const known = this.marks.get(id);
    if (known) return known;
    const span = this.j.recordings.get(id);
    if (!span) return null;
    let end = this.closedAt;
    for (const p of this.j.parties) if (p.id === span.partyId) end = this.f(p).end;
    const seconds = Math.floor(Math.max(0, end - span.since) / 1000);
    let mark: RecordingMark;
    if (seconds < MIN_RECORDING_SECONDS) mark = { shortRecording: true };
    else {
      const type = span.automatic ? 'Automatic' : 'OnDemand';
      mark = { recording: { id, type } };
      this.recordings.push(recordingMeta(id, this.ctx.accountId, type, seconds, wholeSecond(end) + 1000));
    }
    this.marks.set(id, mark);
    return mark;
  }

  /** The first recording anywhere in the session. */
  sessionMark(): RecordingMark | null {
    for (const p of this.j.parties) {
      const mark = this.mark(p);
      if (mark) return mark;
    }
    return null;
  }

  leg(spec: LegSpec): CallLogLeg {
    const leg = buildLeg(this.type, this.j.telephonySessionId, spec);
    this.legs.push(leg);
    return leg;
  }

  record(spec: RecordSpec): CallLogRecord {
    const { sessionId, telephonySessionId } = this.j;
    const id = this.ctx.recordId(spec.extensionId);
    const head = { id, accountId: this.ctx.accountId, sessionId, telephonySessionId, type: this.type };
    const record = buildRecord({ ...head, lastModifiedTime: this.ctx.modifiedAt }, spec);
    this.records.push(record);
    return record;
  }

  /** An extension's record and the company record, both with the same fields and legs. */
  ownerAndCompany(owner: string | undefined, spec: Omit<RecordSpec, 'extensionId' | 'owner'>): void {
    if (owner !== undefined) this.record({ ...spec, extensionId: owner, owner });
    this.record({ ...spec, extensionId: null, owner });
  }

  isQueue(extensionId: string | undefined): boolean {
    return extensionId !== undefined && this.ctx.extension(extensionId)?.type === 'Department';
  }

  build(): void {
    const [first, second] = this.j.parties;
    if (this.type === 'Fax') return this.fax(first, second);
    if (this.j.origin === 'Conference' && first.extensionId !== undefined) return this.conference(first);
    if (this.j.origin === 'RingOut' && first.extensionId !== undefined) return this.ringOut(first, second);
    if (first.extensionId === undefined) {
      const { start, end, endReason } = this.f(first);
      return this.inbound({ start, end, endReason, from: first.from, to: first.to });
    }
    // An extension-level stream (only the account's own parties): an extension's Inbound party called from a
    // number that is not an extension is an inbound call whose caller is implicit.
    if (first.direction === 'Inbound' && first.from.extensionId === undefined)
      return this.inbound(this.implicitCaller(first));
    // The callee's half of an internal call (its extension-level stream): the caller's party is implicit.
    if (first.direction === 'Inbound') return this.internal(undefined, first);
    if (second?.extensionId !== undefined) return this.internal(first, second);
    return this.outbound(first, second);
  }

  /**
   * The caller of an inbound call seen without its party: calling from the first extension party's `from` to its
   * `to`, on the call from the first extension party's start to the last one's end.
   */
  private implicitCaller(first: PartyJournal): CallerSide {
    let start = Infinity;
    let end = -Infinity;
    for (const f of this.facts) {
      if (f.party.extensionId === undefined) continue;
      start = Math.min(start, f.start);
      end = Math.max(end, f.end);
    }
    return { start, end, from: first.from, to: first.to };
  }

  /** A call from outside into the company: the caller (its party first, or implicit), then the extensions reached. */
  private inbound(caller: CallerSide): void {
    const from = this.info(caller.from);
    const internalType = this.internalType(caller.from);
    const extParties: PartyFacts[] = [];
    let transferSequence = Infinity;
    let park: { sequence: number; reason: string } | undefined;
    let agentAnswered = false;
    for (const p of this.j.parties) {
      if (p.extensionId === undefined) continue;
      const f = this.f(p);
      f.role =
        p.direction === 'Outbound'
          ? 'findMe'
          : p.queueCall
            ? 'hunting'
            : park !== undefined && p.firstSequence > park.sequence
              ? 'pickup'
              : p.firstSequence > transferSequence
                ? 'transfer'
                : 'main';
      f.queue = this.isQueue(p.extensionId);
      if (f.role === 'hunting' && f.answeredAt !== undefined) agentAnswered = true;
      const end = terminalStep(p);
      if (end?.reason !== undefined && TRANSFER_REASONS.has(end.reason) && end.sequence < transferSequence)
        transferSequence = end.sequence;
      if (end?.reason !== undefined && PARK_REASONS.has(end.reason) && (park?.sequence ?? Infinity) > end.sequence)
        park = { sequence: end.sequence, reason: end.reason };
      extParties.push(f);
    }
    const reached = caller.to.extensionId ?? extParties[0]?.party.extensionId;
    const dialedEnd: TelephonyPartyEnd =
      caller.to.extensionId === undefined && reached !== undefined ? { ...caller.to, extensionId: reached } : caller.to;
    const dialed = this.info(dialedEnd);

    if (extParties.length === 0) {
      const result: Result = caller.endReason === 'DestinationBlocked' ? 'Blocked' : 'Hang Up';
      const leg = this.leg({ ...this.masterSpec(caller, result, from, dialed, internalType), extensionId: reached });
      this.ownerAndCompany(reached, { ...inboundCallSpan(caller, result, from, dialed, internalType), legs: [leg] });
      return;
    }

    for (const f of extParties) f.extensionAnswered = this.extensionAnswered(extParties, f.party.extensionId);
    const reachedParties = extParties.filter((f) => f.party.extensionId === reached);
    const reachedOutcome = extensionOutcome(reachedParties.length ? reachedParties : [extParties[0]], agentAnswered);
    const master = this.leg({
      ...this.masterSpec(caller, reachedOutcome.result, from, dialed, internalType),
      extensionId: reached,
    });
    for (const f of extParties) {
      const p = f.party;
      const outcome = partyOutcome(f, agentAnswered);
      const mark = this.mark(p);
      const common = { start: f.start, end: f.end, ...outcome, from, extensionId: p.extensionId };
      if (f.role === 'findMe') {
        f.leg = this.leg({
          ...common,
          direction: 'Outbound',
          action: 'FindMe',
          to: this.info(p.to),
          transport: 'PSTN',
          legType: 'FindMe',
          billing: NO_BILLING,
          mark: f.answeredAt !== undefined ? mark : null,
        });
        continue;
      }
      const parked = f.role === 'pickup' ? PICKUP[park?.reason ?? 'ParkLocation'] : undefined;
      f.leg = this.leg({
        ...common,
        direction: 'Inbound',
        action: f.role === 'transfer' ? 'Transfer' : 'Phone Call',
        to: this.info(p.to, false),
        transport: 'VoIP',
        legType:
          parked?.legType ?? (f.role === 'transfer' ? 'TransferCall' : f.role === 'hunting' ? 'Hunting' : 'PstnToSip'),
        mark: f.queue ? null : mark,
        message: p.message,
      });
    }
    const done = new Set<string>();
    for (const first of extParties) {
      const extensionId = first.party.extensionId as string;
      if (done.has(extensionId)) continue;
      done.add(extensionId);
      const list = extParties.filter((f) => f.party.extensionId === extensionId);
      const outcome =
        list.length === 1 && !first.queue ? partyOutcome(first, agentAnswered) : extensionOutcome(list, agentAnswered);
      let start = Infinity;
      let end = -Infinity;
      const legs = [master];
      let message: MessageRef | undefined;
      let mark: RecordingMark | null = null;
      for (const f of list) {
        if (f.start < start) start = f.start;
        if (f.end > end) end = f.end;
        legs.push(f.leg as CallLogLeg);
        message ??= f.party.message;
        mark ??= this.mark(f.party);
      }
      this.record({
        extensionId,
        owner: extensionId,
        start,
        end,
        direction: 'Inbound',
        action:
          first.role === 'pickup'
            ? PICKUP[park?.reason ?? 'ParkLocation'].action
            : first.role === 'transfer'
              ? 'Transfer'
              : 'Phone Call',
        result: outcome.result,
        reason: outcome.reason,
        from,
        to: first.role === 'hunting' ? dialed : this.info(first.party.to),
        transport: 'PSTN',
        internalType,
        legs,
        message,
        mark,
      });
    }
    let message: MessageRef | undefined;
    for (const f of reachedParties) message ??= f.party.message;
    this.record({
      extensionId: null,
      owner: reached,
      start: caller.start,
      end: caller.end,
      direction: 'Inbound',
      action: 'Phone Call',
      result: reachedOutcome.result,
      from,
      to: dialed,
      transport: 'PSTN',
      internalType,
      legs: this.legs,
      message,
      mark: this.sessionMark(),
    });
  }

  private extensionAnswered(parties: PartyFacts[], extensionId: string | undefined): boolean {
    for (const f of parties) if (f.party.extensionId === extensionId && f.answeredAt !== undefined) return true;
    return false;
  }

  private masterSpec(
    caller: CallerSide,
    result: Result,
    from: PartyInfo,
    dialed: PartyInfo,
    internalType: InternalType | undefined,
  ): LegSpec {
    const span = inboundCallSpan(caller, result, from, dialed, internalType);
    return { ...span, legType: 'Accept', master: true, billing: NO_BILLING };
  }

  /** A user calls an outside number: the user's party first, then the callee's. */
  private outbound(userParty: PartyJournal, calleeParty: PartyJournal | undefined): void {
    const user = this.f(userParty);
    const callee = calleeParty ? this.f(calleeParty) : undefined;
    const answeredAt = callee?.answeredAt ?? user.answeredAt;
    let outcome: Outcome;
    if (answeredAt !== undefined) {
      outcome =
        callee?.answerDescription === 'Connected'
          ? { result: 'Call connected', reason: 'Connected' }
          : { result: 'Call connected' };
    } else {
      outcome = { result: CALLEE_FAILURES[callee?.endReason ?? ''] ?? 'Hang Up' };
    }
    const toEnd = userParty.to.phoneNumber !== undefined ? userParty.to : (calleeParty?.to ?? userParty.to);
    const phone = toEnd.phoneNumber ?? '';
    const billing = answeredAt !== undefined ? this.ctx.numberPlan.billing(phone, user.end - answeredAt) : NO_BILLING;
    const common = {
      start: user.start,
      end: user.end,
      direction: 'Outbound',
      result: outcome.result,
      reason: outcome.reason,
      from: this.info(userParty.from),
      to: this.info(toEnd),
      transport: 'PSTN',
      internalType: this.internalType(toEnd),
      billing,
      mark: this.mark(userParty),
    } as const;
    const leg = this.leg({
      ...common,
      action: 'VoIP Call',
      extensionId: userParty.extensionId,
      master: true,
      legType: this.ctx.numberPlan.tollFree(phone) ? 'SipToPstnUnmetered' : 'SipToPstnMetered',
    });
    this.ownerAndCompany(userParty.extensionId, { ...common, action: 'VoIP Call', legs: [leg] });
  }

  /**
   * One extension calls another (VoIP only). Without the caller's party (the callee's extension-level stream) the
   * caller is the callee's `from`, on the call for the callee's time; only the records of the extensions seen
   * (the callee's) and the company's are built.
   */
  private internal(callerParty: PartyJournal | undefined, calleeParty: PartyJournal): void {
    const callee = this.f(calleeParty);
    const caller = callerParty ? this.f(callerParty) : callee;
    const callerFrom = callerParty?.from ?? calleeParty.from;
    const callerTo = callerParty?.to ?? calleeParty.to;
    let calleeOutcome: Outcome;
    if (callee.answeredAt !== undefined) calleeOutcome = { result: 'Accepted' };
    else if (callee.voicemail) calleeOutcome = { result: calleeParty.message ? 'Voicemail' : 'Missed' };
    else if (callee.endReason === 'Rejected') calleeOutcome = { result: 'Rejected' };
    else calleeOutcome = { result: 'Hang Up' };
    const callerOutcome: Outcome =
      calleeOutcome.result === 'Accepted'
        ? { result: 'Call connected' }
        : calleeOutcome.result === 'Voicemail'
          ? { result: 'Call connected', reason: 'Connected' }
          : calleeOutcome.result === 'Missed'
            ? { result: 'No Answer' }
            : { result: calleeOutcome.result };
    const from = this.info(callerFrom);
    const to = this.info(callerTo.extensionId !== undefined ? callerTo : calleeParty.to);
    const callerSide = {
      start: caller.start,
      end: caller.end,
      direction: 'Outbound',
      action: 'VoIP Call',
      result: callerOutcome.result,
      reason: callerOutcome.reason,
      from,
      to,
      transport: 'VoIP',
    } as const;
    const calleeSide = {
      ...callerSide,
      start: callee.start,
      end: callee.end,
      direction: 'Inbound',
      result: calleeOutcome.result,
      reason: undefined,
      message: calleeParty.message,
    } as const;
    const callerId = (callerParty?.extensionId ?? callerFrom.extensionId) as string;
    const calleeId = calleeParty.extensionId as string;
    const master = this.leg({ ...callerSide, extensionId: callerId, legType: 'ExtensionToExtension', master: true });
    const calleeLeg = this.leg({ ...calleeSide, extensionId: calleeId, legType: 'ExtensionToExtension' });
    if (callerParty) this.record({ ...callerSide, extensionId: callerId, owner: callerId, legs: [master] });
    this.record({ ...calleeSide, extensionId: calleeId, owner: calleeId, legs: [master, calleeLeg] });
    this.record({ ...callerSide, extensionId: null, owner: callerId, legs: this.legs });
  }

  /**
   * A conference (origin `Conference`): the host's party first, then the participants it called. The host's record
   * and the company's have a `ConferenceCall` leg per party; a participant that is a user gets its own `Inbound`
   * record with the host's leg and its own.
   */
  private conference(hostParty: PartyJournal): void {
    const host = this.f(hostParty);
    const hostId = hostParty.extensionId as string;
    const from = this.info(hostParty.from);
    const participants = this.facts.filter((f) => f.party !== hostParty);
    const hostSide = {
      start: host.start,
      end: host.end,
      direction: 'Outbound',
      action: 'Conference Call',
      result: participants.some((f) => f.answeredAt !== undefined) ? 'Call connected' : 'No Answer',
      from,
      to: this.info(hostParty.to),
      transport: 'PSTN',
    } as const;
    const master = this.leg({
      ...hostSide,
      action: 'VoIP Call',
      extensionId: hostId,
      legType: 'ConferenceCall',
      master: true,
    });
    for (const f of participants) {
      const p = f.party;
      const answered = f.answeredAt !== undefined;
      f.leg = this.leg({
        start: f.start,
        end: f.end,
        direction: 'Outbound',
        action: 'VoIP Call',
        result: answered ? 'Call connected' : (CALLEE_FAILURES[f.endReason ?? ''] ?? 'Hang Up'),
        from,
        to: this.info(p.to),
        transport: p.extensionId === undefined ? 'PSTN' : 'VoIP',
        internalType: p.extensionId === undefined ? this.internalType(p.to) : undefined,
        legType: 'ConferenceCall',
        extensionId: p.extensionId ?? hostId,
      });
    }
    for (const f of participants) {
      const extensionId = f.party.extensionId;
      if (extensionId === undefined) continue;
      this.record({
        start: f.start,
        end: f.end,
        direction: 'Inbound',
        action: 'Conference Call',
        result: f.answeredAt !== undefined ? 'Accepted' : 'Missed',
        from,
        to: this.info(f.party.to),
        transport: 'VoIP',
        extensionId,
        owner: extensionId,
        legs: [master, f.leg as CallLogLeg],
      });
    }
    this.record({ ...hostSide, extensionId: hostId, owner: hostId, legs: [...this.legs] });
    this.record({ ...hostSide, extensionId: null, owner: hostId, legs: this.legs });
  }

  /**
   * RingOut (origin `RingOut`): the user's party rings the user's own phone, then the callee's (outside) party is
   * called. Legs: `RingOutWebToSubscriber` (master: the user's party, to the user's phone), then
   * `RingOutWebToCaller` (the callee's party); the record runs from user to callee with the callee's result.
   */
  private ringOut(userParty: PartyJournal, calleeParty: PartyJournal | undefined): void {
    const user = this.f(userParty);
    const callee = calleeParty ? this.f(calleeParty) : undefined;
    const failed = (reason: string | undefined): Result => CALLEE_FAILURES[reason ?? ''] ?? 'Hang Up';
    const result: Result =
      callee === undefined
        ? failed(user.endReason)
        : callee.answeredAt !== undefined
          ? 'Call connected'
          : failed(callee.endReason);
    const from = this.info(userParty.from);
    const toEnd = calleeParty?.to ?? userParty.to;
    const phone = toEnd.phoneNumber ?? '';
    const billing =
      callee?.answeredAt !== undefined
        ? this.ctx.numberPlan.billing(phone, callee.end - callee.answeredAt)
        : NO_BILLING;
    const common = { direction: 'Outbound', action: 'RingOut Web', from, transport: 'PSTN' } as const;
    const legs = [
      this.leg({
        ...common,
        start: user.start,
        end: user.end,
        result: user.answeredAt !== undefined ? 'Call connected' : failed(user.endReason),
        to: this.info(userParty.to),
        internalType: this.internalType(userParty.to),
        legType: 'RingOutWebToSubscriber',
        extensionId: userParty.extensionId,
        master: true,
      }),
    ];
    if (callee && calleeParty)
      legs.push(
        this.leg({
          ...common,
          start: callee.start,
          end: callee.end,
          result,
          to: this.info(calleeParty.to),
          internalType: this.internalType(calleeParty.to),
          billing,
          legType: 'RingOutWebToCaller',
          extensionId: userParty.extensionId,
        }),
      );
    this.ownerAndCompany(userParty.extensionId, {
      ...common,
      start: user.start,
      end: user.end,
      result,
      to: this.info(toEnd),
      internalType: this.internalType(toEnd),
      billing,
      legs,
    });
  }

  /** A fax: the transmission's result comes in the final status's description (docs/telephony-events.md). */
  private fax(first: PartyJournal, second: PartyJournal | undefined): void {
    const inbound = first.extensionId === undefined;
    const user = inbound ? second : first;
    const other = inbound ? first : second;
    if (!user) return;
    const session = this.f(first);
    const userFacts = this.f(user);
    const described = userFacts.endDescription;
    const result: Result =
      described !== undefined && FAX_RESULTS.has(described)
        ? (described as Result)
        : inbound
          ? user.message
            ? 'Received'
            : 'Receive Error'
          : user.message
            ? 'Sent'
            : 'Send Error';
    const outsideEnd = inbound ? (other?.from ?? {}) : user.to;
    const common = {
      start: session.start,
      end: session.end,
      direction: inbound ? 'Inbound' : 'Outbound',
      action: inbound ? 'Incoming Fax' : 'Outgoing Fax',
      result,
      from: inbound ? this.info(outsideEnd) : this.info(user.from),
      to: inbound ? this.info(user.to) : this.info(outsideEnd),
      transport: 'PSTN',
      internalType: this.internalType(outsideEnd),
      billing: NO_BILLING,
      message: user.message,
    } as const;
    const leg = this.leg({
      ...common,
      extensionId: user.extensionId,
      legType: inbound ? 'Accept' : 'FaxSent',
      master: true,
    });
    this.ownerAndCompany(user.extensionId, { ...common, legs: [leg] });
  }
}

/**
 * The finished call's records. `closedAt` is when the session was closed: parties that never ended (their events
 * stopped) are taken to have hung up at their last event, or at `closedAt` if earlier. `openUntil` instead lets
 * parties still on the call run until then (the live view of a call in progress).
 */
export function assembleCall(
  j: SessionJournal,
  ctx: AssemblyContext,
  closedAt = j.lastTime,
  openUntil?: number,
): AssembledCall {
  const assembly = new Assembly(j, ctx, closedAt, openUntil);
  if (j.parties.length > 0) assembly.build();
  let end = -Infinity;
  for (const r of assembly.records) end = Math.max(end, r.startTime + r.durationMs);
  return { records: assembly.records, recordings: assembly.recordings, end: Number.isFinite(end) ? end : j.lastTime };
}
