// The web app in headless Chromium on a seeded database: time from navigation to the first rows of the activity
// log, from a filter change to its rows, from navigation to a dashboard's charts, and the bytes a first load
// transfers; with where each of those times went (the page's own clock: document, script, API calls, rendering).
// The server is `ringlog serve` in a child process (so a long report cannot stall the driver's own clock);
// Chromium shares the machine's cores with it.

import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { openStore } from '../src/store/index.ts';
import { ensureWebBuilt, launchChromium } from '../test/web/browser.ts';
import { BENCH_END_TIME } from './bench-dataset.ts';
import { ringlogCredentials, startRinglogServer } from './ringlog-cli.ts';

/** Where one load's time went, in ms from its start on the page's clock (navigation start, or the filter's click). */
export interface Breakdown {
  /** The HTML document received (page loads only). */
  document?: number;
  /** The app's script received (0 when it came from the cache). */
  script?: number;
  /** The first API call of interest sent, and the last one answered. */
  apiStart: number;
  apiEnd: number;
  /** The longest of those API calls (request start to response end). */
  apiLongest: number;
  /** The rows (or the fourth chart) in the DOM. */
  drawn: number;
}

export interface WebFigures {
  records: number;
  runs: number;
  /** 1-minute load average at the start and the end of the timed runs. */
  loadStart: number;
  loadEnd: number;
  firstRowsMs: number[];
  filterMs: number[];
  dashboardMs: number[];
  firstRows: Breakdown[];
  filter: Breakdown[];
  /** The dashboard's timeline call (what its charts wait for) and its aggregation calls (its tables). */
  dashboardTimeline: Breakdown[];
  dashboardAggregations: Breakdown[];
  /** Transferred (compressed) bytes of the first load: the page, its script and style. */
  firstLoadBytes: number;
  firstLoadFiles: { url: string; bytes: number; encoding: string }[];
}

const DAY = 86_400_000;

/**
 * Marks, on the page's clock, when a call-log load ends with rows in the table (`ringlog-rows`), when the fourth
 * chart enters the DOM (`ringlog-charts`), when the per-queue table does (`ringlog-tables`), and when a filter changes (`ringlog-filter`): the benchmark's instrument,
 * injected before the app's script runs.
 */
const INSTRUMENT = `(() => {
  let busy = false;
  let charts = false;
  let tables = false;
  const check = () => {
    const wrap = document.querySelector('.table-wrap[aria-busy]');
    if (wrap && wrap.getAttribute('aria-busy') === 'true') busy = true;
    else if (wrap && busy && document.querySelector('table.calls tbody tr')) { busy = false; performance.mark('ringlog-rows'); }
    if (!charts && document.querySelectorAll('.chart canvas').length >= 4) { charts = true; performance.mark('ringlog-charts'); }
    if (!tables && [...document.querySelectorAll('table caption')].some((c) => c.textContent === 'Per queue')) { tables = true; performance.mark('ringlog-tables'); }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-busy'] });
  document.addEventListener('change', () => performance.mark('ringlog-filter'), true);
})();`;

/** The breakdown of the last load on the page: entries after `since` (a mark name, or the navigation). */
async function breakdown(page: Page, api: string, drawn: string, since?: string): Promise<Breakdown> {
  return page.evaluate(
    ({ api, drawn, since }) => {
      const t0 = since ? (performance.getEntriesByName(since).at(-1)?.startTime ?? 0) : 0;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const calls = resources.filter((r) => r.name.includes(api) && r.startTime >= t0);
      const script = resources.find((r) => /\/assets\/.*\.js$/.test(r.name));
      const end = performance.getEntriesByName(drawn).at(-1)?.startTime ?? NaN;
      return {
        document: since ? undefined : nav?.responseEnd,
        script: since ? undefined : script ? (script.transferSize ? script.responseEnd : 0) : undefined,
        apiStart: Math.min(...calls.map((r) => r.startTime)) - t0,
        apiEnd: Math.max(...calls.map((r) => r.responseEnd)) - t0,
        apiLongest: Math.max(...calls.map((r) => r.responseEnd - r.startTime)),
        drawn: end - t0,
      };
    },
    { api, drawn, since },
  );
}

