// Decodes a batch of import items (NDJSON lines or CSV rows) into prepared call_log rows: parse, validate
// (fromWire), render both views. Pure and synchronous, so it runs as well in a worker thread as inline.

import { fromWire, type CallLogRecord, type WireContext } from '../domain/index.ts';
import { prepareRecord, type PreparedRecord } from '../store/call-log-row.ts';
import { csvLayout, type CsvLayout } from './csv-columns.ts';
import { emptyRefs, noteReferences, type DirectoryRefs } from './directory-placeholders.ts';
import type { SourceItem } from './import-sources.ts';

/** What every batch of one import shares. */
export interface DecodeJob {
  context: WireContext;
  /** The CSV header row, for CSV items. */
  csvHeader?: string[];
}

export interface DecodedBatch {
  rows: PreparedRecord[];
  /** Records read, good and bad (an NDJSON line may hold a list response of many). */
  read: number;
  rejects: { line: number; error: string }[];
  refs: DirectoryRefs;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The records of one NDJSON line: a record, or a whole list response (its `records`). */
function recordsOfLine(json: unknown): { json: unknown; label: string }[] {
  const o = json as { id?: unknown; records?: unknown };
  if (typeof o === 'object' && o !== null && o.id === undefined && Array.isArray(o.records)) {
    return (o.records as unknown[]).map((r, i) => ({ json: r, label: `records[${i}]: ` }));
  }
  return [{ json, label: '' }];
}

let layoutCache: { header: string[]; layout: CsvLayout } | undefined;

function layoutOf(header: string[]): CsvLayout {
  if (layoutCache?.header.join('\n') !== header.join('\n')) layoutCache = { header, layout: csvLayout(header) };
  return layoutCache.layout;
}

export function decodeBatch(job: DecodeJob, items: SourceItem[]): DecodedBatch {
  const out: DecodedBatch = { rows: [], read: 0, rejects: [], refs: emptyRefs() };
  // Each record is taken all the way to its row before the next is read, so the parsed JSON and the model die
  // young (cheap to collect) and only the rows stay.
  const take = (line: number, json: unknown, label = '') => {
    out.read += 1;
    let record: CallLogRecord;
    try {
      record = fromWire(json, job.context);
    } catch (err) {
      out.rejects.push({ line, error: label + message(err) });
      return;
    }
    out.rows.push(prepareRecord(record));
    noteReferences(record, out.refs);
  };
  for (const item of items) {
    if ('error' in item) {
      out.read += 1;
      out.rejects.push({ line: item.line, error: item.error });
    } else if ('cells' in item) {
      if (!job.csvHeader) throw new Error('CSV rows need the header row');
      const layout = layoutOf(job.csvHeader);
      let json: unknown;
      try {
        json = layout.toRecord(item.cells);
      } catch (err) {
        out.read += 1;
        out.rejects.push({ line: item.line, error: message(err) });
        continue;
      }
      take(item.line, json);
    } else {
      let json: unknown;
      try {
        json = JSON.parse(item.text);
      } catch (err) {
        out.read += 1;
        out.rejects.push({ line: item.line, error: `not valid JSON (${message(err)})` });
        continue;
      }
      for (const one of recordsOfLine(json)) take(item.line, one.json, one.label);
    }
  }
  return out;
}
