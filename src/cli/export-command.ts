// `ringlog export`: writes the records of a date range as NDJSON or CSV to a file or stdout, with a progress
// bar (records) on stderr when it is a terminal and plain progress lines otherwise.

import { Command, Option } from 'commander';
import { VIEWS, type View } from '../domain/index.ts';
import { openStore, type ExportFilter, type Store } from '../store/index.ts';
import {
  countExport,
  DEFAULT_BASE_URL,
  exportCallLog,
  exportParquet,
  openOutput,
  type ExportFormat,
} from '../transfer/index.ts';
import { dateTime, dbOption, parsedBy } from './options.ts';
import { createProgress, type Progress } from './progress.ts';

export interface ExportFlags {
  db: string;
  format?: ExportFormat | 'parquet';
  from: number;
  to: number;
  extension?: string;
  account?: string;
  view: View;
  out: string;
  baseUrl: string;
}

/** The latest time JavaScript dates can hold: `--to` when not given. */
const END_OF_TIME = 8.64e15;
/** SQLite's page cache for an export, KiB (a few 64 KiB pages of each b-tree it walks). */
const EXPORT_CACHE_KIB = 8192;

/** The logs to export, per account: --extension picks one log (an id, a number, or `company`), else every log. */
async function logsToExport(
  store: Store,
  flags: ExportFlags,
): Promise<{ accountId: string; extensionId?: string | null }[]> {
  const accounts = flags.account ? [flags.account] : (await store.listAccounts()).map((a) => a.id);
  if (flags.account && !(await store.getAccount(flags.account)))
    throw new Error(`no account ${flags.account} in the database`);
  const wanted = flags.extension;
  if (wanted === undefined) return accounts.map((accountId) => ({ accountId }));
  if (wanted.toLowerCase() === 'company') return accounts.map((accountId) => ({ accountId, extensionId: null }));
  const byId = await store.getExtension(wanted);
  if (byId && accounts.includes(byId.accountId)) return [{ accountId: byId.accountId, extensionId: byId.id }];
  const found = [];
  for (const accountId of accounts) {
    const byNumber = await store.findExtensionByNumber(accountId, wanted);
    if (byNumber) found.push({ accountId, extensionId: byNumber.id });
  }
  if (found.length !== 1) {
    throw new Error(
      found.length ? `extension number ${wanted} is in several accounts: add --account` : `no extension ${wanted}`,
    );
  }
  return found;
}

/** Writes the records; returns the exit status. */
async function writeExport(
  store: Store,
  target: string,
  format: ExportFormat | 'parquet',
  filters: ExportFilter[],
  baseUrl: string,
  progress: Progress,
): Promise<number> {
  const started = performance.now();
  if (format === 'parquet') {
    const { records } = await exportParquet(store, target, filters, (n) => progress.update(n));
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`Exported ${records} records to Parquet in ${seconds.toFixed(1)}s\n`);
    return 0;
  }
  const out = openOutput(target);
  try {
    const { records } = await exportCallLog(store, out, {
      format,
      filters,
      baseUrl,
      onProgress: (n) => progress.update(n),
    });
    await out.close();
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(
      `Exported ${records} records in ${seconds.toFixed(1)}s (${Math.round(records / seconds)} records/s)\n`,
    );
  } catch (err) {
    // A reader that stops early (`ringlog export | head`) is not a failure of the export.
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    throw err;
  }
  return 0;
}

/** Runs the export; returns the exit status. */
export async function runExport(flags: ExportFlags): Promise<number> {
  const target = flags.out;
  const format = flags.format ?? (/\.csv$/i.test(target) ? 'csv' : /\.parquet$/i.test(target) ? 'parquet' : 'ndjson');
  if (format === 'parquet' && target === '-') throw new Error('--format parquet writes a file: add --out FILE.parquet');
  // An export reads each page of a log once, in key order: SQLite's default 64 MiB cache would only hold pages it
  // never reads again (about 50 MiB of the 1M-record export's RSS: docs/benchmarks.md, session16).
  const store = await openStore(flags.db, { cacheKiB: EXPORT_CACHE_KIB });
  try {
    const filters: ExportFilter[] = (await logsToExport(store, flags)).map((log) => ({
      ...log,
      dateFrom: flags.from,
      dateTo: flags.to,
      view: flags.view,
    }));
    const progress = createProgress('exporting (records)', await countExport(store, filters));
    // Stopped on every way out, an early reader's EPIPE included: a running bar's timer keeps the process alive.
    try {
      return await writeExport(store, target, format, filters, flags.baseUrl, progress);
    } finally {
      progress.stop();
    }
  } finally {
    await store.close();
  }
}

export function exportCommand(): Command {
  const date = parsedBy(dateTime());
  return new Command('export')
    .description('export call-log records of a date range as NDJSON, CSV or Parquet (see docs/import-export.md)')
    .addOption(dbOption())
    .addOption(
      new Option('--format <format>', 'default: by the --out file name, else ndjson').choices([
        'ndjson',
        'csv',
        'parquet',
      ]),
    )
    .addOption(
      new Option('--from <date>', 'first startTime included, e.g. 2026-11-01')
        .argParser(date)
        .default(0, 'the beginning'),
    )
    .addOption(new Option('--to <date>', 'last startTime included').argParser(date).default(END_OF_TIME, 'no end'))
    .option('--extension <id|number>', "one extension's log (by id or number), or `company` for the company log")
    .option('--account <id>', 'one account (default: every account)')
    .addOption(new Option('--view <view>', 'for NDJSON').choices(VIEWS).default('Detailed'))
    .option('--out <file>', 'file to write, or - for stdout', '-')
    .option('--base-url <url>', 'base URL written into URIs', DEFAULT_BASE_URL)
    .action(async (flags: ExportFlags) => {
      process.exitCode = await runExport(flags);
    });
}
