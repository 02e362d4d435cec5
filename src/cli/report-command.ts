// `ringlog report NAME`: runs one of the reports (src/reports) over --db and prints it as a table, CSV or JSON
// (reconcile as CSV or JSON: every row, page after page, unless --page asks for one).

import { once } from 'node:events';
import { Command, Option } from 'commander';
import { ApiError } from '../domain/index.ts';
import {
  externalCallsFromCsv,
  formatAllRows,
  formatReport,
  parseReportRequest,
  REPORT_FORMATS,
  REPORT_NAMES,
  startReport,
  type ExternalCall,
  type ReportFormat,
} from '../reports/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { openInput, readCsvRows } from '../transfer/index.ts';
import { dbOption } from './options.ts';

export interface ReportFlags {
  db: string;
  from?: string;
  to?: string;
  by?: string;
  format: ReportFormat;
  account?: string;
  timeZone?: string;
  businessHours?: string;
  hours?: string;
  direction?: string;
  type?: string;
  extension?: string;
  queue?: string;
  phoneNumber?: string;
  sla?: string;
  rounding?: string;
  minimum?: string;
  rate?: string;
  file?: string;
  timeTolerance?: string;
  durationTolerance?: string;
  countryCode?: string;
  page?: string;
  perPage?: string;
}

/** Rows per page when CSV or JSON output reads every page of reconcile's only-in-ringlog rows. */
const ALL_ROWS_PER_PAGE = '10000';

/** The flag behind each report parameter, to name it in messages. */
const FLAG_OF: Record<string, string> = {
  report: 'NAME',
  from: '--from',
  to: '--to',
  by: '--by',
  timeZone: '--time-zone',
  businessHours: '--business-hours',
  hours: '--hours',
  direction: '--direction',
  type: '--type',
  extension: '--extension',
  queue: '--queue',
  phoneNumber: '--phone-number',
  sla: '--sla',
  rounding: '--rounding',
  minimum: '--minimum',
  rate: '--rate',
  timeTolerance: '--time-tolerance',
  durationTolerance: '--duration-tolerance',
  countryCode: '--country-code',
  page: '--page',
  perPage: '--per-page',
  file: '--file',
};

async function accountOf(store: Store, wanted: string | undefined): Promise<string> {
  const accounts = await store.listAccounts();
  if (wanted) {
    if (!accounts.some((a) => a.id === wanted)) throw new Error(`no account ${wanted} in the database`);
    return wanted;
  }
  if (accounts.length !== 1)
    throw new Error(accounts.length ? 'the database has several accounts: add --account' : 'the database is empty');
  return accounts[0].id;
}

async function readExternalCalls(file: string): Promise<ExternalCall[]> {
  const rows = [];
  for await (const row of readCsvRows(openInput(file).stream)) {
    if (row.error) throw new Error(`--file line ${row.line}: ${row.error}`);
    rows.push(row);
  }
  return externalCallsFromCsv(rows);
}

/** The report as text, in chunks (a page of rows each when CSV or JSON writes all of reconcile's rows). */
export async function* reportOutput(name: string, flags: ReportFlags): AsyncGenerator<string> {
  const { format, file, account, db: _db, ...rest } = flags;
  // CSV and JSON hold every row unless a page is asked for; they read the rows in the largest pages by default.
  const allRows = format !== 'table' && flags.page === undefined;
  let request;
  let external: ExternalCall[] = [];
  try {
    const params = { report: name, ...(rest as Record<string, string | undefined>) };
    request = parseReportRequest(allRows && !flags.perPage ? { ...params, perPage: ALL_ROWS_PER_PAGE } : params);
    if (request.report === 'reconcile') {
      if (!file) throw new Error("reconcile needs --file FILE.csv (the other source's calls)");
      external = await readExternalCalls(file);
    }
  } catch (err) {
    throw cliError(err);
  }
  // One connection: starting SQLite's reader threads (as `ringlog serve` has them) took the command 0.4–0.6 s longer
  // on the 1M seed than what running a report's parts at once saved.
  const store = await openStore(flags.db);
  try {
    const started = await startReport(store, await accountOf(store, account), request, external).catch((err) => {
      throw cliError(err);
    });
    if (format !== 'table' && allRows) yield* formatAllRows(started.result, started.rest(), format);
    else yield formatReport(started.result, format);
  } finally {
    await store.close();
  }
}

export async function runReportCommand(name: string, flags: ReportFlags): Promise<string> {
  let out = '';
  for await (const chunk of reportOutput(name, flags)) out += chunk;
  return out;
}

/** A report parameter's error in the CLI's terms: the flag and the value. */
function cliError(err: unknown): Error {
  if (!(err instanceof ApiError)) return err as Error;
  const { parameterName, parameterValue } = err.detail as { parameterName?: string; parameterValue?: string };
  const flag = FLAG_OF[parameterName ?? ''] ?? parameterName;
  return new Error(
    parameterValue === undefined ? `${flag} is required or invalid` : `${flag}: invalid value "${parameterValue}"`,
  );
}

export function reportCommand(): Command {
  return new Command('report')
    .description(`print a report: ${REPORT_NAMES.join(', ')} (see docs/reports.md)`)
    .argument('<name>', 'the report')
    .addOption(dbOption())
    .requiredOption('--from <date>', 'start of the period (a date is midnight in --time-zone), e.g. 2026-11-01')
    .requiredOption('--to <date>', 'end of the period, excluded, e.g. 2026-12-01')
    .addOption(
      new Option('--by <grouping>', 'volume/outcomes/durations: group by').choices([
        'hour',
        'day',
        'week',
        'month',
        'direction',
        'type',
        'result',
      ]),
    )
    .addOption(new Option('--format <format>', 'output').choices([...REPORT_FORMATS]).default('table'))
    .option('--account <id>', 'the account (default: the only one)')
    .option('--time-zone <zone>', 'IANA zone for dates, buckets and business hours (default UTC)')
    .option('--business-hours <spec>', 'e.g. "Mon-Fri 08:00-18:00" (the default)')
    .addOption(
      new Option('--hours <which>', 'only calls in business hours or after hours').choices(['business', 'after']),
    )
    .option('--direction <list>', 'Inbound, Outbound (comma-separated)')
    .option('--type <list>', 'Voice, Fax (comma-separated)')
    .option('--extension <id|number>', "one extension's own log instead of the company's")
    .option('--queue <id|number>', 'only calls that entered through this call queue')
    .option('--phone-number <number>', 'only calls with this outside or called number')
    .option('--sla <seconds>', 'queues: service level threshold (default 20)')
    .addOption(new Option('--rounding <rule>', 'contacts: billable time rounding').choices(['second', 'minute', '6s']))
    .option('--minimum <seconds>', 'contacts: minimum billable seconds per answered call (default 0)')
    .option('--rate <price>', 'contacts: price per billable minute (adds an amount column)')
    .option('--file <csv>', "reconcile: the other source's calls (columns: start time, number[, duration, direction])")
    .option('--time-tolerance <seconds>', 'reconcile: start times may differ by this much (default 60)')
    .option('--duration-tolerance <seconds>', 'reconcile: durations may differ by this much (default 5)')
    .option('--country-code <digits>', 'reconcile/--phone-number: code put before national numbers (default 1)')
    .option('--page <n>', 'reconcile: only this page of only-in-ringlog rows (table: default 1; csv/json: all pages)')
    .option('--per-page <n>', 'reconcile: only-in-ringlog rows per page (default 1000, at most 10000)')
    .action(async (name: string, flags: ReportFlags) => {
      for await (const chunk of reportOutput(name, flags)) {
        if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
      }
    });
}
