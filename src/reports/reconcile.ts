// Reconciliation: the calls of another source (a carrier invoice, a CRM export) matched against ringlog's records
// by outside number, start time within a tolerance and duration within a tolerance (docs/reports.md).

import { errors, isoDateTime, parseDateTime } from '../domain/index.ts';
import type { OutsideCall, OutsideWindow } from '../store/index.ts';
import type { ReportTable, ReportRow } from './report-definitions.ts';
import { seconds } from './report-math.ts';

export interface ReconcileRules {
  /** Largest difference of start times that still matches, seconds. */
  timeToleranceSeconds: number;
  /** Largest difference of durations that still matches, seconds (when the file gives durations). */
  durationToleranceSeconds: number;
  /** Country code put before national numbers of 10 digits or fewer (NANP: 1). */
  countryCode: string;
}

export const DEFAULT_RECONCILE_RULES: ReconcileRules = {
  timeToleranceSeconds: 60,
  durationToleranceSeconds: 5,
  countryCode: '1',
};

/** One call of the other source. */
export interface ExternalCall {
  /** 1-based line in the file. */
  line: number;
  startTime: number;
  /** The number as the file wrote it. */
  number: string;
  durationSeconds?: number;
  direction?: 'Inbound' | 'Outbound';
}

/**
 * A phone number as digits with the country code: formatting dropped, a `00` or `011` international prefix
 * removed, and `countryCode` put before numbers of 10 digits or fewer that lack a `+`.
 */
export function normalizeNumber(input: string, countryCode: string): string | null {
  const trimmed = input.trim();
  let digits = trimmed.replace(/\D/g, '');
  if (!digits) return null;
  if (trimmed.startsWith('+')) return digits;
  if (digits.startsWith('011')) return digits.slice(3);
  if (digits.startsWith('00')) return digits.slice(2);
  if (digits.length <= 10) digits = countryCode + digits;
  return digits;
}

const HEADER_NAMES = {
  startTime: ['starttime', 'start', 'time', 'date', 'datetime', 'calldate', 'calltime'],
  number: ['phonenumber', 'number', 'contact', 'othernumber', 'remotenumber', 'customer', 'phone'],
  duration: ['duration', 'durationseconds', 'seconds', 'billableseconds', 'length'],
  direction: ['direction'],
};

/** The calls in CSV rows (header first): columns found by name (startTime/time/date, number/phoneNumber, duration, direction). */
export function externalCallsFromCsv(rows: { cells: string[]; line: number }[]): ExternalCall[] {
  const [header, ...body] = rows;
  if (!header) return [];
  const names = header.cells.map((c) => c.toLowerCase().replace(/[^a-z]/g, ''));
  const find = (options: string[]) => names.findIndex((n) => options.includes(n));
  const at = {
    startTime: find(HEADER_NAMES.startTime),
    number: find(HEADER_NAMES.number),
    duration: find(HEADER_NAMES.duration),
    direction: find(HEADER_NAMES.direction),
  };
  if (at.startTime < 0 || at.number < 0) {
    throw errors.invalidParameter('file', 'a header with a start time column and a number column');
  }
  const calls: ExternalCall[] = [];
  for (const row of body) {
    if (row.cells.every((c) => c.trim() === '')) continue;
    const when = parseDateTime(row.cells[at.startTime]?.trim() ?? '');
    if (when === null)
      throw errors.invalidParameter('file', `line ${row.line}: start time "${row.cells[at.startTime]}"`);
    const call: ExternalCall = { line: row.line, startTime: when, number: row.cells[at.number] ?? '' };
    if (at.duration >= 0 && row.cells[at.duration]?.trim()) {
      const d = parseDuration(row.cells[at.duration]);
      if (d === null) throw errors.invalidParameter('file', `line ${row.line}: duration "${row.cells[at.duration]}"`);
      call.durationSeconds = d;
    }
    if (at.direction >= 0) {
      const d = row.cells[at.direction]?.trim().toLowerCase();
      if (d?.startsWith('in')) call.direction = 'Inbound';
      else if (d?.startsWith('out')) call.direction = 'Outbound';
    }
    calls.push(call);
  }
  return calls;
}

