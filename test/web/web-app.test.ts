// The web app in Chromium against a real ringlog: sign in through /restapi/oauth/authorize, filter, page, a Detailed
// record's legs, play and seek a recording, live calls, dashboards, sign out, an expired session, and a user who
// must not see the company log. Saves a screenshot of each main view into docs/screenshots/ (SQLite run).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, TEST_END_TIME, type TestServer } from '../support/test-server.ts';
import { backends } from '../support/backends.ts';
import { jwtAccessToken } from '../support/oauth.ts';
import { ensureWebBuilt, launchChromium, SCREENSHOTS } from './browser.ts';

const FROM = new Date(TEST_END_TIME - 2 * 86_400_000).toISOString();
const TO = new Date(TEST_END_TIME).toISOString();
const PERIOD = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;

async function newContext(browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 1280, height: 860 },
    timezoneId: 'UTC',
    locale: 'en-US',
    colorScheme,
  });
}

/** From the app's sign-in screen through the server's login page and back. */
async function signIn(page: Page, server: TestServer, who: 'admin' | 'user', shots: boolean) {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/restapi\/oauth\/authorize/);
  const credential = server.credentials[who];
  await page.getByLabel('Phone number').fill(credential.username);
  await page.getByLabel('Extension').fill(credential.extensionNumber);
  await page.getByLabel('Password').fill(credential.password);
  if (shots) await page.screenshot({ path: `${SCREENSHOTS}login-page.png` });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Posts one telephony-session event (RingCentral's shape) of a call from CALLER to the admin's extension. */
async function callEvent(server: TestServer, token: string, sequence: number, code: 'Answered' | 'Disconnected') {
  const { accountId, admin } = server.credentials;
  const response = await fetch(`${server.url}/ringlog/v1/account/~/telephony/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      sequence,
      sessionId: '4250081600777',
      telephonySessionId: 's-web0live0call0000000000000000001',
      serverId: '10.13.22.28.TAM',
      eventTime: new Date().toISOString(),
      origin: { type: 'Call' },
      parties: [
        {
          accountId,
          extensionId: admin.extensionId,
          id: 'p-web0live0call0000000000000000001-1',
          direction: 'Inbound',
          to: { phoneNumber: '+16505550100', extensionId: admin.extensionId },
          from: { phoneNumber: CALLER },
          status: { code, rcc: false },
          missedCall: false,
          standAlone: false,
          muted: false,
        },
      ],
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

const CALLER = '+14083388064';

function rows(page: Page) {
  return page.locator('table.calls tbody tr:not(.legs-row):not(.player-row)');
}

async function waitForRows(page: Page) {
  await page.locator('.table-wrap[aria-busy="false"]').waitFor();
  await rows(page).first().waitFor();
}

for (const backend of await backends()) {
  const shots = backend === 'sqlite';
  describe(`web app in Chromium (${backend})`, () => {
    let server: TestServer;
    let browser: Browser;
    before(async () => {
      ensureWebBuilt();
      server = await startTestServer({ backend });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    test('an admin signs in, filters, pages, opens a Detailed record, plays a recording, signs out', async () => {
      const context = await newContext(browser);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      const contentStatuses: number[] = [];
      page.on('response', (response) => {
        if (response.url().includes('/content')) contentStatuses.push(response.status());
      });

      // A deep link before signing in: the app comes back to it afterwards.
      await page.goto(`${server.url}/?${PERIOD}&perPage=25`);
      await page.getByRole('heading', { name: 'Call log' }).waitFor();
      if (shots) await page.screenshot({ path: `${SCREENSHOTS}sign-in.png` });
      await signIn(page, server, 'admin', shots);
      assert.match(page.url(), /perPage=25/);
      await waitForRows(page);
      assert.equal(await rows(page).count(), 25);
      assert.match(await page.locator('header.top').innerText(), /admin/);
      if (shots) await page.screenshot({ path: `${SCREENSHOTS}activity-log.png` });

      // Filter: direction Inbound, reflected in the URL and in every row.
      await page.getByLabel('Direction').selectOption('Inbound');
      await page.waitForURL(/direction=Inbound/);
      await waitForRows(page);
      const directions = await rows(page).locator('td:nth-child(2)').allInnerTexts();
      assert.ok(directions.length > 0);
      assert.ok(
        directions.every((d) => d.includes('Inbound')),
        directions.join(','),
      );

      // Paging: the server's next page.
      const firstPage = await rows(page).first().innerText();
      await page.getByRole('button', { name: 'Next →' }).click();
      await page.waitForURL(/page=2/);
      await waitForRows(page);
      assert.match(await page.locator('.pager').innerText(), /rows 26–/);
      assert.notEqual(await rows(page).first().innerText(), firstPage);

      // Detailed view: legs inline; a record with several legs opens as a timeline.
      await page.getByRole('radio', { name: 'Detailed' }).click();
      await page.waitForURL(/view=Detailed/);
      await page.locator('tr.legs-row').first().waitFor();
      const multi = page
        .locator('tr.legs-row')
        .filter({ has: page.locator('li:nth-child(2)') })
        .first();
      await multi.locator('xpath=preceding-sibling::tr[1]').locator('td a').first().click();
      await page.waitForURL(/record=/);
      const dialog = page.getByRole('dialog');
      await dialog.getByText('How the call went').waitFor();
      assert.ok((await dialog.locator('li.leg').count()) >= 2);
      if (shots) await page.screenshot({ path: `${SCREENSHOTS}record-detail.png` });
      await page.keyboard.press('Escape');
      await page.waitForURL((url) => !url.searchParams.has('record'));

      // Export: a CSV of the filtered log.
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const csv = await (await download).path();
      const { readFileSync } = await import('node:fs');
      const lines = readFileSync(csv, 'utf8').trim().split('\r\n');
      assert.match(lines[0], /^id,sessionId,startTime/);
      assert.ok(lines.length > 26, `the export has every page (${lines.length - 1} rows)`);
      assert.ok(lines.slice(1).every((l) => l.includes(',Inbound,')));

      // Recordings: play, then seek (HTTP Range).
      await page.getByRole('link', { name: 'Recordings' }).click();
      await page.goto(`${server.url}/recordings?${PERIOD}`);
      await waitForRows(page);
      await rows(page).first().getByRole('button', { name: 'Play' }).click();
      const audio = page.locator('audio').first();
      await audio.waitFor();
      const played = await audio.evaluate(async (el: HTMLAudioElement) => {
        await el.play();
        await new Promise((resolve) => setTimeout(resolve, 700));
        const duration = el.duration;
        const target = Math.floor(duration / 2);
        await new Promise((resolve) => {
          el.addEventListener('seeked', resolve, { once: true });
          el.currentTime = target;
        });
        return {
          duration,
          target,
          at: el.currentTime,
          paused: el.paused,
          seekable: el.seekable.length ? el.seekable.end(0) : 0,
        };
      });
      assert.ok(played.duration > 20, `duration ${played.duration}`);
      assert.ok(Math.abs(played.at - played.target) < 2, JSON.stringify(played));
      assert.ok(played.seekable > 20);
      // The audio element asks for byte ranges and the server answers them (206), which is what makes seeking work.
      assert.ok(contentStatuses.includes(206), `content responses: ${contentStatuses.join(' ')}`);
      const href = await page.getByRole('link', { name: 'Download' }).first().getAttribute('href');
      const file = await fetch(`${server.url}${href}`);
      assert.equal(file.status, 200);
      assert.match(file.headers.get('content-disposition') ?? '', /^attachment/);
      await file.arrayBuffer();
      if (shots) await page.screenshot({ path: `${SCREENSHOTS}recordings.png` });

      // Live calls: a call answered now appears without a reload, and goes when it ends. Where the server cannot
      // list active calls (its live-call source is not there), the page says so instead.
      const admin = await jwtAccessToken(server, server.credentials.admin.jwt);
      await page.getByRole('link', { name: 'Live' }).click();
      await page.getByRole('heading', { name: 'Live calls' }).waitFor();
      const probe = await fetch(`${server.url}/restapi/v1.0/account/~/active-calls`, {
        headers: { Authorization: `Bearer ${admin}` },
      });
      await probe.arrayBuffer();
      if (probe.status !== 200) {
        await page.getByText(/Live calls are unavailable/).waitFor();
        if (shots) await page.screenshot({ path: `${SCREENSHOTS}live.png` });
      } else {
        await page.getByText('No calls in progress right now.').waitFor();
        await callEvent(server, admin, 1, 'Answered');
        const live = page.locator('table.calls tbody tr', { hasText: CALLER });
        await live.waitFor({ timeout: 15_000 });
        assert.match(await live.innerText(), /In Progress/);
        if (shots) await page.screenshot({ path: `${SCREENSHOTS}live.png` });
        await callEvent(server, admin, 2, 'Disconnected');
        // RingCentral's active-call list keeps an ended call for about two minutes, with its final result.
        await live.getByText(/^Ended · /).waitFor({ timeout: 15_000 });
      }

      // Dashboards: charts and tables from the Business Analytics API for the chosen period.
      await page.getByRole('link', { name: 'Dashboards' }).click();
      await page.goto(`${server.url}/dashboards?days=7&to=${encodeURIComponent(TO)}`);
      await page.getByRole('heading', { name: 'Dashboards' }).waitFor();
      await page.locator('.chart canvas').first().waitFor();
      assert.equal(await page.locator('.chart canvas').count(), 4);
      const totals = await page.getByRole('list', { name: 'Totals for the period' }).innerText();
      assert.match(totals, /[1-9]\d*\s+calls/);
      assert.ok((await page.getByRole('table', { name: 'Per extension' }).locator('tbody tr').count()) > 3);
      assert.ok((await page.getByRole('table', { name: 'Per queue' }).locator('tbody tr').count()) >= 1);
      if (shots) await page.screenshot({ path: `${SCREENSHOTS}dashboards.png`, fullPage: true });

      // Sign out revokes the session on the server.
      const token = await page.evaluate(
        () => (JSON.parse(localStorage.getItem('ringlog.token')!) as { accessToken: string }).accessToken,
      );
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('You have signed out.').waitFor();
      const afterSignOut = await fetch(`${server.url}/restapi/v1.0/account/~/extension/~`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(afterSignOut.status, 401);
      assert.deepEqual(errors, []);
      await context.close();
    });

    test('an expired session goes back to sign-in with a message', async () => {
      const context = await newContext(browser);
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      await signIn(page, server, 'admin', false);
      await page.evaluate(() => {
        const token = JSON.parse(localStorage.getItem('ringlog.token')!) as Record<string, unknown>;
        localStorage.setItem('ringlog.token', JSON.stringify({ ...token, expiresAt: 0, refreshToken: 'revoked' }));
      });
      await page.getByRole('link', { name: 'Recordings' }).click();
      await page.getByText('Your session has expired. Sign in again.').waitFor();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await context.close();
    });

    test('a user sees only their own log, never the company log', async () => {
      const context = await newContext(browser, 'dark');
      const page = await context.newPage();
      await page.goto(`${server.url}/?log=company&${PERIOD}`);
      await signIn(page, server, 'user', false);
      await page.locator('.table-wrap[aria-busy="false"]').waitFor();
      assert.equal(await page.getByLabel('Log', { exact: true }).count(), 0, 'no log picker');
      assert.doesNotMatch(await page.locator('header.top').innerText(), /admin/);
      const me = server.credentials.user.extensionNumber;
      for (const text of await rows(page).allInnerTexts()) assert.match(text, new RegExp(`ext\\. ${me}|\\+1`), text);
      // What the app reads is the user's own log: the API refuses the company log to this token.
      const token = await page.evaluate(
        () => (JSON.parse(localStorage.getItem('ringlog.token')!) as { accessToken: string }).accessToken,
      );
      const company = await fetch(`${server.url}/restapi/v1.0/account/~/call-log`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(company.status, 403);
      if (shots) {
        await page.screenshot({ path: `${SCREENSHOTS}activity-log-user-dark.png` });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: `${SCREENSHOTS}activity-log-narrow.png`, fullPage: false });
      }
      // Their dashboard is their own extension's figures (the API refuses them the company's and the queues').
      await page.goto(`${server.url}/dashboards?days=7&to=${encodeURIComponent(TO)}`);
      await page.locator('.chart canvas').first().waitFor();
      const own = page.getByRole('table', { name: 'Per extension' }).locator('tbody tr');
      assert.equal(await own.count(), 1);
      assert.match(await own.innerText(), new RegExp(`^${me} `));
      assert.equal(await page.getByRole('table', { name: 'Per queue' }).count(), 0);
      await context.close();
    });
  });
}
