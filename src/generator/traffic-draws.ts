// The random draws of the call scenarios (who calls whom, the outcome, how long each part lasts), apart from how a
// scenario is played: traffic-scripts.ts plays them as telephony events, and the test oracle that built records
// directly (traffic-scenarios.oracle.ts) makes the same draws in the same order.

import type { PartyInfo, RecordingType, SeededRandom } from '../domain/index.ts';
import { WeightedChoice } from '../domain/index.ts';
import { drawMs } from './session-script.ts';
import { isBusinessTime } from './traffic-calendar.ts';
import {
  CONFERENCE_PARTICIPANTS,
  DIRECT_OUTCOMES_CLOSED,
  DIRECT_OUTCOMES_OPEN,
  DIRECT_VIA_MAIN_NUMBER_SHARE,
  FAX_IN_RESULTS,
  FAX_OUT_RESULTS,
  INTERNAL_OUTCOMES,
  ON_DEMAND_PORTION,
  ON_DEMAND_RECORDING_SHARE,
  OUTBOUND_MAIN_CALLER_ID_SHARE,
  OUTBOUND_OUTCOMES,
  QUEUE_MISSES_BEFORE_ANSWER,
  QUEUE_OUTCOMES_CLOSED,
  QUEUE_OUTCOMES_OPEN,
  QUEUE_VIA_MAIN_NUMBER_SHARE,
  SCENARIO_SHARES,
  TALK,
  TIMES,
  TRANSFER_OUTCOMES,
  type DirectOutcome,
  type OutboundOutcome,
} from './traffic-mix.ts';
import type { OutsideNumber, QueueLine, TrafficWorld, UserLine } from './traffic-parties.ts';

/** What the draws need: the random source and the company's parties. */
export interface DrawWorld {
  rng: SeededRandom;
  world: TrafficWorld;
}

export const choice = {
  scenario: new WeightedChoice(SCENARIO_SHARES),
  directOpen: new WeightedChoice(DIRECT_OUTCOMES_OPEN),
  directClosed: new WeightedChoice(DIRECT_OUTCOMES_CLOSED),
  queueOpen: new WeightedChoice(QUEUE_OUTCOMES_OPEN),
  queueClosed: new WeightedChoice(QUEUE_OUTCOMES_CLOSED),
  queueMisses: new WeightedChoice(QUEUE_MISSES_BEFORE_ANSWER),
  transfer: new WeightedChoice(TRANSFER_OUTCOMES),
  outbound: new WeightedChoice(OUTBOUND_OUTCOMES),
  internal: new WeightedChoice(INTERNAL_OUTCOMES),
  faxIn: new WeightedChoice(FAX_IN_RESULTS),
  faxOut: new WeightedChoice(FAX_OUT_RESULTS),
  conferenceSize: new WeightedChoice(CONFERENCE_PARTICIPANTS),
};

/** How long a failed outbound call lasts, and the callee party's end reason. */
export const OUTBOUND_FAILURES: Record<
  Exclude<OutboundOutcome, 'Call connected'>,
  [readonly [number, number], string]
> = {
  'No Answer': [TIMES.outboundNoAnswer, 'NoAnswer'],
  Busy: [TIMES.outboundBusy, 'TargetBusy'],
  'Hang Up': [TIMES.outboundHangUp, 'Cancelled'],
  Rejected: [TIMES.outboundRejected, 'Rejected'],
  'Wrong Number': [TIMES.outboundFailed, 'InvalidNumber'],
  'Call Failed': [TIMES.outboundFailed, 'InternalError'],
};

/** Talk time in ms: a share of quick calls, the rest log-normal. */
export function talkMs(rng: SeededRandom): number {
  if (rng.chance(TALK.quickShare)) return drawMs(rng, TALK.quick);
  const seconds = rng.logNormal(TALK.medianSeconds, TALK.sigma);
  return Math.round(Math.min(TALK.maxSeconds, Math.max(TALK.minSeconds, seconds)) * 1000);
}

/** Ringing, then talk, message or greeting, for a call offered to a person. */
export function attempt(rng: SeededRandom, outcome: DirectOutcome): { ringMs: number; afterMs: number } {
  switch (outcome) {
    case 'Accepted':
      return { ringMs: drawMs(rng, TIMES.ringBeforeAnswer), afterMs: talkMs(rng) };
    case 'Voicemail':
      return { ringMs: drawMs(rng, TIMES.ringTimeout), afterMs: drawMs(rng, TIMES.voicemailMessage) };
    case 'Missed':
      return { ringMs: drawMs(rng, TIMES.ringTimeout), afterMs: drawMs(rng, TIMES.voicemailHangUp) };
    case 'Hang Up':
      return { ringMs: drawMs(rng, TIMES.hangUpRing), afterMs: 0 };
    case 'Rejected':
      return { ringMs: drawMs(rng, TIMES.rejectRing), afterMs: 0 };
  }
}

