// TEST ORACLE (kept only for the assembler equivalence test, src/generator/traffic-scripts.test.ts): how
// records were built directly before scenarios became event scripts. Nothing outside tests may import it.
// The call scenarios generated traffic is made of: inbound calls to users (FindMe, voicemail, transfers),
// call-queue hunting, blocked callers, outbound and internal calls, and faxes, each played as one session.

import {
  NO_BILLING,
  type Billing,
  type CallLogLeg,
  type MessageRef,
  type PartyInfo,
  type Result,
} from '../domain/index.ts';
import { type LegSpec, type RecordingMark, type RecordSpec } from '../telephony/index.ts';
import { GeneratedSession, type SessionContext } from './generated-session.oracle.ts';
import { drawMs } from './session-script.ts';
import {
  FAX_RESULTS_WITH_MESSAGE,
  FIND_ME_MOBILE_ANSWER_SHARE,
  OUTBOUND_REACHED_VOICEMAIL_SHARE,
  QUEUE_MEMBERS_RUNG_BEFORE_VOICEMAIL,
  TIMES,
  TRANSFER_SHARE,
  type Scenario,
} from './traffic-mix.ts';
import {
  attempt,
  choice,
  drawFax,
  drawInternalCall,
  faxEnd,
  drawDirectCall,
  drawOutboundCall,
  drawQueueCall,
  drawTransfer,
  huntOrder,
  OUTBOUND_FAILURES,
  recordedTalk,
  talkMs,
} from './traffic-draws.ts';
import type { OutsideNumber, TrafficWorld, UserLine } from './traffic-parties.ts';

export interface ScenarioContext extends SessionContext {
  world: TrafficWorld;
}

/** The scenarios the generator had before they became event scripts (the later ones have no oracle). */
const PLAYS = {
  inboundDirect,
  inboundQueue,
  inboundBlocked,
  outbound,
  internal,
  faxIn,
  faxOut,
} satisfies Partial<Record<Scenario, (c: ScenarioContext, start: number) => GeneratedSession>>;

export type OracleScenario = keyof typeof PLAYS;
export const ORACLE_SCENARIOS = Object.keys(PLAYS) as OracleScenario[];

/** Automatic recording for auto-recorded lines, else occasionally an on-demand one over part of the talk. */
function recordAnswered(
  c: ScenarioContext,
  s: GeneratedSession,
  auto: boolean,
  talkStart: number,
  talk: number,
): RecordingMark | null {
  const part = recordedTalk(c.rng, auto, talk);
  return part && s.recordTalk(part.type, part.ms, talkStart + talk);
}

function callCost(callee: OutsideNumber, talk: number): Billing {
  if (callee.ratePerMinute === 0) return NO_BILLING;
  const cost = Math.ceil(talk / 60_000) * callee.ratePerMinute;
  return { costIncluded: 0, costPurchased: Math.round(cost * 1000) / 1000 };
}

/** The master leg of a call from outside: PSTN, accepted by the account for the first extension it reaches. */
function inboundMaster(
  start: number,
  result: Result,
  caller: OutsideNumber,
  dialed: PartyInfo,
  extensionId: string,
): LegSpec {
  return {
    start,
    end: start,
    direction: 'Inbound',
    action: 'Phone Call',
    result,
    from: caller.party,
    to: dialed,
    extensionId,
    transport: 'PSTN',
    legType: 'Accept',
    master: true,
    internalType: caller.internalType,
    billing: NO_BILLING,
  };
}

/** The owner's record and the company-level record of a session with a single extension. */
function ownerAndCompany(s: GeneratedSession, owner: string, spec: Omit<RecordSpec, 'extensionId' | 'owner'>): void {
  s.record({ ...spec, extensionId: owner, owner });
  s.record({ ...spec, extensionId: null, owner });
}

/** A record of a call from an outside caller: inbound over PSTN, a phone call unless `spec` says otherwise. */
function recordFromOutside(
  s: GeneratedSession,
  caller: OutsideNumber,
  spec: Omit<RecordSpec, 'direction' | 'from' | 'transport' | 'internalType' | 'action'> & Partial<RecordSpec>,
): void {
  s.record({
    direction: 'Inbound',
    action: 'Phone Call',
    from: caller.party,
    transport: 'PSTN',
    internalType: caller.internalType,
    ...spec,
  });
}

