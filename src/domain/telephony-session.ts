// What live telephony state looks like on the wire: RingCentral's CallSessionObject (telephony session read),
// the presence `activeCalls` items (ActiveCallInfo) and an extension's telephony presence (reference §4.2).

import type { TelephonyParty } from './telephony-event.ts';

/** A party as the telephony session read shows it (rc-platform.yaml CallParty). */
export type CallSessionParty = Omit<TelephonyParty, 'message' | 'uiCallInfo'>;

/** rc-platform.yaml CallSessionObject. */
export interface CallSessionObject {
  id: string;
  origin: { type: string };
  /** ISO 8601: when the session's first event happened. */
  creationTime: string;
  parties: CallSessionParty[];
}

export type TelephonyStatus = 'NoCall' | 'CallConnected' | 'Ringing' | 'OnHold' | 'ParkedCall';

/** rc-platform.yaml ActiveCallInfo: one item of presence `activeCalls`. */
export interface ActiveCallInfo {
  id: string;
  direction: 'Inbound' | 'Outbound';
  from: string;
  fromName?: string;
  to: string;
  toName?: string;
  startTime: string;
  telephonyStatus: TelephonyStatus;
  sessionId: string;
  telephonySessionId: string;
  partyId: string;
  queueCall: boolean;
  terminationType?: 'final';
  sipData: { toTag: string; fromTag: string; remoteUri: string; localUri: string };
}

/** An extension's telephony presence (detailedTelephonyState=true). */
export interface TelephonyPresence {
  extensionId: string;
  /** Aggregate of the items: CallConnected > OnHold > ParkedCall > Ringing > NoCall. */
  telephonyStatus: TelephonyStatus;
  /** Latest 7 items, newest first. */
  activeCalls: ActiveCallInfo[];
  totalActiveCalls: number;
  /** Per extension, +1 with every change of its telephony state. */
  sequence: number;
}

/** Presence `telephonyStatus` of a party in a status (reference §4.2, WID mapTelephonyStatus). */
export function telephonyStatusOf(code: string): TelephonyStatus {
  switch (code) {
    case 'Setup':
    case 'Proceeding':
      return 'Ringing';
    case 'Answered':
      return 'CallConnected';
    case 'Hold':
      return 'OnHold';
    case 'Parked':
      return 'ParkedCall';
    default:
      return 'NoCall';
  }
}

const PRECEDENCE: TelephonyStatus[] = ['CallConnected', 'OnHold', 'ParkedCall', 'Ringing', 'NoCall'];

/** The top-level status of several calls' statuses. */
export function aggregateTelephonyStatus(statuses: TelephonyStatus[]): TelephonyStatus {
  for (const s of PRECEDENCE) if (statuses.includes(s)) return s;
  return 'NoCall';
}
