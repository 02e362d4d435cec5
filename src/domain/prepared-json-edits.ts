// Edits of a record's prepared JSON that the server makes itself (deletion, dropping an expired recording),
// so the stored views change without rebuilding the record from scratch.

import { preparedStringify } from './call-log-record.ts';
import { isoDateTime } from './date-time.ts';

/** Marks a prepared record deleted at `at`: `deleted: true`, and a newer lastModifiedTime in the Detailed view. */
export function markDeletedJson(json: string, at: number): string {
  const record = JSON.parse(json) as Record<string, unknown>;
  record.deleted = true;
  if ('lastModifiedTime' in record) record.lastModifiedTime = isoDateTime(at);
  return preparedStringify(record);
}

/** Drops the `recording` of a record and of its legs (the recording is past retention). */
export function withoutRecordingJson(json: string): string {
  const record = JSON.parse(json) as Record<string, unknown>;
  delete record.recording;
  if (Array.isArray(record.legs)) for (const leg of record.legs as Record<string, unknown>[]) delete leg.recording;
  return preparedStringify(record);
}
