// `ringlog report NAME`: runs one of the reports (src/reports) over --db and prints it as a table, CSV or JSON.

import { Command, Option } from 'commander';
import { ApiError } from '../domain/index.ts';
import {
  externalCallsFromCsv,
  formatReport,
  parseReportRequest,
  REPORT_FORMATS,
  REPORT_NAMES,
  runReport,
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
}

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

export async function runReportCommand(name: string, flags: ReportFlags): Promise<string> {
  const { format, file, account, db: _db, ...rest } = flags;
  let request;
  let external: ExternalCall[] = [];
  try {
    request = parseReportRequest({ report: name, ...(rest as Record<string, string | undefined>) });
    if (request.report === 'reconcile') {
      if (!file) throw new Error("reconcile needs --file FILE.csv (the other source's calls)");
      external = await readExternalCalls(file);
    }
  } catch (err) {
    throw cliError(err);
  }
  const store = await openStore(flags.db);
  try {
    const result = await runReport(store, await accountOf(store, account), request, external).catch((err) => {
      throw cliError(err);
    });
    return formatReport(result, format);
  } finally {
    await store.close();
  }
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
    .action(async (name: string, flags: ReportFlags) => {
      process.stdout.write(await runReportCommand(name, flags));
    });
}
