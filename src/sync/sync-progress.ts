// What a sync's progress line says: records, requests (and 429s), rate, the rate-limit group's state and an ETA
// (the command draws it: src/cli/progress.ts).

import type { SyncStatus } from './archiver.ts';

const number = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * Requests still to make, estimated: the rest of the log being read (by the share of its time range done, once
 * that share says something; a backfill's range is often mostly empty), and for each log not started the mean
 * pages of the extension logs finished so far (1 before any).
 */
export function estimateRemainingRequests(s: SyncStatus): number {
  const finished = s.finishedLogPages.reduce((a, b) => a + b, 0);
  const currentPages = s.pages - finished;
  const current = s.log === null ? 0 : s.logDone >= 0.1 ? (currentPages * (1 - s.logDone)) / s.logDone : 1;
  const extensionLogs = s.finishedLogPages.slice(1);
  const perLog = extensionLogs.length ? extensionLogs.reduce((a, b) => a + b, 0) / extensionLogs.length : 1;
  const notStarted = Math.max(0, s.logsTotal - s.logsDone - (s.log === null ? 0 : 1));
  return current + notStarted * perLog;
}

/**
 * Seconds to the end: under a limit, the wait for the next slot, then the requests beyond the free slots at the
 * limit's pace (where the pace settles); without one, at the pace so far.
 */
export function etaSeconds(s: SyncStatus, elapsedSeconds: number): number {
  const remaining = estimateRemainingRequests(s);
  const observed = Math.max(s.client.requests / elapsedSeconds, 1e-6);
  const { limit, windowSec, available, waitMs } = s.limit;
  if (!Number.isFinite(limit)) return remaining / observed;
  const pace = Math.min(observed, limit / windowSec);
  return waitMs / 1000 + Math.max(0, remaining - available) / pace;
}

export function formatStatus(s: SyncStatus, now: number): string {
  const seconds = Math.max(0.001, (now - s.startedAt) / 1000);
  const parts = [`sync ${s.stage === 'call log' ? (s.log ?? '') : s.stage}`.trim()];
  parts.push(`${number(s.records)} records`);
  parts.push(`${number(s.client.requests)} requests (${s.client.rateLimited} × 429)`);
  parts.push(`${number(s.records / seconds)} records/s`);
  const limit = s.limit;
  if (Number.isFinite(limit.limit)) {
    const wait = limit.waitMs > 0 ? `, next in ${formatDuration(limit.waitMs / 1000)}` : '';
    parts.push(`${limit.group} ${limit.available}/${limit.limit} left${wait}`);
  } else {
    parts.push(`${limit.group} not limited`);
  }
  if (s.logsTotal) parts.push(`logs ${s.logsDone}/${s.logsTotal}`);
  if (s.recordings.copied || s.recordings.unavailable) parts.push(`${number(s.recordings.copied)} recordings`);
  if (s.stage === 'call log') parts.push(`ETA ${formatDuration(etaSeconds(s, seconds))}`);
  return parts.join(' · ');
}
