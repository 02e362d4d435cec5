// `ringlog import`: reads NDJSON or CSV call-log records from a stream, decodes them in batches on decoder threads
// and writes them through the store in the order they were read; bad records are reported by line and skipped,
// the good ones kept.

import type { PreparedRecord, Store } from '../store/index.ts';
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

/**
 * Decoded batches written together, in one store write (one transaction). On SQLite a commit rewrites every page it
 * touched of the indexes whose keys are random to the file's order (record id, telephony session, reversed numbers,
 * contact): at a few million records nearly one 64 KiB page per record per index, so a commit costs about as much
 * as the pages it touches, not the rows it holds. 50,000 records a commit wrote 52 KB a record to disk at 4.5M
 * records where 5,000 wrote 220 KB (docs/benchmarks.md, bench:h16grow).
 */
const BATCHES_PER_WRITE = 50;

/** Batches decoded ahead of the write that needs them: one write's worth and a few more, no more in memory. */
const IN_FLIGHT = BATCHES_PER_WRITE + 5;

/** Imports a stream; idempotent, and lastModifiedTime never goes back (both kept by the store's upsert). */
export async function importCallLog(store: Store, input: Chunks, options: ImportOptions): Promise<ImportSummary> {
  const summary: ImportSummary = {
    read: 0,
    imported: 0,
    rejected: 0,
    createdAccounts: 0,
    createdExtensions: 0,
    ignoredColumns: [],
  };
  const directory = new DirectoryPlaceholders(store);
  const batchSize = options.batchSize ?? IMPORT_BATCH;
  const decoders = options.decoders ?? defaultDecoders();
  const job: DecodeJob = { context: { accountId: options.accountId, logExtensionId: null } };
  const items =
    options.format === 'csv'
      ? csvRows(input, (header) => {
          summary.ignoredColumns = csvLayout(header).ignored; // throws on a header it cannot use
          job.csvHeader = header;
        })
      : ndjsonLines(input);

  let pool: DecoderPool | undefined;
  const inFlight: { decoded: Promise<DecodedBatch>; bytesRead: number }[] = [];
  /** Writes the oldest batches in flight (in file order: the store keeps the first of equal versions). */
  const storeNext = async () => {
    const group = inFlight.splice(0, BATCHES_PER_WRITE);
    const rows: PreparedRecord[] = [];
    for (const { decoded } of group) {
      const batch = await decoded;
      summary.read += batch.read;
      summary.rejected += batch.rejects.length;
      for (const { line, error } of batch.rejects) options.onReject?.(line, error);
      await directory.ensure(batch.refs);
      for (const row of batch.rows) rows.push(row);
    }
    await store.upsertPrepared(rows);
    summary.imported += rows.length;
    options.onProgress?.(group[group.length - 1].bytesRead);
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
        if (inFlight.length >= IN_FLIGHT) await storeNext();
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
