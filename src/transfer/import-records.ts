// `ringlog import`: reads NDJSON or CSV call-log records from a stream and writes them through the store in
// bounded batches; bad records are reported by line and skipped, the good ones kept.

import type { CallLogRecord } from '../domain/index.ts';
import type { Store } from '../store/index.ts';
import { DirectoryPlaceholders } from './directory-placeholders.ts';
import { csvItems, ndjsonItems, type ImportFormat } from './import-sources.ts';
import type { Chunks } from './line-reader.ts';

export interface ImportOptions {
  format: ImportFormat;
  /** The account of records that do not name one (no `uri` / Record URI); they go to its company log. */
  accountId?: string;
  /** Records per store write (default 1000); memory is bounded by it, not by the file. */
  batchSize?: number;
  onReject?(line: number, reason: string): void;
  onProgress?(bytesRead: number): void;
}

export interface ImportSummary {
  /** Records read, good and bad. */
  read: number;
  /** Records written through `upsertRecords` (one whose stored copy is as new or newer stays as it is). */
  imported: number;
  rejected: number;
  createdAccounts: number;
  createdExtensions: number;
  /** CSV header cells ringlog does not know. */
  ignoredColumns: string[];
}

export const IMPORT_BATCH = 1000;

/** Imports a stream; idempotent, and lastModifiedTime never goes back (both kept by the store's upsert). */
export async function importCallLog(
  store: Store,
  input: Chunks,
  options: ImportOptions,
): Promise<ImportSummary> {
  const summary: ImportSummary = {
    read: 0, imported: 0, rejected: 0, createdAccounts: 0, createdExtensions: 0, ignoredColumns: [],
  };
  const directory = new DirectoryPlaceholders(store);
  const batchSize = options.batchSize ?? IMPORT_BATCH;
  let batch: CallLogRecord[] = [];
  // One batch is written while the next is read and parsed (PostgreSQL works meanwhile); at most two are held.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (!batch.length) return;
    const full = batch;
    batch = [];
    await directory.ensure(full);
    await writing;
    writing = store.upsertRecords(full);
    writing.catch(() => {}); // awaited at the next flush or the end; this only keeps it from counting as unhandled
    summary.imported += full.length;
  };
  const context = { accountId: options.accountId, logExtensionId: null };
  const items = options.format === 'csv'
    ? csvItems(input, context, (ignored) => (summary.ignoredColumns = ignored))
    : ndjsonItems(input, context);
  for await (const item of items) {
    summary.read += 1;
    if ('record' in item) batch.push(item.record);
    else {
      summary.rejected += 1;
      options.onReject?.(item.line, item.error);
    }
    if (batch.length >= batchSize) await flush();
    options.onProgress?.(item.bytesRead);
  }
  await flush();
  await writing;
  summary.createdAccounts = directory.createdAccounts;
  summary.createdExtensions = directory.createdExtensions;
  return summary;
}
