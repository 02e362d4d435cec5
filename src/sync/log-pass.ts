// Reads one pass of one log: the upstream list (Detailed, deleted records included) newest first, page by page,
// fetching the next page while the current one is stored, and moving the log's checkpoint after each page.

import { fromWire, type CallLogRecord } from '../domain/index.ts';
import type { BlobStore, Store } from '../store/index.ts';
import { advancePass, completePass, type Checkpoints, type LogCheckpoint, type Pass } from './checkpoint.ts';
import { copyRecordings, type RecordingStats } from './recordings-copy.ts';
import type { UpstreamClient } from './upstream-client.ts';

export interface ListPage {
  records?: unknown[];
  navigation?: { nextPage?: { uri?: string } };
}

export interface PassContext {
  client: UpstreamClient;
  store: Store;
  /** Where recording audio goes; null = records only. */
  blobs: BlobStore | null;
  checkpoints: Checkpoints;
  accountId: string;
  perPage: number;
  signal?: AbortSignal;
  counts: { records: number; rejected: number; pages: number };
  recordings: RecordingStats;
  warn(message: string): void;
  /** Called after each stored page with how much of the pass is done (0..1, by time). */
  onPage(done: number): void | Promise<void>;
}

const floorSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
/** The next whole second after `ms`: right whatever the upstream does with dateTo (inclusive, exclusive, truncated). */
const secondAfter = (ms: number) => floorSecond(ms) + 1000;
const iso = (ms: number) => new Date(ms).toISOString();

export function listUrl(ctx: Pick<PassContext, 'client' | 'accountId' | 'perPage'>, extensionId: string | null, from: number, to: number): URL {
  const log = extensionId === null ? '' : `/extension/${extensionId}`;
  return ctx.client.url(`/restapi/v1.0/account/${ctx.accountId}${log}/call-log`, {
    view: 'Detailed',
    showDeleted: true,
    perPage: ctx.perPage,
    dateFrom: iso(floorSecond(from)),
    dateTo: iso(secondAfter(to)),
  });
}

/** How much of a pass's time range lies after its cursor (read). */
const shareDone = (pass: Pass, cursor: number) =>
  pass.to > pass.from ? Math.min(1, Math.max(0, (pass.to - cursor) / (pass.to - pass.from))) : 0;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects, so a prefetch that fails while the current page is stored is not unhandled. */
const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

function unwrap<T>(s: Settled<T>): T {
  if (s.ok) return s.value;
  throw s.error;
}

function readRecords(ctx: PassContext, extensionId: string | null, items: unknown[]): CallLogRecord[] {
  const records: CallLogRecord[] = [];
  for (const item of items) {
    try {
      records.push(fromWire(item, { accountId: ctx.accountId, logExtensionId: extensionId }));
    } catch (err) {
      ctx.counts.rejected += 1;
      const id = (item as { id?: unknown } | null)?.id;
      ctx.warn(`record ${typeof id === 'string' ? id : '?'} not stored: ${(err as Error).message}`);
    }
  }
  return records;
}

/**
 * Runs `cp.pass` to its end, or until `signal` aborts (the pass then stays under way in the checkpoint).
 * Pages are expected newest first; if the upstream breaks that order the cursor stops moving for the pass, so a
 * resumed pass starts over rather than skip records.
 */
export async function runPass(ctx: PassContext, extensionId: string | null, start: LogCheckpoint): Promise<LogCheckpoint> {
  let cp = start;
  const pass = cp.pass as Pass;
  let oldest = Infinity;
  let ordered = true;
  let next: Promise<Settled<ListPage>> | null = settle(ctx.client.getJson<ListPage>(listUrl(ctx, extensionId, pass.from, pass.cursor)));
  while (next) {
    const page: ListPage = unwrap(await next);
    const items = Array.isArray(page.records) ? page.records : [];
    const nextUri = items.length ? page.navigation?.nextPage?.uri : undefined;
    const go = nextUri !== undefined && !ctx.signal?.aborted;
    next = go ? settle(ctx.client.getJson<ListPage>(ctx.client.url(nextUri))) : null;

    const records = readRecords(ctx, extensionId, items);
    await ctx.store.upsertRecords(records);
    if (ctx.blobs) await copyRecordings(ctx.client, ctx.store, ctx.blobs, records, ctx.recordings);
    for (const r of records) {
      if (r.startTime > oldest) ordered = false;
      oldest = Math.min(oldest, r.startTime);
    }
    ctx.counts.records += records.length;
    ctx.counts.pages += 1;
    if (nextUri === undefined) break;
    if (ordered && Number.isFinite(oldest)) {
      cp = advancePass(cp, oldest);
      await ctx.checkpoints.save(extensionId, cp);
    }
    await ctx.onPage(shareDone(pass, cp.pass?.cursor ?? pass.to));
    if (!go) return cp;
  }
  cp = completePass(cp);
  await ctx.checkpoints.save(extensionId, cp);
  await ctx.onPage(1);
  return cp;
}
