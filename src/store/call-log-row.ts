// A record as the call_log table keeps it: its index columns and its two views as prepared JSON. Building it is
// the costly part of every write, so it is separate from the store: an import builds rows in worker threads.

import { callFacts, phoneDigits, prepareRecordJson, type CallLogRecord } from '../domain/index.ts';
import type { CallLogTable } from './schema.ts';

/** A call_log row before the store stamps when it wrote it. */
export type PreparedRecord = Omit<CallLogTable, 'changed_at'>;

export function prepareRecord(r: CallLogRecord): PreparedRecord {
  const json = prepareRecordJson(r);
  const fromDigits = phoneDigits(r.from.phoneNumber);
  const toDigits = phoneDigits(r.to.phoneNumber);
  const facts = callFacts(r);
  return {
    account_id: r.accountId,
    extension_id: r.extensionId ?? '',
    start_time: r.startTime,
    id: r.id,
    session_id: r.sessionId,
    telephony_session_id: r.telephonySessionId,
    last_modified: r.lastModifiedTime,
    deleted: r.deleted ? 1 : 0,
    direction: r.direction,
    type: r.type,
    transport: r.transport,
    result: r.result,
    recording_type: r.recording?.type ?? null,
    recording_id: r.recording?.id ?? null,
    from_digits: fromDigits,
    to_digits: toDigits,
    from_rev: reversed(fromDigits),
    to_rev: reversed(toDigits),
    simple_json: json.simple,
    detailed_json: json.detailed,
    duration_ms: r.durationMs,
    action: r.action,
    owner_id: facts.ownerId,
    entry_id: facts.entryId,
    agent_id: facts.agentId,
    answer_ms: facts.answerMs,
    talk_ms: facts.talkMs,
    transferred: facts.transferred ? 1 : 0,
    contact_digits: facts.contactDigits,
  };
}

/** A number's digits last to first (a suffix search becomes a prefix range); null stays null. */
export function reversed(digits: string | null): string | null {
  return digits === null ? null : [...digits].reverse().join('');
}
