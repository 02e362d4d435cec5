// Splits an NDJSON or CSV byte stream into the units an import decodes: NDJSON lines, or CSV rows with the header
// that names their columns. Nothing here parses a record (record-decoder.ts does) or touches the store.

import { readCsvRows } from './csv-codec.ts';
import { readLines, type Chunks } from './line-reader.ts';

export type ImportFormat = 'ndjson' | 'csv';

/** One NDJSON line or one CSV data row, where it starts, and how much of the input was read by then. */
export type SourceItem = { line: number; bytesRead: number } & (
  { text: string } | { cells: string[] } | { error: string }
);

/** NDJSON: the non-blank lines. */
export async function* ndjsonLines(input: Chunks): AsyncGenerator<SourceItem> {
  for await (const { text, number, bytesRead } of readLines(input)) {
    if (text.trim()) yield { line: number, bytesRead, text };
  }
}

/**
 * CSV: the data rows after the header row, which `onHeader` receives first (it may throw to refuse it). A
 * malformed row is an item with its error.
 */
export async function* csvRows(input: Chunks, onHeader: (cells: string[]) => void): AsyncGenerator<SourceItem> {
  let header = false;
  for await (const row of readCsvRows(input)) {
    if (!header) {
      if (row.error) throw new Error(`line ${row.line}: ${row.error}`);
      onHeader(row.cells);
      header = true;
    } else if (row.error) yield { line: row.line, bytesRead: row.bytesRead, error: row.error };
    else yield { line: row.line, bytesRead: row.bytesRead, cells: row.cells };
  }
  if (!header) throw new Error('the CSV file is empty: it needs a header row');
}
