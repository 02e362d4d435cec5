// Call-log records for store tests that need some records, not particular ones.

import type { CallLogRecord } from '../../src/domain/index.ts';
import { CALL_LOG_COLUMNS } from '../../src/store/record-writers.ts';

/** 2026-11-01T10:00:00Z: when the first of `voiceCall`'s calls starts. */
export const FIRST_CALL = Date.parse('2026-11-01T10:00:00Z');

/**
 * An answered 30-second inbound voice call of extension 62000001 (account 1000), the n-th of a series a minute
 * apart, with `fields` changed.
 */
export function voiceCall(n: number, fields: Partial<CallLogRecord> = {}): CallLogRecord {
  const startTime = FIRST_CALL + n * 60_000;
  return {
    id: `R${n}`,
    accountId: '1000',
    extensionId: '62000001',
    sessionId: String(500000000 + n),
    telephonySessionId: `s-${n}`,
    startTime,
    duration: 30,
    durationMs: 30_000,
    type: 'Voice',
    direction: 'Inbound',
    action: 'Phone Call',
    result: 'Accepted',
    from: { phoneNumber: '+16505550100' },
    to: { phoneNumber: '+16505550101', extensionNumber: '101' },
    transport: 'PSTN',
    legs: [],
    lastModifiedTime: startTime + 30_000,
    deleted: false,
    ...fields,
  };
}

/**
 * SQL that copies the stored row `where` selects into call_log, with the columns in `set` given as SQL (e.g. a new
 * id as a parameter): a write that goes through call_log's triggers as any other insert does.
 */
export function copyCallLogRow(set: Partial<Record<(typeof CALL_LOG_COLUMNS)[number], string>>, where: string): string {
  return `insert into call_log (${CALL_LOG_COLUMNS.join(', ')})
    select ${CALL_LOG_COLUMNS.map((c) => set[c] ?? c).join(', ')} from call_log where ${where}`;
}
