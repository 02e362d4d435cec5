// Tests of the pass plan: first run from `since`, a killed pass resumed where it stopped, later runs from the
// covered end minus the lookback, an earlier `since` read too, and covered intervals that join.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advancePass, completePass, EMPTY_CHECKPOINT, nextPass, startPass, type LogCheckpoint } from './checkpoint.ts';

const DAY = 86_400_000;
const plan = { since: 100 * DAY, lookbackMs: 14 * DAY, runStart: 500 * DAY };

test('the first run reads everything from since to the run start', () => {
  assert.deepEqual(nextPass(EMPTY_CHECKPOINT, plan), { from: 100 * DAY, to: 500 * DAY, cursor: 500 * DAY });
});

test('a pass that was under way continues from its cursor, even in a later run', () => {
  const cp: LogCheckpoint = { covered: null, pass: { from: 100 * DAY, to: 400 * DAY, cursor: 250 * DAY } };
  assert.deepEqual(nextPass(cp, plan), cp.pass);
});

test('after a full pass, the next run starts a lookback before what is covered', () => {
  const cp: LogCheckpoint = { covered: { from: 100 * DAY, to: 400 * DAY }, pass: null };
  assert.deepEqual(nextPass(cp, plan), { from: 386 * DAY, to: 500 * DAY, cursor: 500 * DAY });
  assert.equal(nextPass({ covered: { from: 100 * DAY, to: 500 * DAY }, pass: null }, plan), null);
});

test('asking for an earlier since reads from there', () => {
  const cp: LogCheckpoint = { covered: { from: 200 * DAY, to: 400 * DAY }, pass: null };
  assert.equal(nextPass(cp, plan)?.from, 100 * DAY);
});

test('the cursor only moves back; completing joins the pass to what was covered', () => {
  let cp = startPass(
    { covered: { from: 100 * DAY, to: 400 * DAY }, pass: null },
    { from: 386 * DAY, to: 500 * DAY, cursor: 500 * DAY },
  );
  cp = advancePass(cp, 450 * DAY);
  cp = advancePass(cp, 460 * DAY);
  assert.equal(cp.pass?.cursor, 450 * DAY);
  assert.deepEqual(completePass(cp), { covered: { from: 100 * DAY, to: 500 * DAY }, pass: null });
});

test('a killed run followed by a new one: the old pass ends, then a lookback pass reaches the new start', () => {
  let cp: LogCheckpoint = { covered: null, pass: { from: 100 * DAY, to: 300 * DAY, cursor: 200 * DAY } };
  cp = completePass(cp);
  assert.deepEqual(cp.covered, { from: 100 * DAY, to: 300 * DAY });
  assert.deepEqual(nextPass(cp, plan), { from: 286 * DAY, to: 500 * DAY, cursor: 500 * DAY });
});
