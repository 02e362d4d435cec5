// `ringlog sync`: its options (a flag, else its RINGLOG_SYNC_* environment variable, else the JSON --config file,
// else the default) and a run of a sync or, with --verify, a reconciliation of the archive against the upstream.

import { Command, Option } from 'commander';
import { z } from 'zod';
import { DAY_MS } from '../domain/index.ts';
import { createDiskBlobStore, defaultBlobDir, loadSecretKey, openStore, sweepTemporaryBlobs } from '../store/index.ts';
import {
  follow,
  formatVerifyReport,
  runSync,
  verify,
  DEFAULT_LOOKBACK_DAYS,
  DEFAULT_PER_PAGE,
  PROVISIONAL_PREFIX,
  type UpstreamCredentials,
} from '../sync/index.ts';
import { dateTime, dbOption, parsedBy, readSettingsFile, wholeNumber } from './options.ts';
import { createSyncProgress } from './progress.ts';
import { createTelephony } from '../telephony/index.ts';

export interface SyncFlags {
  db: string;
  from?: string;
  clientId?: string;
  clientSecret?: string;
  jwt?: string;
  config?: string;
  since?: number;
  lookback: number;
  recordings: boolean;
  perPage: number;
  verify?: boolean;
  dateFrom?: number;
  dateTo?: number;
  follow?: boolean;
  json?: boolean;
}

export interface SyncConfig {
  db: string;
  upstream: UpstreamCredentials;
  since?: number;
  lookbackDays: number;
  recordings: boolean;
  perPage: number;
  /** Set with --verify: the startTime range to reconcile. */
  verify: { dateFrom: number; dateTo: number } | null;
  /** --follow: keep going after the catch-up, from the upstream's events. */
  follow: boolean;
  json: boolean;
}

const upstreamUrl = z.string().regex(/^https?:\/\/[^/]+/, 'must be an http(s) URL');
const perPage = wholeNumber(1, 1000);

/** The --config file: the settings above in JSON, under the names of their options. */
const syncFile = z.strictObject({
  from: upstreamUrl.optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  jwt: z.string().min(1).optional(),
  db: z.string().min(1).optional(),
  since: dateTime().optional(),
  lookbackDays: z.int().min(0).optional(),
  recordings: z.boolean().optional(),
  perPage: z.int().min(1).max(1000).optional(),
});

/** The option each setting of the file stands for. */
const FILE_OPTION: Record<keyof z.infer<typeof syncFile>, keyof SyncFlags> = {
  from: 'from',
  clientId: 'clientId',
  clientSecret: 'clientSecret',
  jwt: 'jwt',
  db: 'db',
  since: 'since',
  lookbackDays: 'lookback',
  recordings: 'recordings',
  perPage: 'perPage',
};

/** Takes the --config file's settings for the options given neither as flags nor in the environment. */
function applySyncFile(cmd: Command): void {
  const path = cmd.getOptionValue('config') as string | undefined;
  if (!path) return;
  for (const [setting, value] of Object.entries(readSettingsFile(path, syncFile, '--config '))) {
    const option = FILE_OPTION[setting as keyof typeof FILE_OPTION];
    const source = cmd.getOptionValueSource(option);
    if (source === undefined || source === 'default') cmd.setOptionValueWithSource(option, value, 'config');
  }
}

/** Checks that the upstream is named in full and works out the --verify range. */
export function buildSyncConfig(flags: SyncFlags, now = Date.now()): SyncConfig {
  const upstream = { url: flags.from, clientId: flags.clientId, clientSecret: flags.clientSecret, jwt: flags.jwt };
  const missing = [
    ['--from', 'RINGLOG_SYNC_FROM', upstream.url],
    ['--client-id', 'RINGLOG_SYNC_CLIENT_ID', upstream.clientId],
    ['--client-secret', 'RINGLOG_SYNC_CLIENT_SECRET', upstream.clientSecret],
    ['--jwt', 'RINGLOG_SYNC_JWT', upstream.jwt],
  ].filter(([, , value]) => !value);
  if (missing.length) {
    throw new Error(`sync needs ${missing.map(([flag, variable]) => `${flag} (or ${variable})`).join(', ')}`);
  }
  if (flags.follow && flags.verify) throw new Error('--follow and --verify cannot be used together');
  let verifyRange: SyncConfig['verify'] = null;
  if (flags.verify) {
    const dateTo = flags.dateTo ?? now;
    const dateFrom = flags.dateFrom ?? Math.floor(dateTo / DAY_MS) * DAY_MS - 29 * DAY_MS;
    if (dateFrom > dateTo) throw new Error('--date-from must not be after --date-to');
    verifyRange = { dateFrom, dateTo };
  }
  return {
    db: flags.db,
    upstream: upstream as UpstreamCredentials,
    since: flags.since,
    lookbackDays: flags.lookback,
    recordings: flags.recordings,
    perPage: flags.perPage,
    verify: verifyRange,
    follow: flags.follow ?? false,
    json: flags.json ?? false,
  };
}

