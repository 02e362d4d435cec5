// The sync plan: log in (reusing the stored upstream session), copy the directory, then bring the company log and
// every extension's log up to the run's start, each from its checkpoint minus the lookback.

import { DAY_MS } from '../domain/index.ts';
import type { BlobStore, Store } from '../store/index.ts';
import { createDecoderPool } from '../transfer/index.ts';
import { Checkpoints, nextPass, startPass, type PlanOptions } from './checkpoint.ts';
import { copyDirectory } from './directory-copy.ts';
import { runPass, type PassContext } from './log-pass.ts';
import type { GroupStatus } from './pacer.ts';
import type { RecordingStats } from './recordings-copy.ts';
import { UpstreamError, type ClientStats, type UpstreamClient, type UpstreamCredentials } from './upstream-client.ts';
import { closeSession, openUpstream, type UpstreamSession } from './upstream-session.ts';

export const DEFAULT_LOOKBACK_DAYS = 14;
export const DEFAULT_PER_PAGE = 1000;

export interface SyncOptions {
  store: Store;
  upstream: UpstreamCredentials;
  /** Where recording audio goes; with `recordings` false it may be left out. */
  blobs?: BlobStore;
  recordings?: boolean;
  /** Start of the history on the first run (epoch ms); default 13 months before now. */
  since?: number;
  lookbackDays?: number;
  perPage?: number;
  now?: () => number;
  fetch?: typeof fetch;
  /** Stops after the page in hand is stored; the run can be resumed. */
  signal?: AbortSignal;
  observer?: SyncObserver;
  /** Key that encrypts the upstream tokens kept in the store (store/crypto-settings); plain without one. */
  secretKey?: Buffer;
  /** Decoder threads for the pages (default: one per spare core); 0 decodes on the calling thread. */
  decoders?: number;
  /** An upstream session already open (follow mode: one pacer for all its requests); left open at the end. */
  session?: UpstreamSession;
}

/** What a progress display reads while a sync runs. */
export interface SyncStatus {
  stage: 'login' | 'directory' | 'call log' | 'done' | 'stopped';
  startedAt: number;
  records: number;
  rejected: number;
  pages: number;
  recordings: RecordingStats;
  client: ClientStats;
  logsDone: number;
  logsTotal: number;
  /** Of the log being read: its name and how much of its pass is done (0..1). */
  log: string | null;
  logDone: number;
  /** Pages read per finished log, for estimates. */
  finishedLogPages: number[];
  limit: GroupStatus;
}

export interface SyncObserver {
  started(status: () => SyncStatus): void;
  warn(message: string): void;
  finished(): void;
}

export interface SyncSummary extends Pick<
  ClientStats,
  'requests' | 'rateLimited' | 'serverErrors' | 'networkErrors' | 'unauthorized' | 'sentBetween'
> {
  accountId: string;
  extensions: number;
  logs: number;
  /** Records stored (written or re-read unchanged) this run. */
  records: number;
  /** Extension logs the upstream refused to list this run (named in warnings; tried again next run). */
  skippedLogs: number;
  rejected: number;
  recordings: RecordingStats;
  /** Requests per rate-limit group (heavy: call log and recordings). */
  requestsByGroup: Record<string, number>;
  logins: number;
  refreshes: number;
  seconds: number;
  /** Stopped by the signal before the end; the next run resumes. */
  aborted: boolean;
}

/** A warning goes to the observer, or to stderr when nobody observes the run. */
function warn(options: SyncOptions, message: string): void {
  if (options.observer) options.observer.warn(message);
  else process.stderr.write(`ringlog sync: ${message}\n`);
}

export function thirteenMonthsBefore(now: number): number {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - 13);
  return d.getTime();
}

/** Brings one log up to the run's start: an interrupted pass first, then from the covered end minus the lookback. */
async function syncLog(ctx: PassContext, extensionId: string | null, plan: PlanOptions): Promise<void> {
  let cp = await ctx.checkpoints.load(extensionId);
  for (let pass = nextPass(cp, plan); pass && !ctx.signal?.aborted; pass = nextPass(cp, plan)) {
    if (!cp.pass) {
      cp = startPass(cp, pass);
      await ctx.checkpoints.save(extensionId, cp);
    }
    cp = await runPass(ctx, extensionId, cp);
  }
}

/** An extension whose log the upstream will not list (no call log for its type, removed meanwhile) is skipped. */
function refusedExtensionLog(err: unknown, extensionId: string | null): boolean {
  return extensionId !== null && err instanceof UpstreamError && [400, 403, 404].includes(err.status);
}

