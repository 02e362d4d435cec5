// Reconciles the archive with the upstream over a date range: for the company log and every extension's log,
// per UTC day, the record counts and id sets on both sides (deleted records included), and records whose
// upstream version is newer than the stored one.

import { DAY_MS, type CallLogQuery } from '../domain/index.ts';
import type { Store } from '../store/index.ts';
import { readDirectory } from './directory-copy.ts';
import { listUrl, type ListPage } from './log-pass.ts';
import type { UpstreamClient, UpstreamCredentials } from './upstream-client.ts';
import { closeSession, openUpstream } from './upstream-session.ts';

export interface VerifyOptions {
  store: Store;
  upstream: UpstreamCredentials;
  /** Inclusive startTime bounds, epoch ms. */
  dateFrom: number;
  dateTo: number;
  perPage?: number;
  fetch?: typeof fetch;
  /** Key of the upstream tokens kept in the store (see SyncOptions.secretKey). */
  secretKey?: Buffer;
  /** Told each log as it is compared. */
  onLog?: (log: string, index: number, total: number) => void;
  /** Told what went wrong without stopping the comparison (default: stderr). */
  onWarning?: (message: string) => void;
}

/** What verify compares of a record. */
export interface Entry {
  id: string;
  startTime: number;
  lastModifiedTime: number;
}

export interface DayDifference {
  /** YYYY-MM-DD (UTC). */
  day: string;
  log: string;
  upstream: number;
  local: number;
  /** Upstream, not in the archive. */
  missing: string[];
  /** In the archive, not upstream (e.g. gone from the upstream's retention). */
  extra: string[];
  /** Newer upstream than in the archive. */
  stale: string[];
}

