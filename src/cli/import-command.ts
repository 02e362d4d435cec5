// `ringlog import FILE|-`: loads NDJSON or CSV call-log records into the store, reporting bad lines on stderr
// as `line N: reason` and a summary on stdout; a progress bar (bytes read) on a terminal.

import { Command, Option } from 'commander';
import { openStore, type Store } from '../store/index.ts';
import { importCallLog, openInput, type ImportFormat } from '../transfer/index.ts';
import { dbOption } from './options.ts';
import { createProgress } from './progress.ts';

export interface ImportFlags {
  db: string;
  format?: ImportFormat;
  account?: string;
}

/** Exit status when some lines were rejected (the good ones are imported all the same). */
export const EXIT_REJECTED = 2;

/** The account of records that do not name one: --account, else the database's only account. */
async function defaultAccount(store: Store, flag: string | undefined): Promise<string | undefined> {
  if (flag !== undefined) return flag;
  const accounts = await store.listAccounts();
  return accounts.length === 1 ? accounts[0].id : undefined;
}

/** Runs the import; returns the exit status. */
export async function runImport(file: string, flags: ImportFlags): Promise<number> {
  const format = flags.format ?? (/\.csv$/i.test(file) ? 'csv' : 'ndjson');
  const input = openInput(file);
  const store = await openStore(flags.db);
  const started = performance.now();
  try {
    const progress = input.size ? createProgress('importing (bytes)', input.size) : null;
    let shown = 0;
    // Bytes advance a chunk at a time; updating only then keeps the bar's ETA from seeing stalls.
    const showProgress = (bytes: number) => {
      if (bytes !== shown) progress?.update((shown = bytes));
    };
    const summary = await importCallLog(store, input.stream, {
      format,
      accountId: await defaultAccount(store, flags.account),
      onReject: (line, reason) => process.stderr.write(`line ${line}: ${reason}\n`),
      onProgress: showProgress,
    });
    progress?.stop();
    const seconds = (performance.now() - started) / 1000;
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(
      `Imported ${summary.imported} of ${summary.read} records (${summary.rejected} rejected) in ${seconds.toFixed(1)}s (${Math.round(summary.read / seconds)} records/s)`,
    );
    if (summary.createdAccounts || summary.createdExtensions) {
      out(
        `Created placeholders for ${summary.createdAccounts} accounts and ${summary.createdExtensions} extensions missing from the directory`,
      );
    }
    if (summary.ignoredColumns.length) out(`Ignored CSV columns: ${summary.ignoredColumns.join(', ')}`);
    return summary.rejected ? EXIT_REJECTED : 0;
  } finally {
    input.stream.destroy();
    await store.close();
  }
}

export function importCommand(): Command {
  return new Command('import')
    .description('import call-log records: NDJSON as the API returns them, or CSV (see docs/import-export.md)')
    .argument('<file>', 'file to read, or - for stdin')
    .addOption(dbOption())
    .addOption(new Option('--format <format>', 'default: csv for a .csv file, else ndjson').choices(['ndjson', 'csv']))
    .option('--account <id>', 'account of records that do not name one (default: the only account)')
    .action(async (file: string, flags: ImportFlags) => {
      process.exitCode = await runImport(file, flags);
    });
}
