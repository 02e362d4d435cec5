// The call scenarios generated traffic is made of, each written as a script of telephony-session events: inbound
// calls to users (FindMe, voicemail, transfers), call-queue hunting, blocked callers, outbound and internal calls,
// and faxes. The session assembler (src/telephony) builds their records; docs/telephony-events.md has the shapes.

import type { PartyInfo } from '../domain/index.ts';
import { drawMs, SessionScript, type ScriptContext, type ScriptedParty } from './session-script.ts';
import {
  FAX_RESULTS_WITH_MESSAGE,
  FIND_ME_MOBILE_ANSWER_SHARE,
  OUTBOUND_REACHED_VOICEMAIL_SHARE,
  QUEUE_MEMBERS_RUNG_BEFORE_VOICEMAIL,
  TIMES,
  TRANSFER_SHARE,
  PARK_PICKUP_SHARE,
  WARM_TRANSFER_ANSWER_SHARE,
  CONFERENCE_INTERNAL_SHARE,
  CONFERENCE_NO_ANSWER_SHARE,
  RING_OUT_USER_NO_ANSWER_SHARE,
  type DirectOutcome,
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

export interface ScriptWorld extends ScriptContext {
  world: TrafficWorld;
}

/** Scripts one session starting at `start`, its scenario drawn from SCENARIO_SHARES. */
export function scriptSession(c: ScriptWorld, start: number): SessionScript {
  return SCRIPTS[choice.scenario.pick(c.rng)](c, start);
}

/** Scripts one session of the given scenario (tests use it to cover each scenario). */
export function scriptScenario(c: ScriptWorld, scenario: Scenario, start: number): SessionScript {
  return SCRIPTS[scenario](c, start);
}

const SCRIPTS: Record<Scenario, (c: ScriptWorld, start: number) => SessionScript> = {
  inboundDirect,
  inboundQueue,
  inboundBlocked,
  outbound,
  internal,
  faxIn,
  faxOut,
  inboundPark,
  warmTransfer,
  conference,
  ringOut,
};

interface Recorded {
  id: string;
  since: number;
}

/** Automatic recording for auto-recorded lines, else occasionally an on-demand one over the end of the talk. */
function recordAnswered(
  c: ScriptWorld,
  s: SessionScript,
  auto: boolean,
  talkStart: number,
  talk: number,
): Recorded | null {
  const part = recordedTalk(c.rng, auto, talk);
  return part && s.recordTalk(part.ms, talkStart + talk);
}

/** Answers `party` at `at`, starting `rec` then (automatic) or later (on demand) on it. */
function answer(s: SessionScript, party: ScriptedParty, at: number, rec: Recorded | null): void {
  if (rec && rec.since <= at) s.emit(party, at, 'Answered', { startRecording: rec.id });
  else {
    s.emit(party, at, 'Answered');
    if (rec) s.emit(party, rec.since, 'Answered', { startRecording: rec.id });
  }
}

/** What a person's party does after ringing from `ringing` to `at`: answer, voicemail, reject, or be left. */
function settle(
  s: SessionScript,
  party: ScriptedParty,
  outcome: DirectOutcome,
  at: number,
  end: number,
  rec: Recorded | null,
  message: { id: string; type: 'VoiceMail' | 'Fax' } | undefined,
  endReason?: string,
): void {
  switch (outcome) {
    case 'Accepted':
      answer(s, party, at, rec);
      s.emit(party, end, 'Disconnected', endReason ? { reason: endReason } : {});
      return;
    case 'Voicemail':
    case 'Missed':
      s.emit(party, at, 'VoiceMail', { missedCall: true });
      s.emit(party, end, 'Disconnected', { missedCall: true, message });
      return;
    case 'Hang Up':
      s.emit(party, end, 'Disconnected', { reason: 'Cancelled', missedCall: true });
      return;
    case 'Rejected':
      s.emit(party, end, 'Disconnected', { reason: 'Rejected' });
      return;
  }
}

/** The outside caller's party: into the company at once (RingCentral answers for the destination). */
function callerParty(s: SessionScript, caller: OutsideNumber, dialed: PartyInfo, start: number): ScriptedParty {
  const p = s.party({ direction: 'Outbound', from: caller.party, to: dialed });
  s.emit(p, start, 'Setup');
  s.emit(p, start, 'Answered');
  return p;
}

/** An extension's party rung from `from` at `at` (Setup, then Proceeding). */
function ringing(s: SessionScript, extensionId: string, from: PartyInfo, to: PartyInfo, at: number): ScriptedParty {
  const p = s.party({ extensionId, direction: 'Inbound', from, to });
  s.emit(p, at, 'Setup');
  s.emit(p, at, 'Proceeding');
  return p;
}

/**
 * Two users and an outside call to the first one's direct number, answered at the desk (what park and warm transfer
 * start with); null when the company has a single user.
 */
function answeredOutsideCall(c: ScriptWorld, start: number) {
  const { rng, world } = c;
  const user = world.user(rng);
  const other = world.userExcept(rng, [user]);
  if (!other) return null;
  const caller = world.outside.caller(rng);
  const dialed = user.directParty;
  const s = new SessionScript(c, 'Call', start);
  const callerP = callerParty(s, caller, dialed, start);
  const desk = ringing(s, user.id, caller.party, dialed, start);
  const answeredAt = start + drawMs(rng, TIMES.ringBeforeAnswer);
  s.emit(desk, answeredAt, 'Answered');
  return { user, other, s, caller, callerP, desk, answeredAt };
}

/** Inbound call to a user's direct number or through the main number: desk phone, FindMe mobile, voicemail, transfer. */
function inboundDirect(c: ScriptWorld, start: number): SessionScript {
  const { rng } = c;
  const { user, caller, dialed, outcome } = drawDirectCall(c, start);
  const s = new SessionScript(c, 'Call', start);
  const callerP = callerParty(s, caller, dialed, start);
  const desk = ringing(s, user.id, caller.party, dialed, start);
  const { ringMs, afterMs } = attempt(rng, outcome);
  const answeredAt = start + ringMs;
  const userEnd = answeredAt + afterMs;
  const answered = outcome === 'Accepted';
  const onMobile = answered && user.findMe !== null && rng.chance(FIND_ME_MOBILE_ANSWER_SHARE);
  const rec = answered ? recordAnswered(c, s, user.autoRecord, answeredAt, afterMs) : null;
  const message = outcome === 'Voicemail' ? s.message('VoiceMail') : undefined;
  let mobile: ScriptedParty | null = null;
  if (user.findMe) {
    const legStart = Math.min(answeredAt, start + drawMs(rng, TIMES.findMeDelay));
    mobile = s.party({ extensionId: user.id, direction: 'Outbound', from: caller.party, to: user.findMe });
    s.emit(mobile, legStart, 'Proceeding');
  }
  s.recordId(user.id);
  const transferring = answered && rng.chance(TRANSFER_SHARE);
  const handOff = transferring ? 'BlindTransfer' : undefined;
  if (onMobile && mobile) {
    s.emit(desk, answeredAt, 'Disconnected', { reason: 'CallSwitch' });
    settle(s, mobile, outcome, answeredAt, userEnd, rec, message, handOff);
  } else {
    settle(s, desk, outcome, answeredAt, userEnd, rec, message, handOff);
    if (mobile) s.emit(mobile, answeredAt, 'Disconnected', { reason: answered ? 'Cancelled' : 'NoAnswer' });
  }
  const end = transferring ? transfer(c, s, caller, [user], userEnd) : userEnd;
  s.emit(callerP, end, 'Disconnected');
  s.recordId(null);
  return s;
}

/** Transfers the caller at `at` to a user not yet involved; returns when the session ends. */
function transfer(c: ScriptWorld, s: SessionScript, caller: OutsideNumber, involved: UserLine[], at: number): number {
  const drawn = drawTransfer(c, involved, at);
  if (!drawn) return at;
  const { target, outcome, ringMs, end } = drawn;
  const message = outcome === 'Voicemail' ? s.message('VoiceMail') : undefined;
  const p = ringing(s, target.id, caller.party, target.party, at);
  settle(s, p, outcome, at + ringMs, end, null, message);
  s.recordId(target.id);
  return end;
}

/** Call to a call queue: members rung one after another until one answers, the caller gives up, or voicemail. */
function inboundQueue(c: ScriptWorld, start: number): SessionScript {
  const { rng, world } = c;
  if (!world.hasQueues) return inboundDirect(c, start);
  const { queue, caller, dialed, open, outcome } = drawQueueCall(c, start);
  const s = new SessionScript(c, 'Call', start);
  const message = outcome === 'Voicemail' ? s.message('VoiceMail') : undefined;
  const callerP = callerParty(s, caller, dialed, start);
  const queueP = ringing(s, queue.id, caller.party, dialed, start);
  const members = huntOrder(rng, queue, open);
  let at = start + drawMs(rng, TIMES.queueGreeting);
  /** Starts ringing a member at `at`; returns the member's party. */
  const ring = (member: UserLine): ScriptedParty => {
    const p = s.party({
      extensionId: member.id,
      direction: 'Inbound',
      from: caller.party,
      to: member.party,
      queueCall: true,
    });
    s.emit(p, at, 'Proceeding');
    s.recordId(member.id);
    return p;
  };
  let end: number;
  if (outcome === 'Accepted') {
    const misses = Math.min(choice.queueMisses.pick(rng), members.length - 1);
    for (const member of members.slice(0, misses)) {
      const ringMs = drawMs(rng, TIMES.agentRing);
      const p = ring(member);
      s.emit(p, at + ringMs, 'Disconnected', { reason: 'Timeout', missedCall: true });
      at += ringMs;
    }
    const answerer = members[misses];
    const answeredAt = at + drawMs(rng, TIMES.agentAnswerRing);
    const talk = talkMs(rng);
    const rec = recordAnswered(c, s, queue.autoRecord || answerer.autoRecord, answeredAt, talk);
    const agent = ring(answerer);
    answer(s, agent, answeredAt, rec);
    if (rec && queue.autoRecord) s.emit(queueP, answeredAt, 'Proceeding', { startRecording: rec.id });
    at = answeredAt + talk;
    const transferring = rng.chance(TRANSFER_SHARE);
    s.emit(agent, at, 'Disconnected', transferring ? { reason: 'BlindTransfer' } : {});
    end = transferring ? transfer(c, s, caller, members.slice(0, misses + 1), at) : at;
    s.emit(queueP, end, 'Disconnected');
  } else if (outcome === 'Abandoned') {
    end = open ? at + drawMs(rng, TIMES.queueAbandonWait) : at;
    for (const member of members) {
      if (at >= end) break;
      const ringMs = drawMs(rng, TIMES.agentRing);
      const cut = at + ringMs >= end;
      const p = ring(member);
      s.emit(p, cut ? end : at + ringMs, 'Disconnected', { reason: cut ? 'Cancelled' : 'Timeout', missedCall: true });
      at = cut ? end : at + ringMs;
    }
    s.emit(queueP, end, 'Disconnected', { reason: 'Cancelled', missedCall: true });
  } else {
    for (const member of members.slice(0, QUEUE_MEMBERS_RUNG_BEFORE_VOICEMAIL)) {
      const ringMs = drawMs(rng, TIMES.agentRing);
      const p = ring(member);
      s.emit(p, at + ringMs, 'Disconnected', { reason: 'Timeout', missedCall: true });
      at += ringMs;
    }
    end = at + drawMs(rng, TIMES.voicemailMessage);
    s.emit(queueP, at, 'VoiceMail', { missedCall: true });
    s.emit(queueP, end, 'Disconnected', { missedCall: true, message });
  }
  s.emit(callerP, end, 'Disconnected');
  s.recordId(queue.id);
  s.recordId(null);
  return s;
}

/** A call from a number on the company block list, rejected at once. */
function inboundBlocked(c: ScriptWorld, start: number): SessionScript {
  const { rng, world } = c;
  if (world.blocked.length === 0) return inboundDirect(c, start);
  const user = world.user(rng);
  const spammer = rng.pick(world.blocked);
  const s = new SessionScript(c, 'Call', start);
  const end = start + drawMs(rng, TIMES.blocked);
  const p = s.party({ direction: 'Outbound', from: spammer.party, to: user.directParty });
  s.emit(p, start, 'Setup');
  s.emit(p, end, 'Disconnected', { reason: 'DestinationBlocked' });
  s.recordId(user.id);
  s.recordId(null);
  return s;
}

/** A user calls out from a desk phone or softphone (SIP to PSTN). */
function outbound(c: ScriptWorld, start: number): SessionScript {
  const { rng } = c;
  const { user, callee, from, outcome } = drawOutboundCall(c);
  const s = new SessionScript(c, 'Call', start);
  const userP = s.party({ extensionId: user.id, direction: 'Outbound', from, to: callee.party });
  const calleeP = s.party({ direction: 'Inbound', from, to: callee.party });
  s.emit(userP, start, 'Setup');
  s.emit(calleeP, start, 'Proceeding');
  s.emit(userP, start, 'Proceeding');
  if (outcome === 'Call connected') {
    const answeredAt = start + drawMs(rng, TIMES.outboundRingBeforeAnswer);
    const toVoicemail = rng.chance(OUTBOUND_REACHED_VOICEMAIL_SHARE);
    const talk = toVoicemail ? drawMs(rng, TIMES.voicemailMessage) : talkMs(rng);
    const rec = recordAnswered(c, s, user.autoRecord, answeredAt, talk);
    const end = answeredAt + talk;
    s.emit(calleeP, answeredAt, 'Answered', toVoicemail ? { description: 'Connected' } : {});
    answer(s, userP, answeredAt, rec);
    s.emit(userP, end, 'Disconnected');
    s.emit(calleeP, end, 'Disconnected');
  } else {
    const [range, reason] = OUTBOUND_FAILURES[outcome];
    const end = start + drawMs(rng, range);
    if (outcome === 'Hang Up') {
      s.emit(userP, end, 'Disconnected');
      s.emit(calleeP, end, 'Disconnected', { reason });
    } else {
      s.emit(calleeP, end, 'Disconnected', { reason });
      s.emit(userP, end, 'Disconnected');
    }
  }
  s.recordId(user.id);
  s.recordId(null);
  return s;
}

/** One user calls another by extension number (VoIP only). */
function internal(c: ScriptWorld, start: number): SessionScript {
  const call = drawInternalCall(c, start);
  if (!call) return outbound(c, start);
  const { caller, callee, outcome, ringMs, end } = call;
  const s = new SessionScript(c, 'Call', start);
  const message = outcome === 'Voicemail' ? s.message('VoiceMail') : undefined;
  const callerP = s.party({ extensionId: caller.id, direction: 'Outbound', from: caller.party, to: callee.party });
  const calleeP = s.party({ extensionId: callee.id, direction: 'Inbound', from: caller.party, to: callee.party });
  s.emit(callerP, start, 'Setup');
  s.emit(calleeP, start, 'Setup');
  s.emit(callerP, start, 'Answered');
  s.emit(calleeP, start, 'Proceeding');
  settle(s, calleeP, outcome, start + ringMs, end, null, message);
  s.emit(callerP, end, 'Disconnected');
  s.recordId(caller.id);
  s.recordId(callee.id);
  s.recordId(null);
  return s;
}

/** A fax arriving on a user's direct number; its result travels in the final status's description. */
function faxIn(c: ScriptWorld, start: number): SessionScript {
  const { user, outside: sender, result } = drawFax(c, 'Inbound');
  const s = new SessionScript(c, 'Fax', start);
  const end = faxEnd(c.rng, start, 'Inbound', result);
  const message = FAX_RESULTS_WITH_MESSAGE.has(result) ? s.message('Fax') : undefined;
  const senderP = callerParty(s, sender, user.directParty, start);
  const userP = s.party({ extensionId: user.id, direction: 'Inbound', from: sender.party, to: user.directParty });
  s.emit(userP, start, 'Setup');
  s.emit(userP, start, 'FaxReceive');
  s.emit(userP, end, 'Disconnected', { description: result, message });
  s.emit(senderP, end, 'Disconnected');
  s.recordId(user.id);
  s.recordId(null);
  return s;
}

/** A user sends a fax to an outside number. */
function faxOut(c: ScriptWorld, start: number): SessionScript {
  const { user, outside: recipient, result } = drawFax(c, 'Outbound');
  const s = new SessionScript(c, 'Fax', start);
  const end = faxEnd(c.rng, start, 'Outbound', result);
  const message = FAX_RESULTS_WITH_MESSAGE.has(result) ? s.message('Fax') : undefined;
  const userP = s.party({ extensionId: user.id, direction: 'Outbound', from: user.directParty, to: recipient.party });
  const recipientP = s.party({ direction: 'Inbound', from: user.directParty, to: recipient.party });
  s.emit(userP, start, 'Setup');
  s.emit(recipientP, start, 'Proceeding');
  s.emit(recipientP, start, 'Answered');
  s.emit(userP, start, 'Answered');
  s.emit(recipientP, end, 'Disconnected');
  s.emit(userP, end, 'Disconnected', { description: result, message });
  s.recordId(user.id);
  s.recordId(null);
  return s;
}

/**
 * Call park and pickup: a user answers an outside call and parks it at a park location (the caller's party
 * `Parked`, the user's `Disconnected`/`ParkLocation`); another user picks it up (a new party of the session), or
 * the caller hangs up while parked.
 */
function inboundPark(c: ScriptWorld, start: number): SessionScript {
  const { rng } = c;
  const call = answeredOutsideCall(c, start);
  if (!call) return inboundDirect(c, start);
  const { user: parker, other: retriever, s, caller, callerP, desk, answeredAt } = call;
  const parkedAt = answeredAt + drawMs(rng, TIMES.beforePark);
  s.emit(callerP, parkedAt, 'Parked', { parkId: `${rng.between(1, 9)}` });
  s.emit(desk, parkedAt, 'Disconnected', { reason: 'ParkLocation' });
  s.recordId(parker.id);
  let end: number;
  if (rng.chance(PARK_PICKUP_SHARE)) {
    const pickedAt = parkedAt + drawMs(rng, TIMES.parked);
    end = pickedAt + talkMs(rng);
    const p = s.party({ extensionId: retriever.id, direction: 'Inbound', from: caller.party, to: retriever.party });
    s.emit(p, pickedAt, 'Setup');
    s.emit(p, pickedAt, 'Answered');
    s.emit(callerP, pickedAt, 'Answered');
    s.emit(p, end, 'Disconnected');
    s.recordId(retriever.id);
  } else {
    end = parkedAt + drawMs(rng, TIMES.parkedHangUp);
  }
  s.emit(callerP, end, 'Disconnected');
  s.recordId(null);
  return s;
}

/**
 * Warm (attended) transfer: a user answers an outside call (session 1), holds it and calls a colleague (session 2,
 * an internal call); when the colleague answers, the user bridges the two: the user's parties in both sessions and
 * the colleague's consultation party end `Gone`/`AttendedTransfer` (peerId to the other session), and the
 * colleague joins session 1, where the caller talks on. If the colleague does not answer, the user takes the
 * caller back.
 */
function warmTransfer(c: ScriptWorld, start: number): SessionScript {
  const { rng } = c;
  const call = answeredOutsideCall(c, start);
  if (!call) return inboundDirect(c, start);
  const { user, other: target, s, caller, callerP, desk, answeredAt } = call;
  const heldAt = answeredAt + drawMs(rng, TIMES.beforeConsult);
  s.emit(desk, heldAt, 'Hold');
  const consult = new SessionScript(c, 'Call', heldAt);
  s.linked.push(consult);
  const userP = consult.party({ extensionId: user.id, direction: 'Outbound', from: user.party, to: target.party });
  const targetP = consult.party({ extensionId: target.id, direction: 'Inbound', from: user.party, to: target.party });
  consult.emit(userP, heldAt, 'Setup');
  consult.emit(targetP, heldAt, 'Setup');
  consult.emit(userP, heldAt, 'Answered');
  consult.emit(targetP, heldAt, 'Proceeding');
  let end: number;
  if (rng.chance(WARM_TRANSFER_ANSWER_SHARE)) {
    const consultAnswered = heldAt + drawMs(rng, TIMES.agentAnswerRing);
    const bridgedAt = consultAnswered + drawMs(rng, TIMES.consult);
    end = bridgedAt + talkMs(rng);
    consult.emit(targetP, consultAnswered, 'Answered');
    const joined = s.party({ extensionId: target.id, direction: 'Inbound', from: caller.party, to: target.party });
    const handOff = 'AttendedTransfer';
    s.emit(desk, bridgedAt, 'Gone', { reason: handOff, peer: { session: consult, party: userP } });
    s.emit(joined, bridgedAt, 'Answered');
    consult.emit(userP, bridgedAt, 'Gone', { reason: handOff, peer: { session: s, party: desk } });
    consult.emit(targetP, bridgedAt, 'Gone', { reason: handOff, peer: { session: s, party: joined } });
    s.emit(joined, end, 'Disconnected');
    s.recordId(user.id);
    s.recordId(target.id);
  } else {
    const givenUpAt = heldAt + drawMs(rng, TIMES.ringTimeout);
    end = givenUpAt + talkMs(rng);
    consult.emit(userP, givenUpAt, 'Disconnected');
    consult.emit(targetP, givenUpAt, 'Disconnected', { reason: 'Cancelled', missedCall: true });
    s.emit(desk, givenUpAt, 'Answered');
    s.emit(desk, end, 'Disconnected');
    s.recordId(user.id);
  }
  s.emit(callerP, end, 'Disconnected');
  s.recordId(null);
  consult.recordId(user.id);
  consult.recordId(target.id);
  consult.recordId(null);
  return s;
}

/**
 * A conference (origin `Conference`): a user hosts it and adds participants, outside numbers and other users, who
 * answer (or not), talk and leave; the host hangs up last.
 */
function conference(c: ScriptWorld, start: number): SessionScript {
  const { rng, world } = c;
  const host = world.user(rng);
  const s = new SessionScript(c, 'Conference', start);
  const hostP = s.party({
    extensionId: host.id,
    direction: 'Outbound',
    from: host.directParty,
    to: CONFERENCE_BRIDGE,
    conferenceRole: 'Host',
  });
  s.emit(hostP, start, 'Setup');
  s.emit(hostP, start, 'Answered');
  const involved: UserLine[] = [host];
  const count = choice.conferenceSize.pick(rng);
  let at = start;
  const leaves: number[] = [];
  for (let i = 0; i < count; i++) {
    at += drawMs(rng, TIMES.conferenceJoinGap);
    const colleague = rng.chance(CONFERENCE_INTERNAL_SHARE) ? world.userExcept(rng, involved) : null;
    if (colleague) involved.push(colleague);
    const to = colleague ? colleague.party : world.outside.callee(rng).party;
    const p = s.party({
      ...(colleague ? { extensionId: colleague.id } : {}),
      direction: 'Inbound',
      from: host.directParty,
      to,
      conferenceRole: 'Participant',
    });
    s.emit(p, at, 'Proceeding');
    if (rng.chance(CONFERENCE_NO_ANSWER_SHARE)) {
      const gaveUp = at + drawMs(rng, TIMES.outboundNoAnswer);
      s.emit(p, gaveUp, 'Disconnected', { reason: 'NoAnswer', missedCall: colleague !== null });
      leaves.push(gaveUp);
    } else {
      const answeredAt = at + drawMs(rng, TIMES.outboundRingBeforeAnswer);
      const left = answeredAt + talkMs(rng);
      s.emit(p, answeredAt, 'Answered');
      s.emit(p, left, 'Disconnected');
      leaves.push(left);
    }
    if (colleague) s.recordId(colleague.id);
  }
  const end = Math.max(...leaves) + drawMs(rng, TIMES.voicemailHangUp);
  s.emit(hostP, end, 'Disconnected');
  s.recordId(host.id);
  s.recordId(null);
  return s;
}

/** The conference bridge a host's party calls (origin `Conference`). */
const CONFERENCE_BRIDGE: PartyInfo = { phoneNumber: '+16504377931', name: 'Conference' };

/**
 * RingOut (origin `RingOut`): RingCentral first rings the user's own phone (the user's party, to that phone);
 * when the user picks up it calls the callee (an outside party) and connects them.
 */
function ringOut(c: ScriptWorld, start: number): SessionScript {
  const { rng, world } = c;
  const user = world.user(rng);
  const callee = world.outside.callee(rng);
  const ownPhone: PartyInfo = user.findMe ?? { phoneNumber: user.directParty.phoneNumber };
  const s = new SessionScript(c, 'RingOut', start);
  const userP = s.party({ extensionId: user.id, direction: 'Outbound', from: user.directParty, to: ownPhone });
  s.emit(userP, start, 'Setup');
  s.emit(userP, start, 'Proceeding');
  if (rng.chance(RING_OUT_USER_NO_ANSWER_SHARE)) {
    s.emit(userP, start + drawMs(rng, TIMES.ringTimeout), 'Disconnected', { reason: 'NoAnswer' });
    s.recordId(user.id);
    s.recordId(null);
    return s;
  }
  const pickedUp = start + drawMs(rng, TIMES.ringOutUserAnswer);
  s.emit(userP, pickedUp, 'Answered');
  const calleeP = s.party({ direction: 'Inbound', from: user.directParty, to: callee.party });
  s.emit(calleeP, pickedUp, 'Proceeding');
  const outcome = choice.outbound.pick(rng);
  if (outcome === 'Call connected') {
    const answeredAt = pickedUp + drawMs(rng, TIMES.outboundRingBeforeAnswer);
    const end = answeredAt + talkMs(rng);
    s.emit(calleeP, answeredAt, 'Answered');
    s.emit(userP, end, 'Disconnected');
    s.emit(calleeP, end, 'Disconnected');
  } else {
    const [range, reason] = OUTBOUND_FAILURES[outcome];
    const end = pickedUp + drawMs(rng, range);
    s.emit(calleeP, end, 'Disconnected', { reason });
    s.emit(userP, end, 'Disconnected');
  }
  s.recordId(user.id);
  s.recordId(null);
  return s;
}
