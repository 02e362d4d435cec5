// Turns an NDJSON or CSV byte stream into call-log records, one item per record read: the record, or the
// line it came from and why it was refused. Nothing here touches the store.

import { fromWire, type CallLogRecord, type WireContext } from '../domain/index.ts';
import { readCsvRows } from './csv-codec.ts';
import { csvLayout } from './csv-columns.ts';
import { readLines, type Chunks } from './line-reader.ts';

export type ImportFormat = 'ndjson' | 'csv';

export type ImportItem = { line: number; bytesRead: number } & ({ record: CallLogRecord } | { error: string });

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

function item(line: number, bytesRead: number, read: () => CallLogRecord): ImportItem {
  try {
    return { line, bytesRead, record: read() };
  } catch (err) {
    return { line, bytesRead, error: message(err) };
  }
}

/** The records of one NDJSON line: a record, or a whole list response (its `records`). */
function recordsOfLine(json: unknown): { json: unknown; label: string }[] {
  const o = json as { id?: unknown; records?: unknown };
  if (typeof o === 'object' && o !== null && o.id === undefined && Array.isArray(o.records)) {
    return o.records.map((r, i) => ({ json: r, label: `records[${i}]: ` }));
  }
  return [{ json, label: '' }];
}

/** NDJSON: one record per line as the list endpoint returns them (or one list response per line); blank lines skipped. */
export async function* ndjsonItems(input: Chunks, context: WireContext): AsyncGenerator<ImportItem> {
  for await (const { text, number, bytesRead } of readLines(input)) {
    if (!text.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      yield { line: number, bytesRead, error: `not valid JSON (${message(err)})` };
      continue;
    }
    for (const one of recordsOfLine(json)) {
      const read = item(number, bytesRead, () => fromWire(one.json, context));
      yield 'error' in read ? { ...read, error: one.label + read.error } : read;
    }
  }
}

/**
 * CSV with a header row naming its columns (see csv-columns.ts). A header the layout cannot use throws; a bad row
 * is an item with its error. `onHeader` hears which header cells are ignored.
 */
export async function* csvItems(
  input: Chunks,
  context: WireContext,
  onHeader?: (ignored: string[]) => void,
): AsyncGenerator<ImportItem> {
  let layout: ReturnType<typeof csvLayout> | undefined;
  for await (const row of readCsvRows(input)) {
    if (!layout) {
      if (row.error) throw new Error(`line ${row.line}: ${row.error}`);
      layout = csvLayout(row.cells);
      onHeader?.(layout.ignored);
      continue;
    }
    if (row.error) yield { line: row.line, bytesRead: row.bytesRead, error: row.error };
    else {
      const { toRecord } = layout;
      yield item(row.line, row.bytesRead, () => fromWire(toRecord(row.cells), context));
    }
  }
  if (!layout) throw new Error('the CSV file is empty: it needs a header row');
}
