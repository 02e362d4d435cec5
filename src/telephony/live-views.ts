// What a session looks like while it is live, from its journal: active-call entries (telephony-to-call-log.md
// §4.1: the call-log record shape, `In Progress` until the extension's part ends), presence items (§4.2) and the
// telephony session read (CallSessionObject). Pure.

import {
  isoDateTime,
  PARK_REASONS,
  telephonyStatusOf,
  type ActiveCallInfo,
  type CallLogRecord,
  type CallSessionObject,
  type CallSessionParty,
} from '../domain/index.ts';
import { assembleCall, type AssembledCall, type AssemblyContext } from './session-assembler.ts';
import { terminalStep, type PartyJournal, type SessionJournal } from './session-journal.ts';

export interface LiveCallEntry {
  /** The extension's id, '' for the company's list. */
  logId: string;
  startTime: number;
  endedAt: number | null;
  record: CallLogRecord;
}

export interface PresenceEntry {
  extensionId: string;
  startTime: number;
  endedAt: number | null;
  item: ActiveCallInfo;
}

const CONNECTED = new Set(['Answered', 'Hold', 'Parked']);

const wasConnected = (p: PartyJournal) => p.steps.some((s) => CONNECTED.has(s.code));
const isOpen = (p: PartyJournal) => terminalStep(p) === undefined;

/**
 * The session's active-call entries: for each extension whose party got connected (Answered, Hold, Parked) and
 * for the company once any did, its record with `result: In Progress` while the extension is on the call, and
 * with the final result once it left (`endedAt`). `finished` = the session is closed (records final); `assembled`, its
 * `assembleCall(j, ctx)` if the caller has it already.
 */
export function liveCalls(
  j: SessionJournal,
  ctx: AssemblyContext,
  now: number,
  finished: boolean,
  assembled?: AssembledCall,
): LiveCallEntry[] {
  const connected = j.parties.filter((p) => p.extensionId !== undefined && wasConnected(p));
  if (!connected.length) return [];
  const call = finished ? (assembled ?? assembleCall(j, ctx)) : assembleCall(j, ctx, now, now);
  const out: LiveCallEntry[] = [];
  for (const record of call.records) {
    const logId = record.extensionId ?? '';
    const parties = record.extensionId === null ? connected : connected.filter((p) => p.extensionId === logId);
    if (!parties.length) continue;
    const open = !finished && (record.extensionId === null ? j.parties.some(isOpen) : parties.some((p) => isOpen(p)));
    const entry: CallLogRecord = { ...record };
    if (open) {
      entry.result = 'In Progress';
      delete entry.reason;
      delete entry.reasonDescription;
    }
    out.push({
      logId,
      startTime: record.startTime,
      endedAt: open ? null : record.startTime + record.durationMs,
      record: entry,
    });
  }
  return out;
}

/** Ends of a party as presence shows them: E.164 or extension number, and the name. */
function endText(end: { phoneNumber?: string; name?: string }): { number: string; name?: string } {
  return { number: end.phoneNumber ?? '', ...(end.name !== undefined ? { name: end.name } : {}) };
}

/**
 * Presence items of the session's users (not call queues): per extension its newest party's status; a party that
 * ended gives one last `NoCall` item with `terminationType: final` (endedAt set), except a party that parked the
 * call, which shows `ParkedCall` while the call is parked.
 */
export function presenceItems(j: SessionJournal, isUser: (extensionId: string) => boolean): PresenceEntry[] {
  const newest = new Map<string, PartyJournal>();
  for (const p of j.parties) {
    if (p.extensionId === undefined || !isUser(p.extensionId)) continue;
    const seen = newest.get(p.extensionId);
    if (!seen || isOpen(p) || !isOpen(seen)) newest.set(p.extensionId, p);
  }
  const parkedNow = j.parties.some((p) => p.steps[p.steps.length - 1]?.code === 'Parked');
  const out: PresenceEntry[] = [];
  for (const [extensionId, p] of newest) {
    const last = p.steps[p.steps.length - 1];
    // The user who parked the call shows it parked until someone picks it up or the caller leaves (docs).
    const parker = parkedNow && last !== undefined && last.reason !== undefined && PARK_REASONS.has(last.reason);
    const status = parker ? 'ParkedCall' : telephonyStatusOf(last?.code ?? 'Setup');
    const start = p.steps[0]?.time ?? j.firstTime;
    const from = endText(p.from);
    const to = endText(p.to);
    const item: ActiveCallInfo = {
      id: j.telephonySessionId,
      direction: p.direction,
      from: from.number,
      ...(from.name !== undefined ? { fromName: from.name } : {}),
      to: to.number,
      ...(to.name !== undefined ? { toName: to.name } : {}),
      startTime: isoDateTime(start),
      telephonyStatus: status,
      sessionId: j.sessionId,
      telephonySessionId: j.telephonySessionId,
      partyId: p.id,
      queueCall: p.queueCall,
      sipData: {
        toTag: `${p.id}-to`,
        fromTag: `${p.id}-from`,
        remoteUri: `sip:${p.direction === 'Inbound' ? from.number : to.number}@sip.ringlog.invalid`,
        localUri: `sip:${p.direction === 'Inbound' ? to.number : from.number}@sip.ringlog.invalid`,
      },
    };
    if (status === 'NoCall') item.terminationType = 'final';
    out.push({ extensionId, startTime: start, endedAt: status === 'NoCall' ? (last?.time ?? start) : null, item });
  }
  return out;
}

/** The live session as the telephony session read returns it. */
export function sessionObject(j: SessionJournal): CallSessionObject {
  return {
    id: j.telephonySessionId,
    origin: { type: j.origin },
    creationTime: isoDateTime(j.firstTime),
    parties: j.parties.map((p) => {
      const { message: _m, uiCallInfo: _u, ...party } = p.latest;
      const shown: CallSessionParty = { ...party, from: p.from, to: p.to };
      return shown;
    }),
  };
}
