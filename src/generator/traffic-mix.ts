// The generated traffic's distributions in one place: scenario shares, outcome tables, call lengths,
// recording and deletion rates. docs/data-model.md describes these numbers; change both together.

import type { Result } from '../domain/index.ts';

export type Scenario =
  | 'inboundDirect'
  | 'inboundQueue'
  | 'inboundBlocked'
  | 'outbound'
  | 'internal'
  | 'faxIn'
  | 'faxOut'
  | 'inboundPark'
  | 'warmTransfer'
  | 'conference'
  | 'ringOut';

/** Share of sessions per scenario (sums to 1). */
export const SCENARIO_SHARES: ReadonlyArray<readonly [Scenario, number]> = [
  ['inboundDirect', 0.257],
  ['inboundQueue', 0.23],
  ['inboundBlocked', 0.008],
  ['outbound', 0.3],
  ['internal', 0.127],
  ['faxIn', 0.017],
  ['faxOut', 0.013],
  ['inboundPark', 0.01],
  ['warmTransfer', 0.01],
  ['conference', 0.008],
  ['ringOut', 0.02],
];

/** Of parked calls, the share another user picks up (the rest: the caller hangs up while parked). */
export const PARK_PICKUP_SHARE = 0.85;
/** Of consultations before a warm transfer, the share the target answers (else the user takes the caller back). */
export const WARM_TRANSFER_ANSWER_SHARE = 0.9;
/** Participants a conference host adds (besides the host), and the share of them that are other users. */
export const CONFERENCE_PARTICIPANTS: ReadonlyArray<readonly [number, number]> = [
  [2, 0.7],
  [3, 0.2],
  [4, 0.1],
];
export const CONFERENCE_INTERNAL_SHARE = 0.4;
/** A conference participant who does not answer. */
export const CONFERENCE_NO_ANSWER_SHARE = 0.1;
/** RingOut: the user does not pick up their own phone (one-leg call), and how the callee's leg ends. */
export const RING_OUT_USER_NO_ANSWER_SHARE = 0.05;

export type DirectOutcome = 'Accepted' | 'Voicemail' | 'Missed' | 'Hang Up' | 'Rejected';

/** Inbound call to a user, during business hours and outside them. */
export const DIRECT_OUTCOMES_OPEN: ReadonlyArray<readonly [DirectOutcome, number]> = [
  ['Accepted', 0.64],
  ['Voicemail', 0.16],
  ['Missed', 0.12],
  ['Hang Up', 0.05],
  ['Rejected', 0.03],
];
export const DIRECT_OUTCOMES_CLOSED: ReadonlyArray<readonly [DirectOutcome, number]> = [
  ['Accepted', 0.2],
  ['Voicemail', 0.45],
  ['Missed', 0.25],
  ['Hang Up', 0.08],
  ['Rejected', 0.02],
];

/** Of answered calls to a user with FindMe, the share picked up on the mobile rather than the desk phone. */
export const FIND_ME_MOBILE_ANSWER_SHARE = 0.38;

export type QueueOutcome = 'Accepted' | 'Abandoned' | 'Voicemail';

export const QUEUE_OUTCOMES_OPEN: ReadonlyArray<readonly [QueueOutcome, number]> = [
  ['Accepted', 0.81],
  ['Abandoned', 0.12],
  ['Voicemail', 0.07],
];
/** After hours nobody is rung: the caller leaves a message or hangs up during the greeting. */
export const QUEUE_OUTCOMES_CLOSED: ReadonlyArray<readonly [QueueOutcome, number]> = [
  ['Voicemail', 0.7],
  ['Abandoned', 0.3],
];

/** How many queue members ring out (Missed) before one answers; capped by the queue's size. */
export const QUEUE_MISSES_BEFORE_ANSWER: ReadonlyArray<readonly [number, number]> = [
  [0, 0.55],
  [1, 0.27],
  [2, 0.12],
  [3, 0.06],
];
/** Members rung before the queue sends a caller to voicemail. */
export const QUEUE_MEMBERS_RUNG_BEFORE_VOICEMAIL = 4;

/** Share of answered inbound calls (direct or queue) that the answerer transfers to another user. */
export const TRANSFER_SHARE = 0.08;
export const TRANSFER_OUTCOMES: ReadonlyArray<readonly [DirectOutcome, number]> = [
  ['Accepted', 0.85],
  ['Voicemail', 0.1],
  ['Missed', 0.05],
];

export type OutboundOutcome =
  'Call connected' | 'No Answer' | 'Busy' | 'Hang Up' | 'Rejected' | 'Wrong Number' | 'Call Failed';

