// `ringlog export`: writes the records of a date range as NDJSON or CSV to a file or stdout, with a progress
// bar (records) on stderr when it is a terminal and plain progress lines otherwise.

import { parseDateTime, VIEWS, type View } from '../domain/index.ts';
import { openStore, type ExportFilter, type Store } from '../store/index.ts';
import {
  countExport,
  DEFAULT_BASE_URL,
  exportCallLog,
  exportParquet,
  openOutput,
  type ExportFormat,
} from '../transfer/index.ts';
import { buildConfig, type CommonFlags } from './config.ts';
import { createProgress } from './progress.ts';

export interface ExportFlags extends CommonFlags {
  format?: string;
  from?: string;
  to?: string;
  extension?: string;
  account?: string;
  view?: string;
  out?: string;
  baseUrl?: string;
}

/** The latest time JavaScript dates can hold: `--to` when not given. */
const END_OF_TIME = 8.64e15;

function exportFormat(out: string, flag: string | undefined): ExportFormat | 'parquet' {
  const byName = /\.csv$/i.test(out) ? 'csv' : /\.parquet$/i.test(out) ? 'parquet' : 'ndjson';
  const format = (flag ?? byName).toLowerCase();
  if (format !== 'ndjson' && format !== 'csv' && format !== 'parquet')
    throw new Error(`--format must be ndjson, csv or parquet, not "${flag}"`);
  if (format === 'parquet' && out === '-') throw new Error('--format parquet writes a file: add --out FILE.parquet');
  return format;
}

function time(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDateTime(value);
  if (ms === null)
    throw new Error(`${name} must be a date or date-time like 2026-11-20 or 2026-11-20T08:00:00Z, not "${value}"`);
  return ms;
}

function viewOf(flag: string | undefined): View {
  const view = VIEWS.find((v) => v.toLowerCase() === (flag ?? 'Detailed').toLowerCase());
  if (!view) throw new Error(`--view must be Simple or Detailed, not "${flag}"`);
  return view;
}

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

/** Runs the export; returns the exit status. */
export async function runExport(flags: ExportFlags): Promise<number> {
  const target = flags.out ?? '-';
  const format = exportFormat(target, flags.format);
  const view = viewOf(flags.view);
  const dateFrom = time('--from', flags.from, 0);
  const dateTo = time('--to', flags.to, END_OF_TIME);
  const store = await openStore(buildConfig(flags, process.env).db);
  try {
    const filters: ExportFilter[] = (await logsToExport(store, flags)).map((log) => ({
      ...log,
      dateFrom,
      dateTo,
      view,
    }));
    const progress = createProgress('exporting (records)', await countExport(store, filters));
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
        baseUrl: flags.baseUrl ?? DEFAULT_BASE_URL,
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
  } finally {
    await store.close();
  }
}
