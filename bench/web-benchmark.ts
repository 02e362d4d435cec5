// The web app in headless Chromium on a seeded database: time from navigation to the first rows of the activity
// log, from a filter change to its rows, from navigation to a dashboard's charts, and the bytes a first load
// transfers. The server runs in this process (as the tests start it); Chromium shares the machine's cores.

import { listen, NO_FAULTS } from '../src/api/index.ts';
import { ensureCredentials, RINGCENTRAL_TOKEN_CONFIG, TokenService } from '../src/auth/index.ts';
import { createDiskBlobStore, openStore } from '../src/store/index.ts';
import { ensureWebBuilt, launchChromium } from '../test/web/browser.ts';
import { BENCH_END_TIME } from './bench-dataset.ts';

export interface WebFigures {
  records: number;
  runs: number;
  firstRowsMs: number[];
  filterMs: number[];
  dashboardMs: number[];
  /** Of those: how long the call-log request took, as the browser saw it (request start to response end). */
  firstRowsApiMs: number[];
  filterApiMs: number[];
  /** Transferred (compressed) bytes of the first load: the page, its script and style. */
  firstLoadBytes: number;
  firstLoadFiles: { url: string; bytes: number }[];
}

const DAY = 86_400_000;

export async function runWebBenchmark(db: string, runs = 5): Promise<WebFigures> {
  ensureWebBuilt();
  const store = await openStore(db);
  const tokens = new TokenService(store, RINGCENTRAL_TOKEN_CONFIG);
  const credentials = await ensureCredentials(store, tokens);
  const records = await store.countRecords();
  const ctx = { store, tokens, blobs: createDiskBlobStore(`${db}.blobs`), http: {}, rateLimits: {}, now: Date.now };
  const { app, url } = await listen(ctx, '127.0.0.1', 0, { faults: NO_FAULTS });
  const browser = await launchChromium();
  try {
    // First load, in a fresh profile: what the browser transfers for the page, its script and style.
    const fresh = await browser.newContext();
    const first = await fresh.newPage();
    const files: { url: string; bytes: number }[] = [];
    first.on('requestfinished', (request) => {
      void request.sizes().then((sizes) => {
        files.push({ url: new URL(request.url()).pathname, bytes: sizes.responseBodySize + sizes.responseHeadersSize });
      });
    });
    await first.goto(`${url}/`);
    await first.getByRole('button', { name: 'Sign in' }).waitFor();
    await first.waitForTimeout(300);
    await fresh.close();

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'UTC' });
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Phone number').fill(credentials.admin.username);
    await page.getByLabel('Extension').fill(credentials.admin.extensionNumber);
    await page.getByLabel('Password').fill(credentials.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    const period = `from=${encodeURIComponent(new Date(BENCH_END_TIME - DAY).toISOString())}&to=${encodeURIComponent(new Date(BENCH_END_TIME).toISOString())}`;
    const firstRowsMs: number[] = [];
    const filterMs: number[] = [];
    const dashboardMs: number[] = [];
    const firstRowsApiMs: number[] = [];
    const filterApiMs: number[] = [];
    const listResponse = () => page.waitForResponse((r) => r.url().includes('/call-log?'));
    const settled = () => page.locator('.table-wrap[aria-busy="false"] table.calls tbody tr').first().waitFor();
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      const list = listResponse();
      await page.goto(`${url}/?${period}`);
      const listTiming = (await list).request().timing();
      await settled();
      const t1 = performance.now();
      const direction = i % 2 ? 'Outbound' : 'Inbound';
      const answered = page.waitForResponse((r) => r.url().includes(`direction=${direction}`));
      await page.getByLabel('Direction').selectOption(direction);
      const filterTiming = (await answered).request().timing();
      await settled();
      const t2 = performance.now();
      await page.goto(`${url}/dashboards?days=7&to=${encodeURIComponent(new Date(BENCH_END_TIME).toISOString())}`);
      await page.locator('.chart canvas').nth(3).waitFor();
      const t3 = performance.now();
      if (i === 0) continue; // warm-up
      firstRowsMs.push(t1 - t0);
      filterMs.push(t2 - t1);
      firstRowsApiMs.push(listTiming.responseEnd);
      filterApiMs.push(filterTiming.responseEnd);
      dashboardMs.push(t3 - t2);
    }
    await context.close();
    const firstLoadFiles = files.filter((f) => !f.url.startsWith('/restapi'));
    return {
      records,
      runs,
      firstRowsMs,
      filterMs,
      dashboardMs,
      firstRowsApiMs,
      filterApiMs,
      firstLoadBytes: firstLoadFiles.reduce((sum, f) => sum + f.bytes, 0),
      firstLoadFiles,
    };
  } finally {
    await browser.close();
    await app.close();
    await store.close();
  }
}
