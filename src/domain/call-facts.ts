// What reports need to know about one call-log record, derived once from its fields and legs (docs/reports.md):
// who answered, when, how long the talk lasted, whether it was transferred, and the outside party's number.

import type { CallLogLeg, CallLogRecord, PartyInfo } from './call-log-record.ts';
import { phoneDigits } from './call-log-record.ts';
import type { Result } from './enums.ts';

/** Results that mean a person (or, outbound, the far end) picked up. */
export const ANSWERED_RESULTS: readonly Result[] = ['Accepted', 'Call connected'];

export const isAnswered = (result: string): boolean => result === 'Accepted' || result === 'Call connected';

export interface CallFacts {
  /** The extension the record is about: its log's extension, or for a company record the first extension reached. */
  ownerId: string | null;
  /** The extension the call entered through: the master leg's (the call queue for queue calls). */
  entryId: string | null;
  /** The extension whose leg answered (answered records only). */
  agentId: string | null;
  /** Milliseconds from the record's start to the start of the answering leg; null when not answered. */
  answerMs: number | null;
  /** Milliseconds from the answering leg's start to the record's end; 0 when not answered. */
  talkMs: number;
  /** Whether a TransferCall leg follows (the call was transferred). */
  transferred: boolean;
  /** Digits of the outside party (the caller of an inbound call, the callee of an outbound one); null if internal. */
  contactDigits: string | null;
}

const isInternalParty = (p: PartyInfo): boolean => p.extensionId !== undefined || p.extensionNumber !== undefined;

/**
 * The leg that answered: a call queue's answering member (a Hunting leg) first, else the first answered leg that
 * is neither the master leg nor a transfer, else the master leg itself (outbound calls have only that one).
 */
export function answeringLeg(r: CallLogRecord): CallLogLeg | null {
  if (!isAnswered(r.result)) return null;
  const legs = r.legs;
  const hunting = legs.find((l) => l.legType === 'Hunting' && isAnswered(l.result));
  if (hunting) return hunting;
  const other = legs.find((l) => !l.master && l.legType !== 'TransferCall' && isAnswered(l.result));
  if (other) return other;
  return legs.find((l) => l.master) ?? legs[0] ?? null;
}

export function callFacts(r: CallLogRecord): CallFacts {
  const master = r.legs.find((l) => l.master) ?? r.legs[0];
  const leg = answeringLeg(r);
  const end = r.startTime + r.durationMs;
  let answerMs: number | null = null;
  let talkMs = 0;
  if (isAnswered(r.result)) {
    // A record without legs (a Simple import) counts as answered at its start.
    const at = leg ? Math.min(Math.max(leg.startTime, r.startTime), end) : r.startTime;
    answerMs = at - r.startTime;
    talkMs = end - at;
  }
  const outside = r.direction === 'Inbound' ? r.from : r.to;
  return {
    ownerId: r.extensionId ?? r.ownerExtensionId ?? null,
    entryId: master?.extensionId ?? null,
    agentId: answerMs === null ? null : (leg?.extensionId ?? r.extensionId),
    answerMs,
    talkMs,
    transferred: r.legs.some((l) => l.legType === 'TransferCall'),
    contactDigits: isInternalParty(outside) ? null : phoneDigits(outside.phoneNumber),
  };
}
