// Tests of the pacer on a fake clock: a full window waits for its oldest answer to age out, limits and windows
// come from the headers, the server's Remaining count and 429 penalties are honoured, and windows carry over.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { marginMs, Pacer, readRateHeaders, type RateHeaders } from './pacer.ts';

function fakeClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    sleep: (ms: number) => {
      now += ms;
      return Promise.resolve();
    },
    advance: (ms: number) => (now += ms),
  };
}

const heavy = (limit: number, remaining: number, windowSec: number): RateHeaders => ({
  group: 'Heavy',
  limit,
  remaining,
  windowSec,
});

/** Sends `n` requests one after another, each answered at once with the given headers; returns their send times. */
async function sendSequentially(
  pacer: Pacer,
  clock: ReturnType<typeof fakeClock>,
  n: number,
  answer: (i: number) => RateHeaders | null,
) {
  const times: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const ticket = await pacer.acquire('heavy');
    times.push(clock.now());
    clock.advance(10);
    pacer.release(ticket, answer(i), true);
  }
  return times;
}

test('reads the X-Rate-Limit-* and Retry-After headers', () => {
  const headers = new Headers({
    'X-Rate-Limit-Group': 'heavy',
    'X-Rate-Limit-Limit': '10',
    'X-Rate-Limit-Remaining': '7',
    'X-Rate-Limit-Window': '60',
    'Retry-After': '30',
  });
  assert.deepEqual(readRateHeaders(headers), {
    group: 'heavy',
    limit: 10,
    remaining: 7,
    windowSec: 60,
    retryAfterSec: 30,
  });
});

test('a full window waits until its oldest answer has aged out', async () => {
  const clock = fakeClock();
  const pacer = new Pacer(clock);
  const times = await sendSequentially(pacer, clock, 13, (i) => heavy(10, Math.max(0, 9 - i), 6));
  const start = times[0];
  assert.ok(
    times.slice(0, 10).every((t) => t - start < 200),
    'ten go at once',
  );
  // The eleventh waits for the first answer (at start + 10 ms) to be a window and a margin old.
  assert.equal(times[10], start + 10 + 6000 + marginMs(6000));
  const inAnyWindow = times.map((t) => times.filter((u) => u > t - 6000 && u <= t).length);
  assert.ok(Math.max(...inAnyWindow) <= 10);
});

test('assumes RingCentral defaults until the headers say otherwise', async () => {
  const clock = fakeClock();
  const pacer = new Pacer(clock);
  assert.equal(pacer.status('heavy').limit, 10);
  const times = await sendSequentially(pacer, clock, 4, () => heavy(3, 0, 2));
  assert.equal(pacer.status('heavy').limit, 3);
  assert.ok(times[3] - times[0] >= 2000);
});

test('a server that counts more than we sent (another client, an earlier run) slows us down', async () => {
  const clock = fakeClock();
  const pacer = new Pacer(clock);
  const times = await sendSequentially(pacer, clock, 2, () => heavy(10, 0, 60));
  assert.ok(times[1] - times[0] >= 60_000);
});

test("a slow answer's Remaining, counted when the request arrived, is not taken for another client", async () => {
  const clock = fakeClock();
  const pacer = new Pacer(clock);
  pacer.release(await pacer.acquire('heavy'), heavy(2, 1, 6), true);
  clock.advance(5_890);
  const slow = await pacer.acquire('heavy');
  // The server counted it on arrival with the first one still in its window; the answer comes 600 ms later,
  // when the first one has left the window.
  clock.advance(600);
  pacer.release(slow, heavy(2, 0, 6), true);
  const before = clock.now();
  await pacer.acquire('heavy');
  assert.equal(clock.now(), before, 'one slot is free at once');
});

test('a 429 blocks the group for Retry-After; other groups go on', async () => {
  const clock = fakeClock();
  const pacer = new Pacer(clock);
  pacer.release(await pacer.acquire('heavy'), heavy(10, 9, 60), true);
  pacer.penalize('heavy', 30);
  const before = clock.now();
  pacer.release(await pacer.acquire('light'), null, true);
  assert.equal(clock.now(), before);
  await pacer.acquire('heavy');
  assert.ok(clock.now() - before >= 30_000);
});

test('answers without rate-limit headers mean the upstream does not limit that group', async () => {
  const clock = fakeClock();
  const pacer = new Pacer(clock);
  const times = await sendSequentially(pacer, clock, 50, () => ({}));
  assert.ok(times[49] - times[0] < 1000);
  assert.equal(pacer.status('heavy').limit, Infinity);
});

test('requests in flight count: with the window filled by them, the next one waits for an answer', async () => {
  const clock = fakeClock();
  const pacer = new Pacer(clock);
  pacer.release(await pacer.acquire('heavy'), heavy(2, 1, 60), true);
  clock.advance(61_000);
  await pacer.acquire('heavy');
  const second = await pacer.acquire('heavy');
  let third = false;
  const waiting = pacer.acquire('heavy').then(() => (third = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(third, false);
  const answeredAt = clock.now();
  pacer.release(second, heavy(2, 0, 60), true);
  await waiting;
  assert.ok(clock.now() >= answeredAt + 60_000);
});

test('the group the upstream names is the one counted', async () => {
  const clock = fakeClock();
  const pacer = new Pacer(clock);
  pacer.release(await pacer.acquire('light'), { group: 'Medium', limit: 40, remaining: 39, windowSec: 60 }, true);
  assert.equal(pacer.status('light').group, 'medium');
  assert.equal(pacer.status('light').available, 39);
});

test('windows carry over to the next run; after an unclean end every limited group a run can use up waits a window', async () => {
  const clock = fakeClock();
  const first = new Pacer(clock);
  await sendSequentially(first, clock, 3, (i) => heavy(3, 2 - i, 60));
  const snapshot = first.snapshot();

  const clean = new Pacer(clock);
  clean.restore(snapshot, true);
  assert.equal(clean.status('heavy').available, 0);

  const unclean = new Pacer(clock);
  unclean.restore({ groups: { heavy: { limit: 10, windowSec: 60, hits: [] } }, aliases: {} }, false);
  const before = clock.now();
  await unclean.acquire('heavy');
  assert.ok(clock.now() - before >= 60_000);

  // ringlog without rate limits advertises 1,000,000 a minute: a killed run cannot have used that up (this made a
  // restarted sync wait a whole minute for its first Light and Medium requests).
  const unlimited = new Pacer(clock);
  unlimited.restore(
    { groups: { light: { limit: 1_000_000, windowSec: 60, hits: [clock.now()] } }, aliases: {} },
    false,
  );
  const start = clock.now();
  await unlimited.acquire('light');
  assert.equal(clock.now() - start, 0);
});