/** The command; `run` does the work (tests give their own to see the configuration). */
export function syncCommand(run: (config: SyncConfig) => Promise<number> = runSyncCommand): Command {
  const date = parsedBy(dateTime());
  const env = (flags: string, description: string, variable: string) => new Option(flags, description).env(variable);
  return new Command('sync')
    .description("copy a company's call log (and recordings) from RingCentral or a compatible server into --db")
    .addOption(dbOption())
    .addOption(
      env('--from <url>', 'upstream base URL, e.g. https://platform.ringcentral.com', 'RINGLOG_SYNC_FROM').argParser(
        parsedBy(upstreamUrl),
      ),
    )
    .addOption(env('--client-id <id>', 'upstream app client id', 'RINGLOG_SYNC_CLIENT_ID'))
    .addOption(env('--client-secret <secret>', 'upstream app client secret', 'RINGLOG_SYNC_CLIENT_SECRET'))
    .addOption(env('--jwt <jwt>', "an upstream administrator's JWT credential", 'RINGLOG_SYNC_JWT'))
    .addOption(env('--config <file>', 'JSON file with any of these settings (see docs/sync.md)', 'RINGLOG_SYNC_CONFIG'))
    .addOption(
      new Option('--since <date>', 'first run: start of the history to copy (default 13 months ago)').argParser(date),
    )
    .addOption(
      new Option('--lookback <days>', 'later runs: days before the last sync to read again for late changes')
        .argParser(parsedBy(wholeNumber()))
        .default(DEFAULT_LOOKBACK_DAYS),
    )
    .option('--recordings', 'copy recording audio too', false)
    .addOption(
      new Option('--per-page <n>', 'records per upstream request, 1-1000')
        .argParser(parsedBy(perPage))
        .default(DEFAULT_PER_PAGE),
    )
    .option('--follow', "after catching up, keep the archive current from the upstream's live events (docs/sync.md)")
    .option('--verify', 'compare the archive with the upstream per day instead of syncing; exit 1 on differences')
    .addOption(
      new Option('--date-from <date>', 'with --verify: first day (default 30 days before --date-to)').argParser(date),
    )
    .addOption(
      new Option('--date-to <date>', 'with --verify: last day, whole (default now)').argParser(
        parsedBy(dateTime({ endOfDay: true })),
      ),
    )
    .option('--json', 'print the summary or the verify report as one JSON object')
    .action(async (_flags: SyncFlags, cmd: Command) => {
      applySyncFile(cmd);
      process.exitCode = await run(buildSyncConfig(cmd.opts<SyncFlags>()));
    });
}

/** The first SIGINT/SIGTERM stops after the page in hand (resumable); a second one exits at once. */
function stopSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the current page (again to quit now)...\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Runs the command; resolves with the exit code. */
export async function runSyncCommand(config: SyncConfig): Promise<number> {
  const store = await openStore(config.db);
  const secretKey = loadSecretKey(config.db, process.env.RINGLOG_SECRET_KEY);
  try {
    if (config.verify) {
      const report = await verify({
        store,
        secretKey,
        upstream: config.upstream,
        ...config.verify,
        perPage: config.perPage,
        onLog: (log, i, total) => process.stderr.write(`verify: ${log} (${i + 1}/${total})\n`),
      });
      out(config.json ? JSON.stringify(report) : formatVerifyReport(report));
      return report.differences.length ? 1 : 0;
    }
    // A kill -9 during an earlier `sync --recordings` may have left half-written blobs.
    await sweepTemporaryBlobs(defaultBlobDir(config.db), Date.now());
    const stop = stopSignal();
    try {
      const options = {
        store,
        secretKey,
        upstream: config.upstream,
        blobs: createDiskBlobStore(defaultBlobDir(config.db)),
        recordings: config.recordings,
        since: config.since,
        lookbackDays: config.lookbackDays,
        perPage: config.perPage,
        signal: stop.signal,
        observer: createSyncProgress(),
      };
      // The upstream's events go through the archive's own telephony intake (docs/sync.md: provisional records).
      const intake = config.follow ? createTelephony(store, { recordIdPrefix: PROVISIONAL_PREFIX }) : null;
      const following = intake ? follow({ ...options, intake }) : null;
      const summary = following ? await following.caughtUp : await runSync(options);
      out(
        config.json
          ? JSON.stringify(summary)
          : `Synced account ${summary.accountId}: ${summary.logs} logs, ` +
              `${summary.records} records, ${summary.recordings.copied} recordings, ${summary.requests} requests ` +
              `(${summary.rateLimited} × 429) in ${summary.seconds.toFixed(1)} s${summary.aborted ? ' (stopped; run again to resume)' : ''}`,
      );
      if (summary.rejected)
        process.stderr.write(`ringlog: ${summary.rejected} upstream records could not be stored (see the warnings)\n`);
      if (summary.skippedLogs)
        process.stderr.write(`ringlog: ${summary.skippedLogs} extension logs were skipped (see the warnings)\n`);
      if (following && !summary.aborted) {
        process.stderr.write('ringlog: following the upstream (Ctrl-C to stop)\n');
        try {
          await following.done;
        } finally {
          await intake?.close();
        }
        return 0;
      }
      return summary.aborted ? 130 : summary.rejected || summary.skippedLogs ? 1 : 0;
    } finally {
      stop.dispose();
    }
  } finally {
    await store.close();
  }
}