export const OUTBOUND_OUTCOMES: ReadonlyArray<readonly [OutboundOutcome, number]> = [
  ['Call connected', 0.7],
  ['No Answer', 0.13],
  ['Busy', 0.06],
  ['Hang Up', 0.06],
  ['Rejected', 0.03],
  ['Wrong Number', 0.01],
  ['Call Failed', 0.01],
];
/** Of connected outbound calls, the share answered by the far end's voicemail (reason `Connected`). */
export const OUTBOUND_REACHED_VOICEMAIL_SHARE = 0.2;

export type InternalOutcome = 'Accepted' | 'Missed' | 'Voicemail' | 'Rejected';

export const INTERNAL_OUTCOMES: ReadonlyArray<readonly [InternalOutcome, number]> = [
  ['Accepted', 0.74],
  ['Missed', 0.13],
  ['Voicemail', 0.1],
  ['Rejected', 0.03],
];

export const FAX_IN_RESULTS: ReadonlyArray<readonly [Result, number]> = [
  ['Received', 0.88],
  ['Partial Receive', 0.05],
  ['Receive Error', 0.07],
];
export const FAX_OUT_RESULTS: ReadonlyArray<readonly [Result, number]> = [
  ['Sent', 0.85],
  ['Send Error', 0.06],
  ['Fax Partially Sent', 0.03],
  ['Fax Not Sent', 0.03],
  ['Fax Poor Line', 0.03],
];
/** Fax results that leave a fax message in the message store. */
export const FAX_RESULTS_WITH_MESSAGE: ReadonlySet<Result> = new Set([
  'Received',
  'Partial Receive',
  'Sent',
  'Fax Partially Sent',
]);

export { REASON_BY_RESULT, REASON_DESCRIPTIONS } from '../domain/index.ts';

/** Time ranges in seconds, drawn uniformly: [min, max]. */
export type SecondsRange = readonly [number, number];

export const TIMES = {
  ringBeforeAnswer: [3, 20],
  ringTimeout: [20, 35],
  hangUpRing: [1, 8],
  rejectRing: [2, 10],
  voicemailMessage: [8, 90],
  voicemailHangUp: [0, 4],
  agentRing: [12, 20],
  agentAnswerRing: [3, 15],
  queueGreeting: [4, 12],
  queueAbandonWait: [10, 180],
  outboundRingBeforeAnswer: [4, 25],
  outboundNoAnswer: [25, 45],
  outboundBusy: [2, 6],
  outboundRejected: [5, 15],
  outboundHangUp: [1, 15],
  outboundFailed: [0, 4],
  faxSent: [30, 240],
  faxReceived: [20, 180],
  faxFailed: [5, 60],
  blocked: [0, 1],
  findMeDelay: [0, 2],
  beforePark: [10, 90],
  parked: [10, 120],
  parkedHangUp: [15, 180],
  beforeConsult: [15, 120],
  consult: [10, 90],
  conferenceJoinGap: [5, 30],
  ringOutUserAnswer: [2, 10],
} as const satisfies Record<string, SecondsRange>;

/** Talk time: a share of quick calls, the rest log-normal. */
export const TALK = {
  quickShare: 0.15,
  quick: [5, 40] as SecondsRange,
  medianSeconds: 150,
  sigma: 0.85,
  minSeconds: 5,
  maxSeconds: 10_800,
} as const;

/** Share of answered external calls recorded on demand when not recorded automatically. */
export const ON_DEMAND_RECORDING_SHARE = 0.04;
/** Part of the talk an on-demand recording covers. */
export const ON_DEMAND_PORTION: readonly [number, number] = [0.2, 0.9];

/** Share of dialed numbers that were the company main number (through the auto-receptionist). */
export const DIRECT_VIA_MAIN_NUMBER_SHARE = 0.2;
export const QUEUE_VIA_MAIN_NUMBER_SHARE = 0.6;
/** Share of outbound calls showing the main number as caller ID instead of the user's direct number. */
export const OUTBOUND_MAIN_CALLER_ID_SHARE = 0.25;

/** Extension-level records later deleted by their owner, and how long after the call. */
export const DELETED_SHARE = 0.005;
export const DELETION_DELAY: SecondsRange = [3600, 10 * 86400];

/** lastModifiedTime after the end of the call; records carrying a recording are finished later. */
export const LAST_MODIFIED_DELAY: SecondsRange = [2, 15];
export const RECORDED_LAST_MODIFIED_DELAY: SecondsRange = [20, 90];

/** Who calls: recurring contacts versus one-off numbers, and outbound special destinations. */
export const OUTSIDE = {
  contactShare: 0.7,
  contactsPerUser: 20,
  minContacts: 200,
  tollFreeShare: 0.03,
  internationalShare: 0.03,
  contactLocationShare: 0.65,
  oneOffLocationShare: 0.5,
} as const;

/** Spread of per-user call volume (log-normal sigma around 1). */
export const USER_ACTIVITY_SIGMA = 0.6;
