// What other modules may use from transfer: importing call-log records from NDJSON or CSV, exporting them,
// and the file/stdin/stdout streams both work on.
export { importCallLog, IMPORT_BATCH, type ImportOptions, type ImportSummary } from './import-records.ts';
export type { ImportFormat } from './import-sources.ts';
export {
  exportCallLog,
  countExport,
  DEFAULT_BASE_URL,
  EXPORT_BATCH,
  type ExportFormat,
  type ExportOptions,
} from './export-records.ts';
export { openInput, openOutput, Output, type Input } from './file-streams.ts';
export { createDecoderPool, defaultDecoders, type DecoderPool } from './decoder-pool.ts';
export type { DecodedBatch, DecodeJob } from './record-decoder.ts';
export { readCsvRows, type CsvRow } from './csv-codec.ts';
export { exportParquet, parquetRow, PARQUET_SCHEMA } from './parquet-export.ts';
