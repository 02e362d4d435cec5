// `ringlog import`: reads NDJSON or CSV call-log records from a stream, decodes them in batches on decoder threads
// and writes them through the store in the order they were read; bad records are reported by line and skipped,
// the good ones kept.

import type { Store } from '../store/index.ts';
import { createDecoderPool, defaultDecoders, type DecoderPool } from './decoder-pool.ts';
import { DirectoryPlaceholders } from './directory-placeholders.ts';
import { csvLayout } from './csv-columns.ts';
import { csvRows, ndjsonLines, type ImportFormat, type SourceItem } from './import-sources.ts';
import type { Chunks } from './line-reader.ts';
import type { DecodedBatch, DecodeJob } from './record-decoder.ts';

export interface ImportOptions {
  format: ImportFormat;
  /** The account of records that do not name one (no `uri` / Record URI); they go to its company log. */
  accountId?: string;
  /** Records per batch (default 1000); memory is bounded by it and the batches in flight, not by the file. */
  batchSize?: number;
  /** Decoder threads (default: one per spare core); 0 decodes on the calling thread. */
  decoders?: number;
  onReject?(line: number, reason: string): void;
  onProgress?(bytesRead: number): void;
}

export interface ImportSummary {
  /** Records read, good and bad. */
  read: number;
  /** Records written through the store's upsert (one whose stored copy is as new or newer stays as it is). */
  imported: number;
  rejected: number;
  createdAccounts: number;
  createdExtensions: number;
  /** CSV header cells ringlog does not know. */
  ignoredColumns: string[];
}

export const IMPORT_BATCH = 1000;

/** Batches decoded ahead of the store per decoder thread: enough to keep them busy while a batch is written. */
const AHEAD_PER_DECODER = 2;

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
  const decoders = options.decoders ?? defaultDecoders();
  const job: DecodeJob = { context: { accountId: options.accountId, logExtensionId: null } };
  const items = options.format === 'csv'
    ? csvRows(input, (header) => {
      summary.ignoredColumns = csvLayout(header).ignored; // throws on a header it cannot use
      job.csvHeader = header;
    })
    : ndjsonLines(input);

  let pool: DecoderPool | undefined;
  const inFlight: { decoded: Promise<DecodedBatch>; bytesRead: number }[] = [];
  const storeNext = async () => {
    const { decoded, bytesRead } = inFlight.shift()!;
    const batch = await decoded;
    summary.read += batch.read;
    summary.rejected += batch.rejects.length;
    for (const { line, error } of batch.rejects) options.onReject?.(line, error);
    await directory.ensure(batch.refs);
    await store.upsertPrepared(batch.rows);
    summary.imported += batch.rows.length;
    options.onProgress?.(bytesRead);
  };
  let batch: SourceItem[] = [];
  const send = () => {
    pool ??= createDecoderPool(decoders);
    inFlight.push({ decoded: pool.decode(job, batch), bytesRead: batch[batch.length - 1].bytesRead });
    // A batch that fails before its turn is reported at its turn; this only keeps it from counting as unhandled.
    inFlight[inFlight.length - 1].decoded.catch(() => {});
    batch = [];
  };
  try {
    for await (const item of items) {
      batch.push(item);
      if (batch.length >= batchSize) {
        send();
        if (inFlight.length > AHEAD_PER_DECODER * Math.max(1, decoders)) await storeNext();
      }
    }
    if (batch.length) send();
    while (inFlight.length) await storeNext();
  } finally {
    await pool?.close();
  }
  summary.createdAccounts = directory.createdAccounts;
  summary.createdExtensions = directory.createdExtensions;
  return summary;
}
