// Tests of the upstream client against a scripted fetch: 429s wait for Retry-After, 5xx and network errors are
// retried with backoff, a 401 refreshes the token once, rotated tokens are kept, and URIs stay on the upstream.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pacer } from './pacer.ts';
import type { SyncStateStore } from '../store/index.ts';
import { stateRegister } from './state-register.ts';
import { backoffDelay, resolveUpstreamUrl, UpstreamClient, UpstreamError } from './upstream-client.ts';

function memorySettings(): SyncStateStore {
  const values = new Map<string, string>();
  return {
    getSyncState: (key) => Promise.resolve(values.get(key) ?? null),
    putSyncState: (key, value) => {
      values.set(key, value);
      return Promise.resolve();
    },
  };
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

/** A fetch that answers API requests from `api` in turn and token requests like a RingCentral token endpoint. */
function scripted(api: Reply[]) {
  const calls: { url: string; form?: URLSearchParams; auth?: string }[] = [];
  let issued = 0;
  const answer = (input: URL | RequestInfo, init?: RequestInit): Response => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(init?.headers);
    if (url.endsWith('/restapi/oauth/token')) {
      const form = new URLSearchParams(init?.body as string);
      calls.push({ url, form });
      if (form.get('refresh_token') === 'revoked') return Response.json({ error: 'invalid_grant' }, { status: 400 });
      issued += 1;
      return Response.json({
        access_token: `a${issued}`,
        expires_in: 3600,
        refresh_token: `r${issued}`,
        refresh_token_expires_in: 604800,
        owner_id: '7',
      });
    }
    calls.push({ url, auth: headers.get('authorization') ?? undefined });
    const reply = api.shift() ?? { status: 200, body: {} };
    if (reply instanceof Error) throw reply;
    return new Response(JSON.stringify(reply.body ?? {}), { status: reply.status, headers: reply.headers });
  };
  // A promise constructor turns answer's throw into a rejection, as fetch rejects.
  const fetchImpl = ((input: URL | RequestInfo, init?: RequestInit) =>
    new Promise<Response>((resolve) => resolve(answer(input, init)))) as typeof fetch;
  return { fetchImpl, calls };
}

function client(api: Reply[], settings = memorySettings()) {
  const clock = { now: 1_000_000 };
  const sleeps: number[] = [];
  const sleep = (ms: number) => {
    sleeps.push(ms);
    clock.now += ms;
    return Promise.resolve();
  };
  const { fetchImpl, calls } = scripted(api);
  const c = new UpstreamClient({
    credentials: { url: 'https://platform.example.com', clientId: 'app', clientSecret: 'secret', jwt: 'jwt' },
    tokenRegister: stateRegister(settings, 'token'),
    pacer: new Pacer({ now: () => clock.now, sleep }),
    fetch: fetchImpl,
    now: () => clock.now,
    sleep,
    random: () => 0.5,
  });
  return { c, calls, sleeps, clock, settings };
}

const URL_A = new URL('https://platform.example.com/restapi/v1.0/account/~/call-log');

