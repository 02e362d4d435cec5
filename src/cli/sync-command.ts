// `ringlog sync`: builds the sync configuration (flags, then RINGLOG_SYNC_* environment variables, then a JSON
// --config file) and runs a sync or, with --verify, a reconciliation of the archive against the upstream.

import { readFileSync } from 'node:fs';
import { parseDateTime } from '../domain/index.ts';
import { createDiskBlobStore, defaultBlobDir, loadSecretKey, openStore, sweepTemporaryBlobs } from '../store/index.ts';
import {
  createSyncProgress,
  follow,
  formatVerifyReport,
  runSync,
  verify,
  DEFAULT_LOOKBACK_DAYS,
  DEFAULT_PER_PAGE,
  PROVISIONAL_PREFIX,
  type UpstreamCredentials,
} from '../sync/index.ts';
import { createTelephony } from '../telephony/index.ts';

export interface SyncFlags {
  db?: string;
  from?: string;
  clientId?: string;
  clientSecret?: string;
  jwt?: string;
  config?: string;
  since?: string;
  lookback?: string;
  recordings?: boolean;
  perPage?: string;
  verify?: boolean;
  follow?: boolean;
  dateFrom?: string;
  dateTo?: string;
  json?: boolean;
}

/** The --config file: the same settings in JSON. */
interface SyncFile {
  from?: string;
  clientId?: string;
  clientSecret?: string;
  jwt?: string;
  db?: string;
  since?: string;
  lookbackDays?: number;
  recordings?: boolean;
  perPage?: number;
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

const DAY_MS = 86_400_000;

function readSyncFile(path: string | undefined, read: (path: string) => string): SyncFile {
  if (!path) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(read(path));
  } catch (err) {
    throw new Error(`--config ${path}: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`--config ${path}: must be a JSON object`);
  return parsed;
}

function date(name: string, value: string, endOfDay = false): number {
  const ms = parseDateTime(value);
  if (ms === null) throw new Error(`${name} must be a date (YYYY-MM-DD) or an ISO 8601 date-time, not "${value}"`);
  return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(value) ? ms + DAY_MS - 1 : ms;
}

function count(name: string, value: string | number | undefined, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new Error(`${name} must be a whole number${max < Infinity ? ` up to ${max}` : ''}, not "${value}"`);
  return n;
}

/** Flags win over RINGLOG_SYNC_* variables, which win over the --config file. */
export function buildSyncConfig(
  flags: SyncFlags,
  env: NodeJS.ProcessEnv,
  now = Date.now(),
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): SyncConfig {
  const file = readSyncFile(flags.config ?? env.RINGLOG_SYNC_CONFIG, read);
  const upstream = {
    url: flags.from ?? env.RINGLOG_SYNC_FROM ?? file.from,
    clientId: flags.clientId ?? env.RINGLOG_SYNC_CLIENT_ID ?? file.clientId,
    clientSecret: flags.clientSecret ?? env.RINGLOG_SYNC_CLIENT_SECRET ?? file.clientSecret,
    jwt: flags.jwt ?? env.RINGLOG_SYNC_JWT ?? file.jwt,
  };
  const missing = [
    ['--from', 'RINGLOG_SYNC_FROM', upstream.url],
    ['--client-id', 'RINGLOG_SYNC_CLIENT_ID', upstream.clientId],
    ['--client-secret', 'RINGLOG_SYNC_CLIENT_SECRET', upstream.clientSecret],
    ['--jwt', 'RINGLOG_SYNC_JWT', upstream.jwt],
  ].filter(([, , value]) => !value);
  if (missing.length) {
    throw new Error(`sync needs ${missing.map(([flag, variable]) => `${flag} (or ${variable})`).join(', ')}`);
  }
  if (!/^https?:\/\/[^/]+/.test(upstream.url!)) throw new Error(`--from must be an http(s) URL, not "${upstream.url}"`);
  const since = flags.since ?? file.since;
  if (flags.follow && flags.verify) throw new Error('--follow and --verify cannot be used together');
  let verifyRange: SyncConfig['verify'] = null;
  if (flags.verify) {
    const dateTo = flags.dateTo ? date('--date-to', flags.dateTo, true) : now;
    const dateFrom = flags.dateFrom
      ? date('--date-from', flags.dateFrom)
      : Math.floor(dateTo / DAY_MS) * DAY_MS - 29 * DAY_MS;
    if (dateFrom > dateTo) throw new Error('--date-from must not be after --date-to');
    verifyRange = { dateFrom, dateTo };
  }
  return {
    db: flags.db ?? env.RINGLOG_DB ?? file.db ?? './ringlog.db',
    upstream: upstream as UpstreamCredentials,
    since: since === undefined ? undefined : date('--since', since),
    lookbackDays: count('--lookback', flags.lookback ?? file.lookbackDays, DEFAULT_LOOKBACK_DAYS),
    recordings: flags.recordings ?? file.recordings ?? false,
    perPage: Math.max(1, count('--per-page', flags.perPage ?? file.perPage, DEFAULT_PER_PAGE, 1000)),
    verify: verifyRange,
    follow: flags.follow ?? false,
    json: flags.json ?? false,
  };
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
export async function runSyncCommand(flags: SyncFlags, env: NodeJS.ProcessEnv): Promise<number> {
  const config = buildSyncConfig(flags, env);
  const store = await openStore(config.db);
  const secretKey = loadSecretKey(config.db, env.RINGLOG_SECRET_KEY);
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