/** Seconds from `90`, `90.5`, `1:30` or `0:01:30`. */
function parseDuration(text: string): number | null {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(t);
  if (!m) return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/**
 * Where each external call's match may lie: its number's records that started within the time tolerance of it,
 * inside [from, to] (the period, inclusive); overlapping windows of one number are merged, so no record is in two.
 */
export function candidateWindows(
  calls: readonly ExternalCall[],
  rules: ReconcileRules,
  from: number,
  to: number,
): OutsideWindow[] {
  const tol = rules.timeToleranceSeconds * 1000;
  const spans: OutsideWindow[] = [];
  for (const call of calls) {
    const digits = normalizeNumber(call.number, rules.countryCode);
    const span = {
      digits: digits ?? '',
      from: Math.max(from, call.startTime - tol),
      to: Math.min(to, call.startTime + tol),
    };
    if (digits && span.from <= span.to) spans.push(span);
  }
  spans.sort((a, b) => (a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : a.from - b.from));
  const merged: OutsideWindow[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && last.digits === s.digits && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else merged.push({ ...s });
  }
  return merged;
}

/**
 * Matches each external call (in time order) to the unmatched ringlog record with the same outside number whose
 * start is nearest within the time tolerance and whose duration is within the duration tolerance (and whose
 * direction agrees, when the file gives one). `records` must hold every outside call of the period that could
 * match (those in candidateWindows, or more: the rest never match). One row per external call, in time order.
 */
export function matchCalls(
  records: readonly OutsideCall[],
  calls: readonly ExternalCall[],
  rules: ReconcileRules,
): { rows: ReportRow[]; matched: Set<string> } {
  const byNumber = new Map<string, OutsideCall[]>();
  for (const r of records) {
    let list = byNumber.get(r.contactDigits);
    if (!list) byNumber.set(r.contactDigits, (list = []));
    list.push(r);
  }
  const used = new Set<string>();
  const rows: ReportRow[] = [];
  const timeTol = rules.timeToleranceSeconds * 1000;
  const durTol = rules.durationToleranceSeconds * 1000;
  const ordered = [...calls].sort((a, b) => a.startTime - b.startTime || a.line - b.line);
  for (const call of ordered) {
    const digits = normalizeNumber(call.number, rules.countryCode);
    let best: OutsideCall | null = null;
    let bestScore = Infinity;
    for (const r of (digits && byNumber.get(digits)) || []) {
      if (used.has(r.id)) continue;
      const dt = Math.abs(r.startTime - call.startTime);
      if (dt > timeTol) continue;
      if (call.direction && call.direction !== r.direction) continue;
      const dd = call.durationSeconds === undefined ? 0 : Math.abs(r.durationMs - call.durationSeconds * 1000);
      if (dd > durTol) continue;
      const score = dt * 1e6 + dd;
      if (score < bestScore || (score === bestScore && best !== null && r.id < best.id)) {
        best = r;
        bestScore = score;
      }
    }
    if (best) used.add(best.id);
    rows.push({
      status: best ? 'matched' : 'only-in-file',
      line: call.line,
      fileTime: isoDateTime(call.startTime),
      fileNumber: call.number,
      fileDuration: call.durationSeconds ?? null,
      recordId: best?.id ?? null,
      recordTime: best ? isoDateTime(best.startTime) : null,
      number: best ? `+${best.contactDigits}` : digits ? `+${digits}` : null,
      recordDuration: best ? seconds(best.durationMs) : null,
      timeDifference: best ? seconds(best.startTime - call.startTime) : null,
    });
  }
  return { rows, matched: used };
}

/** The row of a record no external call matched. */
export function onlyInRingLogRow(r: OutsideCall): ReportRow {
  return {
    status: 'only-in-ringlog',
    line: null,
    fileTime: null,
    fileNumber: null,
    fileDuration: null,
    recordId: r.id,
    recordTime: isoDateTime(r.startTime),
    number: `+${r.contactDigits}`,
    recordDuration: seconds(r.durationMs),
    timeDifference: null,
  };
}

export const RECONCILE_COLUMNS: ReportTable['columns'] = [
  { key: 'status', label: 'Status' },
  { key: 'line', label: 'Line' },
  { key: 'fileTime', label: 'File time' },
  { key: 'fileNumber', label: 'File number' },
  { key: 'fileDuration', label: 'File s' },
  { key: 'recordId', label: 'Record' },
  { key: 'recordTime', label: 'Record time' },
  { key: 'number', label: 'Number' },
  { key: 'recordDuration', label: 'Record s' },
  { key: 'timeDifference', label: 'Δt s' },
];
