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
/** The whole seeded history (10 days). */
const WIDE = `from=${encodeURIComponent(new Date(TEST_END_TIME - 10 * 86_400_000).toISOString())}&to=${encodeURIComponent(TO)}`;

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
      // Nothing is fetched from anywhere but the server (the machine may be offline: no CDN fonts or scripts).
      const elsewhere: string[] = [];
      context.on('request', (request) => {
        const url = new URL(request.url());
        if (!['data:', 'blob:'].includes(url.protocol) && url.origin !== server.url) elsewhere.push(request.url());
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

      // Live calls: a call answered now appears without a reload, and goes when it ends.
      const admin = await jwtAccessToken(server, server.credentials.admin.jwt);
      await page.getByRole('link', { name: 'Live' }).click();
      await page.getByRole('heading', { name: 'Live calls' }).waitFor();
      await page.getByText('No calls in progress right now.').waitFor();
      await callEvent(server, admin, 1, 'Answered');
      const live = page.locator('table.calls tbody tr', { hasText: CALLER });
      await live.waitFor({ timeout: 15_000 });
      assert.match(await live.innerText(), /In Progress/);
      if (shots) await page.screenshot({ path: `${SCREENSHOTS}live.png` });
      await callEvent(server, admin, 2, 'Disconnected');
      // RingCentral's active-call list keeps an ended call for about two minutes, with its final result.
      await live.getByText(/^Ended · /).waitFor({ timeout: 15_000 });

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
      assert.deepEqual(elsewhere, [], 'every request went to the server itself');
      await context.close();
    });

    test("the result filter is the server's: every page of a filtered log holds only that result", async () => {
      const context = await newContext(browser);
      const page = await context.newPage();
      await page.goto(`${server.url}/?${WIDE}&perPage=25`);
      await signIn(page, server, 'admin', false);
      await waitForRows(page);
      const asked = page.waitForRequest((r) => r.url().includes('/call-log?') && r.url().includes('result=Accepted'));
      await page.getByLabel('Result').selectOption('Accepted');
      await asked;
      await page.waitForURL(/result=Accepted/);
      await waitForRows(page);
      const results = () => rows(page).locator('td:nth-child(6)').allInnerTexts();
      const first = await results();
      assert.equal(first.length, 25, 'a full first page of accepted calls');
      assert.ok(
        first.every((r) => r === 'Accepted'),
        first.join(','),
      );
      await page.getByRole('button', { name: 'Next →' }).click();
      await page.waitForURL(/page=2/);
      await waitForRows(page);
      assert.match(await page.locator('.pager').innerText(), /rows 26–/);
      const second = await results();
      assert.ok(second.length > 0);
      assert.ok(
        second.every((r) => r === 'Accepted'),
        second.join(','),
      );
      // The deep link holds the filter: opened afresh it shows the same page.
      await page.reload();
      await waitForRows(page);
      assert.deepEqual(await results(), second);
      await context.close();
    });

    test("keyboard only: skip link, filters, a record's details open with Enter and close with Escape", async () => {
      const context = await newContext(browser);
      const page = await context.newPage();
      await page.goto(`${server.url}/?${PERIOD}`);
      // The sign-in button and the server's login form work from the keyboard.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/restapi\/oauth\/authorize/);
      const credential = server.credentials.admin;
      await page.getByLabel('Phone number').focus();
      await page.keyboard.type(credential.username);
      await page.keyboard.press('Tab');
      await page.keyboard.type(credential.extensionNumber);
      await page.keyboard.press('Tab');
      await page.keyboard.type(credential.password);
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await waitForRows(page);

      // The first Tab reaches the skip link; following it puts the focus in the page's content.
      await page.locator('body').focus();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
      await page.keyboard.press('Enter');
      assert.match(page.url(), /#main$/);

      // A filter changed with the arrow keys.
      await page.getByLabel('Direction').focus();
      await page.keyboard.press('ArrowDown');
      await page.waitForURL(/direction=Inbound/);
      await waitForRows(page);

      // Tab on to the first row's link, open it with Enter: the dialog has the focus; Escape closes it.
      const link = rows(page).first().locator('td a').first();
      await link.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/record=/);
      const dialog = page.getByRole('dialog');
      await dialog.getByText('How the call went').waitFor();
      assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), 'the focus is in the dialog');
      await page.keyboard.press('Escape');
      await page.waitForURL((url) => !url.searchParams.has('record'));
      assert.equal(await dialog.count(), 0);
      await context.close();
    });

    test('every control has a label a screen reader reads, on every page', async () => {
      const context = await newContext(browser);
      const page = await context.newPage();
      await page.goto(`${server.url}/?${PERIOD}`);
      await signIn(page, server, 'admin', false);
      const unlabelled = () =>
        page.evaluate(() => {
          const missing: string[] = [];
          for (const el of document.querySelectorAll<HTMLElement>(
            'input, select, textarea, button, a[href], [role=img]',
          )) {
            const labels = (el as HTMLInputElement).labels;
            const name =
              el.getAttribute('aria-label') ||
              (el.getAttribute('aria-labelledby') &&
                document.getElementById(el.getAttribute('aria-labelledby')!)?.textContent) ||
              (labels && [...labels].map((l) => l.textContent).join(' ')) ||
              (el.tagName === 'BUTTON' || el.tagName === 'A' ? el.textContent : '');
            if (!name?.trim()) missing.push(el.outerHTML.slice(0, 120));
          }
          return missing;
        });
      for (const path of [
        `/?${PERIOD}&view=Detailed`,
        `/recordings?${PERIOD}`,
        '/live',
        `/dashboards?days=7&to=${encodeURIComponent(TO)}`,
      ]) {
        await page.goto(`${server.url}${path}`);
        await page.getByRole('button', { name: 'Sign out' }).waitFor();
        if (path.startsWith('/dashboards')) await page.locator('.chart canvas').nth(3).waitFor();
        else if (path !== '/live') await waitForRows(page);
        else await page.getByRole('heading', { name: 'Live calls' }).waitFor();
        assert.deepEqual(await unlabelled(), [], path);
        // Tables say what they hold, and the page has one main landmark and one top heading.
        assert.equal(await page.getByRole('main').count(), 1, path);
        assert.equal(await page.locator('h1').count(), 1, path);
      }
      await context.close();
    });

    test('light and dark follow the system; a narrow window scrolls only the table, not the page', async () => {
      const luminance = (page: Page) =>
        page.evaluate(() => {
          const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g)!.map(Number);
          return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
        });
      for (const scheme of ['light', 'dark'] as const) {
        const context = await newContext(browser, scheme);
        const page = await context.newPage();
        await page.goto(`${server.url}/`);
        const background = await luminance(page);
        if (scheme === 'light') assert.ok(background > 0.8, `light background ${background}`);
        else assert.ok(background < 0.2, `dark background ${background}`);
        if (scheme === 'dark') {
          await signIn(page, server, 'admin', false);
          await page.setViewportSize({ width: 360, height: 740 });
          for (const path of [`/?${PERIOD}`, `/dashboards?days=7&to=${encodeURIComponent(TO)}`]) {
            await page.goto(`${server.url}${path}`);
            if (path.startsWith('/dashboards')) await page.locator('.chart canvas').nth(3).waitFor();
            else await waitForRows(page);
            const width = await page.evaluate(() => ({
              page: document.documentElement.scrollWidth,
              window: window.innerWidth,
            }));
            assert.ok(
              width.page <= width.window,
              `${path}: the page is ${width.page} px wide in a ${width.window} px window`,
            );
            // The navigation, the sign-out button and the filters stay on screen and usable.
            for (const name of ['Activity log', 'Dashboards']) {
              const box = await page.getByRole('link', { name }).boundingBox();
              assert.ok(box && box.x >= 0 && box.x + box.width <= width.window, `${name} link on screen`);
            }
            assert.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible());
          }
          await page.goto(`${server.url}/?${PERIOD}`);
          await waitForRows(page);
          await page.getByLabel('Direction').selectOption('Outbound');
          await page.waitForURL(/direction=Outbound/);
          await waitForRows(page);
        }
        await context.close();
      }
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

      // Coming back after the whole session ran out (access and refresh token): the same message, at once.
      await signIn(page, server, 'admin', false);
      await page.evaluate(() => {
        const token = JSON.parse(localStorage.getItem('ringlog.token')!) as Record<string, unknown>;
        localStorage.setItem('ringlog.token', JSON.stringify({ ...token, expiresAt: 0, refreshExpiresAt: 0 }));
      });
      await page.goto(`${server.url}/dashboards`);
      await page.getByText('Your session has expired. Sign in again.').waitFor();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      // Once said, it is not said again: a fresh visit is a plain sign-in screen.
      await page.reload();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      assert.equal(await page.getByText('Your session has expired.').count(), 0);
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
