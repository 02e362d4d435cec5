// `ringlog export`: streams the records of a date range from the store as NDJSON (the API's JSON, one record a
// line) or CSV (csv-columns.ts), a page at a time, so memory stays flat whatever the range.

import { withBase } from '../domain/index.ts';
import type { ExportFilter, Store } from '../store/index.ts';
import { csvLine } from './csv-codec.ts';
import { csvCells, csvHeader } from './csv-columns.ts';
import type { Output } from './file-streams.ts';

export type ExportFormat = 'ndjson' | 'csv';

export interface ExportOptions {
  format: ExportFormat;
  /** One filter per account exported; CSV reads the Detailed view whatever `view` says. */
  filters: ExportFilter[];
  /** Written where URIs name the server (default http://127.0.0.1:8080). */
  baseUrl?: string;
  /** Records per store read (default 1000). */
  batchSize?: number;
  onProgress?(records: number): void;
}

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';
export const EXPORT_BATCH = 1000;

function ndjsonPage(page: string[], base: string): string {
  return page.map((json) => `${withBase(json, base)}\n`).join('');
}

function csvPage(page: string[], base: string): string {
  return page.map((json) => csvLine(csvCells(JSON.parse(withBase(json, base)) as Record<string, unknown>))).join('');
}

/** Writes every record of the filters; returns how many. */
export async function exportCallLog(store: Store, out: Output, options: ExportOptions): Promise<{ records: number }> {
  const base = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/$/, '');
  const csv = options.format === 'csv';
  if (csv) await out.write(csvLine(csvHeader()));
  let records = 0;
  for (const filter of options.filters) {
    const pages = store.exportRecords(
      csv ? { ...filter, view: 'Detailed' } : filter,
      options.batchSize ?? EXPORT_BATCH,
    );
    for await (const page of pages) {
      await out.write(csv ? csvPage(page, base) : ndjsonPage(page, base));
      records += page.length;
      options.onProgress?.(records);
    }
  }
  return { records };
}

/** How many records the filters cover (for a progress total). */
export async function countExport(store: Store, filters: ExportFilter[]): Promise<number> {
  let total = 0;
  for (const filter of filters) total += await store.countRecords(filter);
  return total;
}
