// How long call logs and recordings are kept: RingCentral's defaults, or everything (archive mode).

export interface RetentionPolicy {
  /** Days a call-log record is kept after its start; null keeps it forever. */
  logDays: number | null;
  /** Days a recording is kept after it was made; null keeps it forever. */
  recordingDays: number | null;
}

/** RingCentral keeps the call log 12 months and recordings 90 days. */
export const RINGCENTRAL_RETENTION: RetentionPolicy = { logDays: 365, recordingDays: 90 };
export const ARCHIVE_RETENTION: RetentionPolicy = { logDays: null, recordingDays: null };

/** `archive`, `ringcentral`, or `log=DAYS,recordings=DAYS` (either part may be `forever`). */
export function parseRetention(spec: string): RetentionPolicy {
  if (spec === 'archive') return ARCHIVE_RETENTION;
  if (spec === 'ringcentral') return RINGCENTRAL_RETENTION;
  const policy: RetentionPolicy = { ...ARCHIVE_RETENTION };
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = part.split('=');
    const days = value === 'forever' ? null : /^\d+$/.test(value ?? '') ? Number(value) : NaN;
    if ((name !== 'log' && name !== 'recordings') || Number.isNaN(days) || days === 0) {
      throw new Error(`retention "${part}": expected log=DAYS or recordings=DAYS (DAYS ≥ 1 or "forever")`);
    }
    if (name === 'log') policy.logDays = days;
    else policy.recordingDays = days;
  }
  return policy;
}
