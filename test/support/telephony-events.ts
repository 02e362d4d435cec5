// Telephony-session events as the session assembler appends them to the event log (TELEPHONY-CONTRACT.md): topic
// 'telephony-session', body = RingCentral's TelephonySessionEventBody, extensionIds = the parties' owners.

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
