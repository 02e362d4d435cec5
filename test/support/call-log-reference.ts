// Reference semantics the tests check the real code against: which records a call-log filter keeps, the list
// order, and a record rendered as an object. The store answers these in SQL and serves prepared JSON text;
// these plain versions exist only so tests can compare.

import {
  phoneDigits,
  prepareRecordJson,
  type CallLogFilter,
  type CallLogRecord,
  type View,
} from '../../src/domain/index.ts';

/**
 * Whether a record passes the filter. `involved` says whether the extension named by `extensionNumber`
 * took part in the record's session (the store answers it with an index; here the caller supplies it).
 */
export function matchesFilter(r: CallLogRecord, f: CallLogFilter, involved: (r: CallLogRecord) => boolean): boolean {
  if (r.accountId !== f.accountId || r.extensionId !== f.extensionId) return false;
  if (r.startTime < f.dateFrom || r.startTime > f.dateTo) return false;
  if (r.deleted && !f.showDeleted) return false;
  if (!f.showBlocked && r.result === 'Blocked') return false;
  if (f.direction && !f.direction.includes(r.direction)) return false;
  if (f.type && !f.type.includes(r.type)) return false;
  if (f.transport && !f.transport.includes(r.transport)) return false;
  if (f.recordingType) {
    if (!r.recording) return false;
    if (f.recordingType !== 'All' && r.recording.type !== f.recordingType) return false;
  }
  if (f.results && !f.results.includes(r.result)) return false;
  if (f.sessionId !== undefined && r.sessionId !== f.sessionId) return false;
  if (f.telephonySessionId !== undefined && r.telephonySessionId !== f.telephonySessionId) return false;
  if (f.phoneNumber !== undefined) {
    // A suffix match on digits: `6505550100` finds `+1 650 555 0100` (numbers written with or without the country).
    const { phoneNumber } = f;
    const ends = (phone: string | undefined) => phoneDigits(phone)?.endsWith(phoneNumber) ?? false;
    if (!ends(r.from.phoneNumber) && !ends(r.to.phoneNumber)) return false;
  }
  if (f.extensionNumber !== undefined && !involved(r)) return false;
  return true;
}

/** Newest first; ties broken by id so that pages never overlap. */
export function compareNewestFirst(a: CallLogRecord, b: CallLogRecord): number {
  return b.startTime - a.startTime || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The record as RingCentral sends it in `view`, with BASE_MARK where the base URL goes. */
export function renderRecord(r: CallLogRecord, view: View): Record<string, unknown> {
  const json = prepareRecordJson(r);
  return JSON.parse(view === 'Simple' ? json.simple : json.detailed) as Record<string, unknown>;
}

/** What test records and their legs share: an inbound voice call answered and lasting `seconds`. */
export function answeredCall(seconds: number) {
  return {
    duration: seconds,
    durationMs: seconds * 1000,
    type: 'Voice',
    direction: 'Inbound',
    action: 'Phone Call',
    result: 'Accepted',
  } as const;
}
