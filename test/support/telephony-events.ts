// Telephony-session events as the session assembler appends them to the event log (TELEPHONY-CONTRACT.md): topic
// 'telephony-session', body = RingCentral's TelephonySessionEventBody, extensionIds = the parties' owners.

import type { TelephonySessionEventBody } from '../../src/domain/index.ts';
import type { NewEvent, Store } from '../../src/store/index.ts';

export interface PartySpec {
  extensionId: string;
  direction: 'Inbound' | 'Outbound';
  status: string;
  missedCall?: boolean;
  reason?: string;
  from?: string;
  to?: string;
}

let sequence = 0;

export function sessionEvent(
  accountId: string,
  sessionNumber: number,
  parties: PartySpec[],
  at = Date.now(),
): NewEvent {
  const telephonySessionId = `s-${sessionNumber.toString(16).padStart(32, '0')}`;
  sequence += 1;
  const body = {
    sequence,
    sessionId: String(400000000000 + sessionNumber),
    telephonySessionId,
    serverId: '10.13.22.28.TAM',
    eventTime: new Date(at).toISOString(),
    origin: { type: 'Call' },
    parties: parties.map((p, i) => ({
      accountId,
      extensionId: p.extensionId,
      id: `p-${telephonySessionId.slice(2)}-${i + 1}`,
      direction: p.direction,
      to: { phoneNumber: p.to ?? '+16505550100', extensionId: p.direction === 'Inbound' ? p.extensionId : undefined },
      from: { phoneNumber: p.from ?? '+14155550123' },
      status: { code: p.status, rcc: false, ...(p.reason ? { reason: p.reason } : {}) },
      park: {},
      missedCall: p.missedCall ?? false,
      standAlone: false,
      muted: false,
      sipData: { toTag: 'a', fromTag: 'b', callId: `c-${sessionNumber}` },
    })),
  };
  return {
    accountId,
    topic: 'telephony-session',
    sessionId: telephonySessionId,
    extensionIds: [...new Set(parties.map((p) => p.extensionId))],
    createdAt: at,
    body: JSON.stringify(body),
  };
}

/** Appends events as the assembler does (durable before anything is acknowledged); returns their ids. */
export async function appendEvents(store: Store, events: NewEvent[]): Promise<number[]> {
  return store.eventLog.append(events);
}

/**
 * The three events (Setup, Answered, Disconnected: the last ends it) of a call of one party, outbound from
 * `extensionId`, started a minute ago: what an upstream's ingest endpoint receives for the simplest call.
 */
export function oneLegCallEvents(
  accountId: string,
  extensionId: string,
  ids: { telephonySessionId: string; sessionId: string },
): TelephonySessionEventBody[] {
  const start = Date.now() - 60_000;
  const timeline = [
    ['Setup', start],
    ['Answered', start + 5000],
    ['Disconnected', start + 50_000],
  ] as const;
  return timeline.map(([code, at], i) => ({
    sequence: i + 1,
    sessionId: ids.sessionId,
    telephonySessionId: ids.telephonySessionId,
    serverId: '10.13.22.28.TAM',
    eventTime: new Date(at).toISOString(),
    origin: { type: 'Call' },
    parties: [
      {
        accountId,
        extensionId,
        id: `p-${ids.telephonySessionId.slice(2)}-1`,
        direction: 'Outbound',
        from: { phoneNumber: '+16505550100', extensionId },
        to: { phoneNumber: '+14155550123' },
        status: { code, rcc: false },
        missedCall: false,
        standAlone: false,
        muted: false,
      },
    ],
  }));
}