test('logs in with the JWT and sends the bearer token', async () => {
  const { c, calls } = client([{ status: 200, body: { ok: 1 } }]);
  assert.deepEqual(await c.getJson(URL_A), { ok: 1 });
  assert.equal(calls[0].form?.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
  assert.equal(calls[0].form?.get('assertion'), 'jwt');
  assert.equal(calls[1].auth, 'Bearer a1');
  assert.equal(c.tokens.ownerId, '7');
});

test('a 429 waits Retry-After, is counted, and the request is sent again', async () => {
  const { c, sleeps } = client([
    { status: 429, headers: { 'Retry-After': '7' } },
    { status: 200, body: { ok: 2 } },
  ]);
  assert.deepEqual(await c.getJson(URL_A), { ok: 2 });
  assert.equal(c.stats.rateLimited, 1);
  assert.ok(sleeps.some((ms) => ms >= 7000));
});

test('5xx answers and network errors are retried with growing, jittered delays', async () => {
  const { c, sleeps } = client([
    { status: 503 },
    new TypeError('fetch failed'),
    { status: 502 },
    { status: 200, body: {} },
  ]);
  await c.getJson(URL_A);
  assert.equal(c.stats.serverErrors, 2);
  assert.equal(c.stats.networkErrors, 1);
  assert.deepEqual(sleeps, [backoffDelay(0, () => 0.5), backoffDelay(1, () => 0.5), backoffDelay(2, () => 0.5)]);
});

test('gives up after the last attempt with the upstream error', async () => {
  const { c } = client(
    Array.from({ length: 8 }, () => ({ status: 500, body: { errorCode: 'CMN-201', message: 'down' } })),
  );
  await assert.rejects(c.getJson(URL_A), (err: UpstreamError) => err.status === 500 && err.errorCode === 'CMN-201');
});

test('network failures past the last attempt are thrown with the failure as the cause', async () => {
  const failure = new TypeError('fetch failed');
  const { c } = client(Array.from({ length: 8 }, () => failure));
  await assert.rejects(c.getJson(URL_A), (err: Error) => {
    assert.match(err.message, /^upstream \/restapi\/v1\.0\/account\/~\/call-log: fetch failed$/);
    assert.equal(err.cause, failure);
    return true;
  });
});

test('refusals are named UpstreamError', async () => {
  const { c } = client([{ status: 404, body: { errorCode: 'CMN-102', message: 'gone' } }]);
  await assert.rejects(c.getJson(URL_A), { name: 'UpstreamError', status: 404 });
});

test('other refusals are not retried', async () => {
  const { c, calls } = client([
    {
      status: 403,
      body: {
        errorCode: 'CMN-408',
        message: 'In order to call this API endpoint, user needs to have [FullCompanyCallLog] permission',
      },
    },
  ]);
  await assert.rejects(c.getJson(URL_A), /403 CMN-408/);
  assert.equal(calls.length, 2);
});

test('a 401 refreshes the token once and retries; the rotated refresh token is kept', async () => {
  const settings = memorySettings();
  const { c, calls } = client([{ status: 401 }, { status: 200, body: {} }], settings);
  await c.getJson(URL_A);
  const refresh = calls.find((call) => call.form?.get('grant_type') === 'refresh_token');
  assert.equal(refresh?.form?.get('refresh_token'), 'r1');
  assert.equal(calls.at(-1)?.auth, 'Bearer a2');
  const kept = JSON.parse((await stateRegister(settings, 'token').read())!) as { refreshToken: string };
  assert.equal(kept.refreshToken, 'r2');
  assert.equal(c.tokens.stats.refreshes, 1);
});

test('the next run reuses the kept token: no login', async () => {
  const settings = memorySettings();
  await client([{ status: 200 }], settings).c.getJson(URL_A);
  const second = client([{ status: 200 }], settings);
  await second.c.getJson(URL_A);
  assert.equal(second.c.tokens.stats.logins, 0);
  assert.equal(second.calls[0].auth, 'Bearer a1');
});

test('refreshes about a minute before the access token expires', async () => {
  const { c, calls, clock } = client([{ status: 200 }, { status: 200 }]);
  await c.getJson(URL_A);
  clock.now += 3600_000 - 59_000;
  await c.getJson(URL_A);
  assert.deepEqual(
    calls.map((call) => call.form?.get('grant_type') ?? 'api'),
    ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'api', 'refresh_token', 'api'],
  );
});

