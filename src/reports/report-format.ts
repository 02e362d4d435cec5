// A report as text: an aligned table for a terminal, CSV for spreadsheets (header = column keys), or JSON; and a
// report with all its paged rows as CSV or JSON, written out chunk by chunk.

import type { ReportResult } from './run-report.ts';
import type { Cell, ReportRow, ReportTable } from './report-definitions.ts';

export type ReportFormat = 'table' | 'csv' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'csv', 'json'];

const text = (v: Cell | undefined): string => (v === null || v === undefined ? '' : String(v));

function csvCell(v: Cell | undefined): string {
  const s = text(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Rows as CSV lines, each ending in CRLF. */
function csvLines(columns: ReportTable['columns'], rows: readonly ReportRow[]): string {
  let out = '';
  for (const row of rows) out += `${columns.map((c) => csvCell(row[c.key])).join(',')}\r\n`;
  return out;
}

export function reportCsv(r: ReportResult): string {
  return `${r.columns.map((c) => csvCell(c.key)).join(',')}\r\n${csvLines(r.columns, r.rows)}`;
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
  if (r.summary) {
    out.push(
      '',
      Object.entries(r.summary)
        .map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`)
        .join(', '),
    );
  }
  if (r.paging && r.paging.totalPages > 1) {
    const p = r.paging;
    out.push(`paged rows: page ${p.page} of ${p.totalPages} (${p.perPage.toLocaleString('en-US')} per page)`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * A report with its paged rows, the answer's page then `rest`, as CSV or JSON (the JSON answer without `paging`),
 * a chunk per page: for writing every row of a large answer without holding them all.
 */
export async function* formatAllRows(
  r: ReportResult,
  rest: AsyncIterable<ReportRow[]>,
  format: 'csv' | 'json',
): AsyncGenerator<string> {
  if (format === 'csv') {
    yield reportCsv(r);
    for await (const rows of rest) yield csvLines(r.columns, rows);
    return;
  }
  const { report, rows, paging: _paging, ...others } = r;
  const json = (list: readonly ReportRow[]) => list.map((row) => JSON.stringify(row)).join(',');
  yield `{"report":${JSON.stringify(report)},"rows":[${json(rows)}`;
  let empty = !rows.length;
  for await (const page of rest) {
    yield `${empty ? '' : ','}${json(page)}`;
    empty &&= !page.length;
  }
  yield `],${JSON.stringify(others).slice(1)}\n`;
}

export function formatReport(r: ReportResult, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(r)}\n`;
  return format === 'csv' ? reportCsv(r) : reportTable(r);
}