export interface VerifyReport {
  accountId: string;
  dateFrom: number;
  dateTo: number;
  logs: number;
  days: number;
  upstreamRecords: number;
  localRecords: number;
  differences: DayDifference[];
  requests: number;
  rateLimited: number;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function entryOf(json: unknown): Entry {
  const o = json as { id?: unknown; startTime?: unknown; lastModifiedTime?: unknown };
  const startTime = Date.parse(String(o.startTime));
  const modified = Date.parse(String(o.lastModifiedTime));
  return { id: String(o.id), startTime, lastModifiedTime: Number.isFinite(modified) ? modified : startTime };
}

function byDay(entries: Entry[]): Map<string, Map<string, Entry>> {
  const days = new Map<string, Map<string, Entry>>();
  for (const e of entries) {
    const day = dayOf(e.startTime);
    let ids = days.get(day);
    if (!ids) days.set(day, (ids = new Map<string, Entry>()));
    ids.set(e.id, e);
  }
  return days;
}

/** The days of one log where the two sides differ, oldest first. */
export function compareLog(log: string, upstream: Entry[], local: Entry[]): DayDifference[] {
  const up = byDay(upstream);
  const here = byDay(local);
  const differences: DayDifference[] = [];
  for (const day of [...new Set([...up.keys(), ...here.keys()])].sort()) {
    const a = up.get(day) ?? new Map<string, Entry>();
    const b = here.get(day) ?? new Map<string, Entry>();
    const missing = [...a.keys()].filter((id) => !b.has(id)).sort();
    const extra = [...b.keys()].filter((id) => !a.has(id)).sort();
    const stale = [...a.values()]
      .filter((e) => (b.get(e.id)?.lastModifiedTime ?? Infinity) < e.lastModifiedTime)
      .map((e) => e.id)
      .sort();
    if (missing.length || extra.length || stale.length) {
      differences.push({ day, log, upstream: a.size, local: b.size, missing, extra, stale });
    }
  }
  return differences;
}

async function upstreamEntries(
  client: UpstreamClient,
  accountId: string,
  extensionId: string | null,
  o: VerifyOptions,
) {
  const ctx = { client, accountId, perPage: o.perPage ?? 1000 };
  const entries: Entry[] = [];
  let url: URL | null = listUrl(ctx, extensionId, o.dateFrom, o.dateTo);
  while (url) {
    const page: ListPage = await client.getJson<ListPage>(url);
    const records = Array.isArray(page.records) ? page.records : [];
    for (const r of records) entries.push(entryOf(r));
    const next = page.navigation?.nextPage?.uri;
    url = next && records.length ? client.url(next) : null;
  }
  // listUrl widens the range to whole seconds; compare exactly the asked range.
  return entries.filter((e) => e.startTime >= o.dateFrom && e.startTime <= o.dateTo);
}

async function localEntries(store: Store, accountId: string, extensionId: string | null, o: VerifyOptions) {
  const entries: Entry[] = [];
  const query: CallLogQuery = {
    accountId,
    extensionId,
    dateFrom: o.dateFrom,
    dateTo: o.dateTo,
    view: 'Detailed',
    showBlocked: true,
    showDeleted: true,
    page: 1,
    perPage: 1000,
  };
  for (; ; query.page += 1) {
    const page = await store.listRecords(query);
    for (const { json } of page.records) entries.push(entryOf(JSON.parse(json)));
    if (!page.hasMore) return entries;
  }
}

export async function verify(o: VerifyOptions): Promise<VerifyReport> {
  const session = await openUpstream(o.store, o.upstream, { fetch: o.fetch, secretKey: o.secretKey });
  let failed = true;
  try {
    const report = await compareAll(session.client, o);
    failed = false;
    return report;
  } finally {
    await closeSession(
      session,
      failed,
      o.onWarning ?? ((message) => process.stderr.write(`ringlog verify: ${message}\n`)),
    );
  }
}

async function compareAll(client: UpstreamClient, o: VerifyOptions): Promise<VerifyReport> {
  const directory = await readDirectory(client, Date.now());
  const accountId = directory.account.id;
  const local = await o.store.listExtensions(accountId);
  const extensionIds = [...new Set([...directory.extensions.map((e) => e.id), ...local.map((e) => e.id)])];
  const logs: (string | null)[] = [null, ...extensionIds];
  const report: VerifyReport = {
    accountId,
    dateFrom: o.dateFrom,
    dateTo: o.dateTo,
    logs: logs.length,
    days: Math.floor(o.dateTo / DAY_MS) - Math.floor(o.dateFrom / DAY_MS) + 1,
    upstreamRecords: 0,
    localRecords: 0,
    differences: [],
    requests: 0,
    rateLimited: 0,
  };
  for (const [i, extensionId] of logs.entries()) {
    const name = extensionId === null ? 'company' : `extension ${extensionId}`;
    o.onLog?.(name, i, logs.length);
    const up = await upstreamEntries(client, accountId, extensionId, o);
    const here = await localEntries(o.store, accountId, extensionId, o);
    report.upstreamRecords += up.length;
    report.localRecords += here.length;
    report.differences.push(...compareLog(name, up, here));
  }
  report.requests = client.stats.requests;
  report.rateLimited = client.stats.rateLimited;
  return report;
}

const list = (ids: string[], max = 10) =>
  ids.slice(0, max).join(', ') + (ids.length > max ? `, … (${ids.length - max} more)` : '');

/** The report as lines for a terminal: one per differing day and log, with the ids. */
export function formatVerifyReport(r: VerifyReport): string {
  const lines = [
    `verify ${dayOf(r.dateFrom)} … ${dayOf(r.dateTo)}: ${r.logs} logs, ${r.upstreamRecords} records upstream, ` +
      `${r.localRecords} in the archive`,
  ];
  for (const d of r.differences) {
    lines.push(`${d.day}  ${d.log}: upstream ${d.upstream}, archive ${d.local}`);
    if (d.missing.length) lines.push(`    missing in the archive (${d.missing.length}): ${list(d.missing)}`);
    if (d.extra.length) lines.push(`    only in the archive (${d.extra.length}): ${list(d.extra)}`);
    if (d.stale.length) lines.push(`    newer upstream (${d.stale.length}): ${list(d.stale)}`);
  }
  lines.push(r.differences.length ? `${r.differences.length} day(s) differ` : 'no differences');
  return lines.join('\n');
}