test('a refused refresh falls back to the JWT', async () => {
  const settings = memorySettings();
  await stateRegister(settings, 'token').write(
    JSON.stringify({
      accessToken: 'old',
      accessExpiresAt: 0,
      refreshAt: 0,
      refreshToken: 'revoked',
      refreshExpiresAt: 9e15,
      ownerId: '7',
    }),
  );
  const { c, calls } = client([{ status: 200 }], settings);
  await c.getJson(URL_A);
  assert.deepEqual(
    calls.map((call) => call.form?.get('grant_type') ?? 'api'),
    ['refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'api'],
  );
});

test("next-page links are followed on the upstream's own origin only", () => {
  const base = 'https://platform.ringcentral.com';
  const page = 'https://platform.ringcentral.com/restapi/v1.0/x?page=2';
  assert.equal(resolveUpstreamUrl(base, page).href, page);
  assert.equal(
    resolveUpstreamUrl(base, 'https://media.ringcentral.com/restapi/v1.0/x?page=2').href,
    page,
    'the media host serves content, not pages',
  );
  assert.equal(resolveUpstreamUrl(base, 'https://evil.example.com/restapi/v1.0/x?page=2').href, page);
  assert.equal(
    resolveUpstreamUrl('http://127.0.0.1:9000/rl', 'http://localhost:8080/restapi/v1.0/x').href,
    'http://127.0.0.1:9000/rl/restapi/v1.0/x',
  );
});

test("recording content is fetched from RingCentral's media host", () => {
  const content = 'https://media.ringcentral.com/restapi/v1.0/account/1/recording/2/content';
  assert.equal(resolveUpstreamUrl('https://platform.ringcentral.com', content, 'content').href, content);
  const devtest = 'https://media.devtest.ringcentral.com/restapi/v1.0/account/1/recording/2/content';
  assert.equal(resolveUpstreamUrl('https://platform.devtest.ringcentral.com', devtest, 'content').href, devtest);
});

test('a link to another site under the same public suffix is refused', () => {
  const base = 'https://platform.example.co.uk';
  const onBase = 'https://platform.example.co.uk/restapi/v1.0/account/1/recording/2/content';
  for (const link of ['page', 'content'] as const) {
    assert.equal(
      resolveUpstreamUrl(base, 'https://attacker.co.uk/restapi/v1.0/account/1/recording/2/content', link).href,
      onBase,
    );
    assert.equal(
      resolveUpstreamUrl(base, 'https://media.attacker.co.uk/restapi/v1.0/account/1/recording/2/content', link).href,
      onBase,
    );
  }
  const media = 'https://media.example.co.uk/restapi/v1.0/account/1/recording/2/content';
  assert.equal(resolveUpstreamUrl(base, media, 'content').href, media, "the upstream's own media host");
});

test("other hosts of the upstream's domain, plain http and private-suffix neighbours are refused", () => {
  const base = 'https://platform.ringcentral.com';
  const onBase = 'https://platform.ringcentral.com/restapi/v1.0/account/1/recording/2/content';
  for (const uri of [
    'https://evil.ringcentral.com/restapi/v1.0/account/1/recording/2/content',
    'http://media.ringcentral.com/restapi/v1.0/account/1/recording/2/content',
    'https://media.ringcentral.com:8443/restapi/v1.0/account/1/recording/2/content',
  ]) {
    assert.equal(resolveUpstreamUrl(base, uri, 'content').href, onBase, uri);
  }
  assert.equal(
    resolveUpstreamUrl('https://platform.github.io', 'https://media.github.io/restapi/v1.0/x', 'content').href,
    'https://platform.github.io/restapi/v1.0/x',
    'github.io is a public suffix: its hosts are different sites',
  );
  assert.equal(
    resolveUpstreamUrl('https://10.0.0.5', 'https://10.0.0.6/restapi/v1.0/x', 'content').href,
    'https://10.0.0.5/restapi/v1.0/x',
  );
});

test('backoff grows to a cap, jittered between half and all of the step', () => {
  const cases: [attempt: number, random: number, delay: number][] = [
    [0, 0, 250],
    [0, 1, 500],
    [3, 1, 4000],
    [20, 1, 30_000],
  ];
  for (const [attempt, random, delay] of cases) {
    assert.equal(
      backoffDelay(attempt, () => random),
      delay,
      `attempt ${attempt}, random ${random}`,
    );
  }
});