/** Inbound call to a user's direct number or through the main number: desk phone, FindMe mobile, voicemail, transfer. */
function inboundDirect(c: ScenarioContext, start: number): GeneratedSession {
  const { rng } = c;
  const { user, caller, dialed, outcome } = drawDirectCall(c, start);
  const s = new GeneratedSession(c, 'Voice', start);
  const master = s.leg(inboundMaster(start, outcome, caller, dialed, user.id));
  const { ringMs, afterMs } = attempt(rng, outcome);
  const answeredAt = start + ringMs;
  const userEnd = answeredAt + afterMs;
  const answered = outcome === 'Accepted';
  const onMobile = answered && user.findMe !== null && rng.chance(FIND_ME_MOBILE_ANSWER_SHARE);
  const mark = answered ? recordAnswered(c, s, user.autoRecord, answeredAt, afterMs) : null;
  const message = outcome === 'Voicemail' ? s.message('VoiceMail') : undefined;
  const legs = [
    master,
    s.leg({
      start,
      end: onMobile ? answeredAt : userEnd,
      direction: 'Inbound',
      action: 'Phone Call',
      result: onMobile ? 'Missed' : outcome,
      reason: onMobile ? 'Stopped' : undefined,
      from: caller.party,
      to: user.party,
      extensionId: user.id,
      transport: 'VoIP',
      legType: 'PstnToSip',
      mark: onMobile ? null : mark,
      message,
    }),
  ];
  if (user.findMe)
    legs.push(findMeLeg(c, s, user, user.findMe, caller, { start, answeredAt, userEnd, answered, onMobile, mark }));
  recordFromOutside(s, caller, {
    extensionId: user.id,
    owner: user.id,
    start,
    end: userEnd,
    result: outcome,
    to: dialed,
    legs,
    message,
    mark,
  });
  const end = answered && rng.chance(TRANSFER_SHARE) ? transfer(c, s, caller, [user], userEnd) : userEnd;
  s.settleLeg(master, start, end, outcome);
  companyRecord(s, user.id, { start, end, result: outcome, caller, dialed, message, mark });
  return s;
}

interface FindMeTimes {
  start: number;
  answeredAt: number;
  userEnd: number;
  answered: boolean;
  onMobile: boolean;
  mark: RecordingMark | null;
}

/** The FindMe leg ringing the user's mobile alongside the desk phone. */
function findMeLeg(
  c: ScenarioContext,
  s: GeneratedSession,
  user: UserLine,
  mobile: PartyInfo,
  caller: OutsideNumber,
  t: FindMeTimes,
): CallLogLeg {
  const legStart = Math.min(t.answeredAt, t.start + drawMs(c.rng, TIMES.findMeDelay));
  const base = {
    start: legStart,
    direction: 'Outbound',
    action: 'FindMe',
    from: caller.party,
    to: mobile,
    extensionId: user.id,
    transport: 'PSTN',
    legType: 'FindMe',
    billing: NO_BILLING,
  } as const;
  if (t.onMobile) return s.leg({ ...base, end: t.userEnd, result: 'Call connected', mark: t.mark });
  return s.leg({ ...base, end: t.answeredAt, result: 'No Answer', reason: t.answered ? 'Stopped' : undefined });
}

/** Transfers the caller at `at` to a user not yet involved; returns when the session ends. */
function transfer(
  c: ScenarioContext,
  s: GeneratedSession,
  caller: OutsideNumber,
  involved: UserLine[],
  at: number,
): number {
  const drawn = drawTransfer(c, involved, at);
  if (!drawn) return at;
  const { target, outcome, end } = drawn;
  const message = outcome === 'Voicemail' ? s.message('VoiceMail') : undefined;
  const leg = s.leg({
    start: at,
    end,
    direction: 'Inbound',
    action: 'Transfer',
    result: outcome,
    from: caller.party,
    to: target.party,
    extensionId: target.id,
    transport: 'VoIP',
    legType: 'TransferCall',
    message,
  });
  recordFromOutside(s, caller, {
    extensionId: target.id,
    owner: target.id,
    start: at,
    end,
    action: 'Transfer',
    result: outcome,
    to: target.party,
    legs: [s.legs[0], leg],
    message,
  });
  return end;
}

interface InboundSummary {
  start: number;
  end: number;
  result: Result;
  caller: OutsideNumber;
  dialed: PartyInfo;
  message?: MessageRef;
  mark: RecordingMark | null;
}

/** The company-level record of an inbound session, carrying every leg. */
function companyRecord(s: GeneratedSession, owner: string, x: InboundSummary): void {
  const { start, end, result, caller, dialed: to, message, mark } = x;
  recordFromOutside(s, caller, { extensionId: null, owner, start, end, result, to, legs: s.legs, message, mark });
}