export async function runWebBenchmark(db: string, runs = 5): Promise<WebFigures> {
  ensureWebBuilt();
  const store = await openStore(db);
  const records = await store.countRecords();
  await store.close();
  const credentials = await ringlogCredentials(db);
  const server = await startRinglogServer(db);
  const { url } = server;
  const browser = await launchChromium();
  try {
    // First load, in a fresh profile: what the browser transfers for the page, its script and style.
    const fresh = await browser.newContext();
    const first = await fresh.newPage();
    const files: { url: string; bytes: number; encoding: string }[] = [];
    first.on('requestfinished', (request) => {
      void Promise.all([request.sizes(), request.response()]).then(async ([sizes, response]) => {
        const encoding = (await response?.headerValue('content-encoding')) ?? 'identity';
        const bytes = sizes.responseBodySize + sizes.responseHeadersSize;
        files.push({ url: new URL(request.url()).pathname, bytes, encoding });
      });
    });
    await first.goto(`${url}/`);
    await first.getByRole('button', { name: 'Sign in' }).waitFor();
    await first.waitForTimeout(300);
    await fresh.close();

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'UTC' });
    await context.addInitScript(INSTRUMENT);
    const page = await context.newPage();
    // A report over a large log may take longer than the driver's default 30 s wait.
    page.setDefaultTimeout(300_000);
    await page.goto(`${url}/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Phone number').fill(credentials.admin.username);
    await page.getByLabel('Extension').fill(credentials.admin.extensionNumber);
    await page.getByLabel('Password').fill(credentials.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    const period = `from=${encodeURIComponent(new Date(BENCH_END_TIME - DAY).toISOString())}&to=${encodeURIComponent(new Date(BENCH_END_TIME).toISOString())}`;
    const figures = {
      firstRowsMs: [] as number[],
      filterMs: [] as number[],
      dashboardMs: [] as number[],
      firstRows: [] as Breakdown[],
      filter: [] as Breakdown[],
      dashboardTimeline: [] as Breakdown[],
      dashboardAggregations: [] as Breakdown[],
    };
    const settled = () => page.locator('.table-wrap[aria-busy="false"] table.calls tbody tr').first().waitFor();
    const loadStart = loadavg()[0];
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      await page.goto(`${url}/?${period}`);
      await settled();
      const t1 = performance.now();
      const rows = await breakdown(page, '/call-log?', 'ringlog-rows');
      const direction = i % 2 ? 'Outbound' : 'Inbound';
      const answered = page.waitForResponse((r) => r.url().includes(`direction=${direction}`));
      const t2 = performance.now();
      await page.getByLabel('Direction').selectOption(direction);
      await answered;
      await settled();
      const t3 = performance.now();
      const filter = await breakdown(page, '/call-log?', 'ringlog-rows', 'ringlog-filter');
      await page.goto(`${url}/dashboards?days=7&to=${encodeURIComponent(new Date(BENCH_END_TIME).toISOString())}`);
      await page.locator('.chart canvas').nth(3).waitFor();
      const t4 = performance.now();
      const dashboardTimeline = await breakdown(page, '/timeline/', 'ringlog-charts');
      await page.getByRole('table', { name: 'Per queue' }).waitFor();
      const dashboardAggregations = await breakdown(page, '/aggregation/', 'ringlog-tables');
      if (i === 0) continue; // warm-up
      figures.firstRowsMs.push(t1 - t0);
      figures.filterMs.push(t3 - t2);
      figures.dashboardMs.push(t4 - t3);
      figures.firstRows.push(rows);
      figures.filter.push(filter);
      figures.dashboardTimeline.push(dashboardTimeline);
      figures.dashboardAggregations.push(dashboardAggregations);
    }
    const loadEnd = loadavg()[0];
    await context.close();
    const firstLoadFiles = files.filter((f) => !f.url.startsWith('/restapi'));
    return {
      records,
      runs,
      loadStart,
      loadEnd,
      ...figures,
      firstLoadBytes: firstLoadFiles.reduce((sum, f) => sum + f.bytes, 0),
      firstLoadFiles,
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}
