// Reads one pass of one log: the upstream list (Detailed, deleted records included) newest first, page by page,
// fetching the next page while the current one is stored, and moving the log's checkpoint after each page.

import { fromWire, isoDateTime, type CallLogRecord } from '../domain/index.ts';
import type { BlobStore, PreparedRecord, Store } from '../store/index.ts';
import type { DecodeJob, DecodedBatch, DecoderPool } from '../transfer/index.ts';
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
  /** Where pages are parsed, checked and rendered (decoder threads). */
  decoder: DecoderPool;
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

export function listUrl(
  ctx: Pick<PassContext, 'client' | 'accountId' | 'perPage'>,
  extensionId: string | null,
  from: number,
  to: number,
): URL {
  const log = extensionId === null ? '' : `/extension/${extensionId}`;
  return ctx.client.url(`/restapi/v1.0/account/${ctx.accountId}${log}/call-log`, {
    view: 'Detailed',
    showDeleted: true,
    perPage: ctx.perPage,
    dateFrom: isoDateTime(floorSecond(from)),
    dateTo: isoDateTime(secondAfter(to)),
  });
}

/** How much of a pass's time range lies after its cursor (read). */
const shareDone = (pass: Pass, cursor: number) =>
  pass.to > pass.from ? Math.min(1, Math.max(0, (pass.to - cursor) / (pass.to - pass.from))) : 0;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects, so a prefetch that fails while the current page is stored is not unhandled. */
const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

function unwrap<T>(s: Settled<T>): T {
  if (s.ok) return s.value;
  throw s.error;
}

const NAVIGATION_KEY = '"navigation":';

/**
 * The next page's URI of a list response, read without parsing the whole page when `navigation` is its last
 * member (as RingCentral and ringlog send it): the text after the last `"navigation":` up to the closing brace is
 * then exactly its value (a quote inside a JSON string is escaped, so the key cannot be matched inside one, and a
 * value that parses up to the last brace can only belong to the outer object). Otherwise the page is parsed.
 */
export function nextPageUri(text: string): string | undefined {
  const trimmed = text.trimEnd();
  const at = trimmed.lastIndexOf(NAVIGATION_KEY);
  let page: ListPage;
  try {
    page =
      at !== -1 && trimmed.endsWith('}')
        ? { navigation: JSON.parse(trimmed.slice(at + NAVIGATION_KEY.length, -1)) as ListPage['navigation'] }
        : (JSON.parse(text) as ListPage);
  } catch {
    page = JSON.parse(text) as ListPage;
  }
  const uri = page.navigation?.nextPage?.uri;
  return typeof uri === 'string' ? uri : undefined;
}

interface Page {
  batch: DecodedBatch;
  /** The next page's URI; undefined on the last page. */
  next: string | undefined;
}

/** Pages read ahead of the one being stored (decoding on the decoder threads meanwhile). */
const PAGES_AHEAD = 2;

/**
 * The pages of one pass, fetched back to back and decoded on the decoder threads while earlier pages are stored:
 * a page's next URI is read from its text as soon as it arrives, so the next fetch need not wait for decoding.
 */
class PageReader {
  private readonly ready: Promise<Settled<Page>>[] = [];
  private nextUrl: URL | null;
  private fetching = false;
  private pageNumber = 0;

  constructor(
    private readonly ctx: PassContext,
    private readonly job: DecodeJob,
    first: URL,
  ) {
    this.nextUrl = first;
    this.pump();
  }

  private pump(): void {
    if (this.fetching || !this.nextUrl || this.ready.length >= PAGES_AHEAD || this.ctx.signal?.aborted) return;
    const url = this.nextUrl;
    this.nextUrl = null;
    this.fetching = true;
    const line = ++this.pageNumber;
    const page = this.ctx.client.getText(url).then(async (text): Promise<Page> => {
      const next = nextPageUri(text);
      this.nextUrl = next === undefined ? null : this.ctx.client.url(next);
      this.fetching = false;
      this.pump();
      return { batch: await this.ctx.decoder.decode(this.job, [{ line, bytesRead: 0, text }]), next };
    });
    // A failed fetch leaves `fetching` set: nothing is read past it, and take() throws its error.
    this.ready.push(settle(page));
  }

  /** The next page in order, or null when the pass has no more (or the signal stopped the reading). */
  async take(): Promise<Page | null> {
    const settled = this.ready.shift();
    if (!settled) return null;
    const page = unwrap(await settled);
    this.pump();
    return page;
  }
}

/** The records of rows that name a recording (copying one needs the record's times). */
function withRecordings(rows: PreparedRecord[]): CallLogRecord[] {
  return rows.filter((r) => r.recording_id !== null).map((r) => fromWire(JSON.parse(r.detailed_json)));
}

/**
 * Runs `cp.pass` to its end, or until `signal` aborts (the pass then stays under way in the checkpoint).
 * Pages are expected newest first; if the upstream breaks that order the cursor stops moving for the pass, so a
 * resumed pass starts over rather than skip records.
 */
export async function runPass(
  ctx: PassContext,
  extensionId: string | null,
  start: LogCheckpoint,
): Promise<LogCheckpoint> {
  let cp = start;
  const pass = cp.pass as Pass;
  let oldest = Infinity;
  let ordered = true;
  const job: DecodeJob = { context: { accountId: ctx.accountId, logExtensionId: extensionId } };
  const reader = new PageReader(ctx, job, listUrl(ctx, extensionId, pass.from, pass.cursor));
  for (let page = await reader.take(); page; page = await reader.take()) {
    const { rows, rejects } = page.batch;
    for (const { error } of rejects) ctx.warn(`a record of page ${ctx.counts.pages + 1} was not stored: ${error}`);
    ctx.counts.rejected += rejects.length;
    await ctx.store.upsertPrepared(rows);
    if (ctx.blobs) await copyRecordings(ctx.client, ctx.store, ctx.blobs, withRecordings(rows), ctx.recordings);
    for (const r of rows) {
      if (r.start_time > oldest) ordered = false;
      oldest = Math.min(oldest, r.start_time);
    }
    ctx.counts.records += rows.length;
    ctx.counts.pages += 1;
    if (page.next === undefined || rows.length + rejects.length === 0) {
      cp = completePass(cp);
      await ctx.checkpoints.save(extensionId, cp);
      await ctx.onPage(1);
      return cp;
    }
    if (ordered && Number.isFinite(oldest)) {
      cp = advancePass(cp, oldest);
      await ctx.checkpoints.save(extensionId, cp);
    }
    await ctx.onPage(shareDone(pass, cp.pass?.cursor ?? pass.to));
  }
  return cp; // stopped by the signal: the pass stays under way
}
