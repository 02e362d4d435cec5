// `ringlog import`: reads NDJSON or CSV call-log records from a stream, decodes them in batches on decoder threads
// and writes them through the store in the order they were read; bad records are reported by line and skipped,
// the good ones kept.

import type { PreparedRecord, Store } from '../store/index.ts';
import { createDecoderPool, defaultDecoders, type DecoderPool } from './decoder-pool.ts';
import { DirectoryPlaceholders, type DirectoryRefs } from './directory-placeholders.ts';
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
 * as the pages it touches, not the rows it holds. With 50,000 records a commit, 50–58 KB a record went to disk at
 * 4–5.5M records where 5,000 sent 220–245 KB (docs/benchmarks.md, bench:h16grow).
 */
const BATCHES_PER_WRITE = 50;

/**
 * PostgreSQL writes pages as they change, so a commit costs little more than its rows, and its report triggers hold
 * the account's lock until the commit (report-rollup-pg.ts): 5,000 records a transaction keep live ingest into the
 * same account waiting under a second, where 50,000 held it for several.
 */
const PG_BATCHES_PER_WRITE = 5;

/**
 * Batches sent to the decoders ahead of the write: the write takes them one at a time as they are decoded, so
 * memory holds these and the batch being written, not the transaction's records.
 */
const IN_FLIGHT = 5;

/** Imports a stream; idempotent, and lastModifiedTime never goes back (both kept by the store's upsert). */
export async function importCallLog(store: Store, input: Chunks, options: ImportOptions): Promise<ImportSummary> {
  const batchesPerWrite = store.dialect === 'postgres' ? PG_BATCHES_PER_WRITE : BATCHES_PER_WRITE;
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
  let batch: SourceItem[] = [];
  const send = () => {
    pool ??= createDecoderPool(decoders);
    inFlight.push({ decoded: pool.decode(job, batch), bytesRead: batch[batch.length - 1].bytesRead });
    // A batch that fails before its turn is reported at its turn; this only keeps it from counting as unhandled.
    inFlight[inFlight.length - 1].decoded.catch(() => {});
    batch = [];
  };
  const source = items[Symbol.asyncIterator]();
  let ended = false;
  /** Reads on and sends batches to the decoders until IN_FLIGHT are in flight or the input has ended. */
  const fill = async () => {
    while (!ended && inFlight.length < IN_FLIGHT) {
      const next = await source.next();
      if (next.done) {
        ended = true;
        if (batch.length) send();
      } else {
        batch.push(next.value);
        if (batch.length >= batchSize) send();
      }
    }
  };
  /**
   * The decoded batches of one write, oldest first (file order: the store keeps the first of equal versions), read
   * on as the write takes them. What they name of the directory is kept in `refs` for after the write, which holds
   * the store.
   */
  async function* nextWrite(refs: DirectoryRefs[], done: { bytesRead: number }): AsyncGenerator<PreparedRecord[]> {
    for (let i = 0; i < batchesPerWrite; i++) {
      await fill();
      const next = inFlight.shift();
      if (!next) return;
      const decoded = await next.decoded;
      summary.read += decoded.read;
      summary.rejected += decoded.rejects.length;
      for (const { line, error } of decoded.rejects) options.onReject?.(line, error);
      refs.push(decoded.refs);
      summary.imported += decoded.rows.length;
      done.bytesRead = next.bytesRead;
      yield decoded.rows;
    }
  }
  try {
    for (await fill(); inFlight.length; await fill()) {
      const refs: DirectoryRefs[] = [];
      const done = { bytesRead: 0 };
      await store.upsertPreparedBatches(nextWrite(refs, done));
      // Placeholders are made after their records' commit (idempotent: an import run again after a crash here
      // makes them then).
      for (const r of refs) await directory.ensure(r);
      options.onProgress?.(done.bytesRead);
    }
  } finally {
    await pool?.close();
  }
  summary.createdAccounts = directory.createdAccounts;
  summary.createdExtensions = directory.createdExtensions;
  return summary;
}
