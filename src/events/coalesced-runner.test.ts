// Tests for CoalescedRunner: passes never overlap, asks during a pass become exactly one more pass, errors go to
// the handler and do not stop later passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { CoalescedRunner } from './coalesced-runner.ts';

test('asks during a pass give one more pass, never two at once', async () => {
  let active = 0;
  let passes = 0;
  let release: () => void = () => {};
  const runner = new CoalescedRunner(
    async () => {
      active += 1;
      assert.equal(active, 1, 'two passes at once');
      passes += 1;
      await new Promise<void>((r) => (release = r));
      active -= 1;
    },
    (err) => assert.fail(String(err)),
  );
  runner.poke();
  runner.poke();
  runner.poke();
  await tick();
  assert.equal(passes, 1);
  release();
  await tick();
  await tick();
  assert.equal(passes, 2, 'the asks made during the first pass give exactly one more');
  release();
  await runner.idle();
  assert.equal(passes, 2);
});

test('a failing pass goes to the error handler and the next ask still runs', async () => {
  const seen: unknown[] = [];
  let calls = 0;
  const runner = new CoalescedRunner(
    () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve();
    },
    (err) => seen.push(err),
  );
  runner.poke();
  await runner.idle();
  runner.poke();
  await runner.idle();
  assert.equal(calls, 2);
  assert.deepEqual(
    seen.map((e) => (e as Error).message),
    ['boom'],
  );
});