/** Call to a call queue: members rung one after another until one answers, the caller gives up, or voicemail. */
function inboundQueue(c: ScenarioContext, start: number): GeneratedSession {
  const { rng } = c;
  const { queue, caller, dialed, open, outcome } = drawQueueCall(c, start);
  const s = new GeneratedSession(c, 'Voice', start);
  const message = outcome === 'Voicemail' ? s.message('VoiceMail') : undefined;
  const master = s.leg(inboundMaster(start, outcome, caller, dialed, queue.id));
  const queueLeg = s.leg({
    start,
    end: start,
    direction: 'Inbound',
    action: 'Phone Call',
    result: outcome,
    from: caller.party,
    to: queue.party,
    extensionId: queue.id,
    transport: 'VoIP',
    legType: 'PstnToSip',
    message,
  });
  const members = huntOrder(rng, queue, open);
  const hunt = new Hunt(s, caller, dialed, start + drawMs(rng, TIMES.queueGreeting));
  let end: number;
  let mark: RecordingMark | null = null;
  if (outcome === 'Accepted') {
    const misses = Math.min(choice.queueMisses.pick(rng), members.length - 1);
    for (const member of members.slice(0, misses)) hunt.ring(member, drawMs(rng, TIMES.agentRing), 'Missed');
    const answerer = members[misses];
    const answeredAt = hunt.at + drawMs(rng, TIMES.agentAnswerRing);
    const talk = talkMs(rng);
    mark = recordAnswered(c, s, queue.autoRecord || answerer.autoRecord, answeredAt, talk);
    hunt.ring(answerer, answeredAt + talk - hunt.at, 'Accepted', mark);
    end = rng.chance(TRANSFER_SHARE) ? transfer(c, s, caller, members.slice(0, misses + 1), hunt.at) : hunt.at;
  } else if (outcome === 'Abandoned') {
    end = open ? hunt.at + drawMs(rng, TIMES.queueAbandonWait) : hunt.at;
    for (const member of members) {
      if (hunt.at >= end) break;
      const ring = drawMs(rng, TIMES.agentRing);
      if (hunt.at + ring < end) hunt.ring(member, ring, 'Missed');
      else hunt.ring(member, end - hunt.at, 'Missed', null, 'Hang Up');
    }
  } else {
    const rung = members.slice(0, QUEUE_MEMBERS_RUNG_BEFORE_VOICEMAIL);
    for (const member of rung) hunt.ring(member, drawMs(rng, TIMES.agentRing), 'Missed');
    end = hunt.at + drawMs(rng, TIMES.voicemailMessage);
  }
  s.settleLeg(master, start, end, outcome);
  s.settleLeg(queueLeg, start, end, outcome);
  const queueMark = queue.autoRecord ? mark : null;
  recordFromOutside(s, caller, {
    extensionId: queue.id,
    owner: queue.id,
    start,
    end,
    result: outcome,
    to: dialed,
    legs: [master, queueLeg],
    message,
    mark: queueMark,
  });
  companyRecord(s, queue.id, { start, end, result: outcome, caller, dialed, message, mark });
  return s;
}

/** Rings queue members one after another: a Hunting leg and a record for each member rung. */
class Hunt {
  constructor(
    private readonly s: GeneratedSession,
    private readonly caller: OutsideNumber,
    private readonly dialed: PartyInfo,
    /** When the next member starts ringing. */
    public at: number,
  ) {}

  ring(
    member: UserLine,
    durationMs: number,
    result: Result,
    mark: RecordingMark | null = null,
    reason?: 'Hang Up',
  ): void {
    const { s, caller } = this;
    const start = this.at;
    const end = start + durationMs;
    const leg = s.leg({
      start,
      end,
      direction: 'Inbound',
      action: 'Phone Call',
      result,
      reason,
      from: caller.party,
      to: member.party,
      extensionId: member.id,
      transport: 'VoIP',
      legType: 'Hunting',
      mark,
    });
    recordFromOutside(s, caller, {
      extensionId: member.id,
      owner: member.id,
      start,
      end,
      result,
      reason,
      to: this.dialed,
      legs: [s.legs[0], leg],
      mark,
    });
    this.at = end;
  }
}

/** A call from a number on the company block list, rejected at once. */
function inboundBlocked(c: ScenarioContext, start: number): GeneratedSession {
  const { rng, world } = c;
  if (world.blocked.length === 0) return inboundDirect(c, start);
  const user = world.user(rng);
  const spammer = rng.pick(world.blocked);
  const s = new GeneratedSession(c, 'Voice', start);
  const end = start + drawMs(rng, TIMES.blocked);
  const leg = s.leg({ ...inboundMaster(start, 'Blocked', spammer, user.directParty, user.id), end });
  ownerAndCompany(s, user.id, {
    start,
    end,
    direction: 'Inbound',
    action: 'Phone Call',
    result: 'Blocked',
    from: spammer.party,
    to: user.directParty,
    transport: 'PSTN',
    internalType: spammer.internalType,
    legs: [leg],
  });
  return s;
}

