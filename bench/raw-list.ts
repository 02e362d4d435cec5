// The list baseline: the same pages read with plain better-sqlite3 in a tight loop in this process, with the
// SQL shape of the store's listRecords and a string join of the prepared JSON.

import Database from 'better-sqlite3';
import { percentile } from '../src/reports/index.ts';
import { LIST_SCENARIOS, MAX_PAGE, type Dataset, type ListScenario, type PagePick } from './list-scenarios.ts';
import { applyStoreSettings, type StoreSettings } from './store-settings.ts';

export interface RawListFigures {
  pagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Average length of a page's JSON (also keeps the page from being optimized away). */
  pageChars: number;
}

const SQL = (column: string) =>
  `SELECT ${column} FROM call_log WHERE account_id = ? AND extension_id = ? AND start_time >= ? AND start_time <= ? ` +
  "AND deleted = 0 AND result <> 'Blocked' ORDER BY start_time DESC, id DESC LIMIT ? OFFSET ?";

/**
 * Reads every page any scenario may ask for once (both views), so that ringlog and the raw loop both start
 * from the same warm OS page cache whatever ran before.
 */
export function warmPageCache(file: string, dataset: Dataset, settings: StoreSettings): void {
  const db = applyStoreSettings(new Database(file, { readonly: true }), settings);
  try {
    const select = db.prepare(SQL('simple_json, detailed_json'));
    const perPage = Math.max(...LIST_SCENARIOS.map((s) => s.perPage));
    for (const log of ['', ...dataset.userIds]) {
      for (let page = 1; page <= MAX_PAGE; page++) {
        select.all(dataset.accountId, log, dataset.firstStart, dataset.lastStart, perPage + 1, (page - 1) * perPage);
      }
    }
  } finally {
    db.close();
  }
}

/** A loop's figures from its page latencies (ms), its length (s) and the characters of its pages. */
export function loopFigures(latencies: number[], elapsedSeconds: number, chars: number): RawListFigures {
  const sorted = Float64Array.from(latencies).sort();
  return {
    pagesPerSecond: latencies.length / elapsedSeconds,
    p50Ms: percentile(sorted, 50) ?? NaN,
    p99Ms: percentile(sorted, 99) ?? NaN,
    pageChars: chars / latencies.length,
  };
}

export function rawListLoop(
  file: string,
  settings: StoreSettings,
  dataset: Dataset,
  scenario: ListScenario,
  nextPick: () => PagePick,
  seconds: number,
): RawListFigures {
  const db = applyStoreSettings(new Database(file, { readonly: true }), settings);
  const column = scenario.view === 'Detailed' ? 'detailed_json' : 'simple_json';
  const select = db.prepare(SQL(column)).pluck();
  const perPage = scenario.perPage;
  const readPage = (pick: PagePick): string => {
    const rows = select.all(
      dataset.accountId,
      pick.extensionId ?? '',
      dataset.firstStart,
      dataset.lastStart,
      perPage + 1,
      (pick.page - 1) * perPage,
    ) as string[];
    return `[${(rows.length > perPage ? rows.slice(0, perPage) : rows).join(',')}]`;
  };
  try {
    const warmUntil = performance.now() + Math.min(2000, seconds * 200);
    while (performance.now() < warmUntil) readPage(nextPick());
    const latencies: number[] = [];
    let chars = 0;
    const started = performance.now();
    const end = started + seconds * 1000;
    for (let now = started; now < end;) {
      chars += readPage(nextPick()).length;
      const after = performance.now();
      latencies.push(after - now);
      now = after;
    }
    return loopFigures(latencies, (performance.now() - started) / 1000, chars);
  } finally {
    db.close();
  }
}