function newStatus(client: UpstreamClient, runStart: number): SyncStatus {
  return {
    stage: 'login',
    startedAt: runStart,
    records: 0,
    rejected: 0,
    pages: 0,
    recordings: { copied: 0, bytes: 0, unavailable: 0 },
    client: client.stats,
    logsDone: 0,
    logsTotal: 0,
    log: null,
    logDone: 0,
    finishedLogPages: [],
    limit: client.pacer.status('heavy'),
  };
}

interface Outcome {
  accountId: string;
  extensions: number;
  skippedLogs: number;
  aborted: boolean;
}

/** Reads each log in turn; stops early when the signal aborts. */
async function readLogs(
  ctx: PassContext,
  logs: (string | null)[],
  plan: PlanOptions,
  status: SyncStatus,
  outcome: Outcome,
) {
  for (const extensionId of logs) {
    status.log = extensionId === null ? 'company' : `extension ${extensionId}`;
    status.logDone = 0;
    const pagesBefore = ctx.counts.pages;
    try {
      await syncLog(ctx, extensionId, plan);
    } catch (err) {
      if (!refusedExtensionLog(err, extensionId)) throw err;
      outcome.skippedLogs += 1;
      ctx.warn(`extension ${extensionId}'s log skipped this run: ${(err as Error).message}`);
    }
    Object.assign(status, ctx.counts);
    if (ctx.signal?.aborted) {
      outcome.aborted = true;
      return;
    }
    status.logsDone += 1;
    status.finishedLogPages.push(ctx.counts.pages - pagesBefore);
  }
}

/** Logs in, copies the directory, then reads every log. */
async function archive(
  options: SyncOptions,
  session: UpstreamSession,
  runStart: number,
  status: SyncStatus,
  outcome: Outcome,
) {
  const { client } = session;
  if (options.recordings && !options.blobs) throw new Error('recordings need a blob store');
  await client.tokens.accessToken();
  status.stage = 'directory';
  const directory = await copyDirectory(client, options.store, runStart);
  outcome.accountId = directory.account.id;
  outcome.extensions = directory.extensions.length;
  const logs = [null, ...directory.extensions.map((e) => e.id)];
  status.logsTotal = logs.length;
  status.stage = 'call log';
  const decoder = createDecoderPool(options.decoders);
  const ctx: PassContext = {
    client,
    store: options.store,
    blobs: options.recordings ? (options.blobs ?? null) : null,
    decoder,
    checkpoints: new Checkpoints(options.store, outcome.accountId),
    accountId: outcome.accountId,
    perPage: options.perPage ?? DEFAULT_PER_PAGE,
    signal: options.signal,
    counts: { records: 0, rejected: 0, pages: 0 },
    recordings: status.recordings,
    warn: (message) => warn(options, message),
    onPage: async (done) => {
      status.logDone = done;
      Object.assign(status, ctx.counts);
      if (ctx.counts.pages === 1) await session.remember();
    },
  };
  const plan: PlanOptions = {
    since: options.since ?? thirteenMonthsBefore(runStart),
    lookbackMs: (options.lookbackDays ?? DEFAULT_LOOKBACK_DAYS) * DAY_MS,
    runStart,
  };
  try {
    await readLogs(ctx, logs, plan, status, outcome);
  } finally {
    await decoder.close();
  }
  status.stage = outcome.aborted ? 'stopped' : 'done';
}

export async function runSync(options: SyncOptions): Promise<SyncSummary> {
  const now = options.now ?? Date.now;
  const runStart = now();
  const session =
    options.session ??
    (await openUpstream(options.store, options.upstream, {
      fetch: options.fetch,
      now,
      secretKey: options.secretKey,
    }));
  const { client } = session;
  const status = newStatus(client, runStart);
  const outcome: Outcome = { accountId: '', extensions: 0, skippedLogs: 0, aborted: false };
  options.observer?.started(() => ({ ...status, limit: client.pacer.status('heavy') }));
  let failed = true;
  try {
    await archive(options, session, runStart, status, outcome);
    failed = false;
  } finally {
    if (!options.session) await closeSession(session, failed, (message) => warn(options, message));
    else if (!failed) await session.remember();
    options.observer?.finished();
  }
  return {
    ...outcome,
    logs: status.logsTotal,
    records: status.records,
    rejected: status.rejected,
    recordings: status.recordings,
    requests: client.stats.requests,
    requestsByGroup: client.stats.byGroup,
    sentBetween: client.stats.sentBetween,
    rateLimited: client.stats.rateLimited,
    serverErrors: client.stats.serverErrors,
    networkErrors: client.stats.networkErrors,
    unauthorized: client.stats.unauthorized,
    logins: client.tokens.stats.logins,
    refreshes: client.tokens.stats.refreshes,
    seconds: (now() - runStart) / 1000,
  };
}