/** A user calls out from a desk phone or softphone (SIP to PSTN). */
function outbound(c: ScenarioContext, start: number): GeneratedSession {
  const { rng } = c;
  const { user, callee, from, outcome } = drawOutboundCall(c);
  const s = new GeneratedSession(c, 'Voice', start);
  let end: number;
  let reason: 'Connected' | undefined;
  let mark: RecordingMark | null = null;
  let billing = NO_BILLING;
  if (outcome === 'Call connected') {
    const answeredAt = start + drawMs(rng, TIMES.outboundRingBeforeAnswer);
    const toVoicemail = rng.chance(OUTBOUND_REACHED_VOICEMAIL_SHARE);
    const talk = toVoicemail ? drawMs(rng, TIMES.voicemailMessage) : talkMs(rng);
    reason = toVoicemail ? 'Connected' : undefined;
    mark = recordAnswered(c, s, user.autoRecord, answeredAt, talk);
    billing = callCost(callee, talk);
    end = answeredAt + talk;
  } else {
    end = start + drawMs(rng, OUTBOUND_FAILURES[outcome][0]);
  }
  const common = {
    start,
    end,
    direction: 'Outbound',
    result: outcome,
    reason,
    from,
    to: callee.party,
    transport: 'PSTN',
    internalType: callee.internalType,
    billing,
    mark,
  } as const;
  const leg = s.leg({
    ...common,
    action: 'VoIP Call',
    extensionId: user.id,
    master: true,
    legType: callee.tollFree ? 'SipToPstnUnmetered' : 'SipToPstnMetered',
  });
  ownerAndCompany(s, user.id, { ...common, action: 'VoIP Call', legs: [leg] });
  return s;
}

const INTERNAL_CALLER_RESULT = {
  Accepted: 'Call connected',
  Missed: 'No Answer',
  Voicemail: 'Call connected',
  Rejected: 'Rejected',
} as const;

/** One user calls another by extension number (VoIP only). */
function internal(c: ScenarioContext, start: number): GeneratedSession {
  const call = drawInternalCall(c, start);
  if (!call) return outbound(c, start);
  const { caller, callee, outcome, end } = call;
  const s = new GeneratedSession(c, 'Voice', start);
  const message = outcome === 'Voicemail' ? s.message('VoiceMail') : undefined;
  const callerSide = {
    start,
    end,
    direction: 'Outbound',
    action: 'VoIP Call',
    result: INTERNAL_CALLER_RESULT[outcome],
    reason: outcome === 'Voicemail' ? 'Connected' : undefined,
    from: caller.party,
    to: callee.party,
    transport: 'VoIP',
  } as const;
  const calleeSide = { ...callerSide, direction: 'Inbound', result: outcome, reason: undefined, message } as const;
  const master = s.leg({ ...callerSide, extensionId: caller.id, legType: 'ExtensionToExtension', master: true });
  const calleeLeg = s.leg({ ...calleeSide, extensionId: callee.id, legType: 'ExtensionToExtension' });
  s.record({ ...callerSide, extensionId: caller.id, owner: caller.id, legs: [master] });
  s.record({ ...calleeSide, extensionId: callee.id, owner: callee.id, legs: [master, calleeLeg] });
  s.record({ ...callerSide, extensionId: null, owner: caller.id, legs: s.legs });
  return s;
}

/** A fax arriving on a user's direct number (Inbound), or a user sending one to an outside number. */
function fax(c: ScenarioContext, start: number, direction: 'Inbound' | 'Outbound'): GeneratedSession {
  const { user, outside, result } = drawFax(c, direction);
  const s = new GeneratedSession(c, 'Fax', start);
  const end = faxEnd(c.rng, start, direction, result);
  const message = FAX_RESULTS_WITH_MESSAGE.has(result) ? s.message('Fax') : undefined;
  const inbound = direction === 'Inbound';
  const common = {
    start,
    end,
    direction,
    action: inbound ? 'Incoming Fax' : 'Outgoing Fax',
    result,
    from: inbound ? outside.party : user.directParty,
    to: inbound ? user.directParty : outside.party,
    transport: 'PSTN',
    internalType: outside.internalType,
    billing: NO_BILLING,
    message,
  } as const;
  const leg = s.leg({ ...common, extensionId: user.id, legType: inbound ? 'Accept' : 'FaxSent', master: true });
  ownerAndCompany(s, user.id, { ...common, legs: [leg] });
  return s;
}

function faxIn(c: ScenarioContext, start: number): GeneratedSession {
  return fax(c, start, 'Inbound');
}

function faxOut(c: ScenarioContext, start: number): GeneratedSession {
  return fax(c, start, 'Outbound');
}

/** Plays one session of the given scenario (the equivalence test covers each scenario). */
export function playScenario(c: ScenarioContext, scenario: OracleScenario, start: number): GeneratedSession {
  return PLAYS[scenario](c, start);
}
