// A report as text: an aligned table for a terminal, CSV for spreadsheets (header = column keys), or JSON.

import type { ReportResult } from './run-report.ts';
import type { Cell } from './report-definitions.ts';

export type ReportFormat = 'table' | 'csv' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'csv', 'json'];

const text = (v: Cell | undefined): string => (v === null || v === undefined ? '' : String(v));

function csvCell(v: Cell | undefined): string {
  const s = text(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function reportCsv(r: ReportResult): string {
  const lines = [r.columns.map((c) => csvCell(c.key)).join(',')];
  for (const row of r.rows) lines.push(r.columns.map((c) => csvCell(row[c.key])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Columns padded to their widest cell, numbers right-aligned; a title line with the period and filters. */
export function reportTable(r: ReportResult): string {
  const cells = r.rows.map((row) => r.columns.map((c) => (row[c.key] === null ? '-' : text(row[c.key]))));
  const numeric = r.columns.map((c) => r.rows.some((row) => typeof row[c.key] === 'number'));
  const widths = r.columns.map((c, i) => Math.max(c.label.length, ...cells.map((line) => line[i].length)));
  const pad = (s: string, i: number) => (numeric[i] ? s.padStart(widths[i]) : s.padEnd(widths[i]));
  const filters = Object.entries(r.filters)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
    .join(' ');
  const out = [
    `${r.report}: ${r.from} .. ${r.to} (${r.timeZone})${filters ? `  ${filters}` : ''}`,
    r.columns
      .map((c, i) => pad(c.label, i))
      .join('  ')
      .trimEnd(),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map((line) => line.map(pad).join('  ').trimEnd()),
  ];
  if (!r.rows.length) out.push('(no rows)');
  return `${out.join('\n')}\n`;
}

export function formatReport(r: ReportResult, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(r)}\n`;
  return format === 'csv' ? reportCsv(r) : reportTable(r);
}