/**
 * How much of an answered call's `talk` is recorded: all of it on auto-recorded lines, else occasionally part of
 * it on demand, else none (null).
 */
export function recordedTalk(
  rng: SeededRandom,
  auto: boolean,
  talk: number,
): { type: RecordingType; ms: number } | null {
  if (auto) return { type: 'Automatic', ms: talk };
  if (!rng.chance(ON_DEMAND_RECORDING_SHARE)) return null;
  return { type: 'OnDemand', ms: talk * rng.uniform(ON_DEMAND_PORTION[0], ON_DEMAND_PORTION[1]) };
}

/** An outside caller dials a user's direct number or the main number. */
export function drawDirectCall(c: DrawWorld, start: number) {
  const { rng, world } = c;
  const user = world.user(rng);
  const caller = world.outside.caller(rng);
  const dialed: PartyInfo = rng.chance(DIRECT_VIA_MAIN_NUMBER_SHARE) ? user.mainParty : user.directParty;
  const outcome = (isBusinessTime(start) ? choice.directOpen : choice.directClosed).pick(rng);
  return { user, caller, dialed, outcome };
}

/**
 * A transfer at `at` of a caller already talking with `involved`: to a user not yet involved (null when there is
 * none), its outcome, how long the target rings and when the session ends.
 */
export function drawTransfer(c: DrawWorld, involved: UserLine[], at: number) {
  const target = c.world.userExcept(c.rng, involved);
  if (!target) return null;
  const outcome = choice.transfer.pick(c.rng);
  const { ringMs, afterMs } = attempt(c.rng, outcome);
  return { target, outcome, ringMs, end: at + ringMs + afterMs };
}

/** An outside caller dials a call queue's direct number or the main number. */
export function drawQueueCall(c: DrawWorld, start: number) {
  const { rng, world } = c;
  const queue = world.queue(rng);
  const caller = world.outside.caller(rng);
  const dialed: PartyInfo = rng.chance(QUEUE_VIA_MAIN_NUMBER_SHARE) ? queue.mainParty : queue.directParty;
  const open = isBusinessTime(start);
  const outcome = (open ? choice.queueOpen : choice.queueClosed).pick(rng);
  return { queue, caller, dialed, open, outcome };
}

/** The members a queue hunts through, from a random one round (none when the queue is closed). */
export function huntOrder(rng: SeededRandom, queue: QueueLine, open: boolean): UserLine[] {
  const offset = rng.int(queue.members.length);
  return open ? [...queue.members.slice(offset), ...queue.members.slice(0, offset)] : [];
}

/** A user calls an outside number, showing the direct or the main number. */
export function drawOutboundCall(c: DrawWorld) {
  const { rng, world } = c;
  const user = world.user(rng);
  const callee: OutsideNumber = world.outside.callee(rng);
  const from: PartyInfo = rng.chance(OUTBOUND_MAIN_CALLER_ID_SHARE) ? user.mainParty : user.directParty;
  const outcome = choice.outbound.pick(rng);
  return { user, callee, from, outcome };
}

/** One user calls another, or null when the company has a single user (the scenario becomes an outbound call). */
export function drawInternalCall(c: DrawWorld, start: number) {
  const { rng, world } = c;
  const caller = world.user(rng);
  const callee = world.userExcept(rng, [caller]);
  if (!callee) return null;
  const outcome = choice.internal.pick(rng);
  const { ringMs, afterMs } = attempt(rng, outcome);
  return { caller, callee, outcome, ringMs, end: start + ringMs + afterMs };
}

/** A fax between a user and an outside number, and its result; `faxEnd` draws how long it takes. */
export function drawFax(c: DrawWorld, direction: 'Inbound' | 'Outbound') {
  const { rng, world } = c;
  const user = world.user(rng);
  const outside = world.outside.caller(rng);
  const result = (direction === 'Inbound' ? choice.faxIn : choice.faxOut).pick(rng);
  return { user, outside, result };
}

/** When a fax drawn by drawFax ends: failed ones sooner. */
export function faxEnd(rng: SeededRandom, start: number, direction: 'Inbound' | 'Outbound', result: string): number {
  if (direction === 'Inbound')
    return start + drawMs(rng, result === 'Receive Error' ? TIMES.faxFailed : TIMES.faxReceived);
  const delivered = result === 'Sent' || result === 'Fax Partially Sent';
  return start + drawMs(rng, delivered ? TIMES.faxSent : TIMES.faxFailed);
}
