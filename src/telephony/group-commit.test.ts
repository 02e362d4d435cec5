// Group commit: concurrent submissions share one commit, nobody is answered before the commit holding their work
// has finished, and one job's failure fails only that job.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from './group-commit.ts';

/** A commit function whose commits finish only when the test says so. */
function controlled() {
  const calls: { jobs: number[]; finish(fail?: boolean): void }[] = [];
  const commit = (jobs: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      calls.push({
        jobs,
        finish: (fail = false) => (fail ? reject(new Error('commit failed')) : resolve(jobs.map((j) => j * 10))),
      });
    });
  return { calls, commit };
}

const tick = () => new Promise((r) => setImmediate(r));

test('concurrent submissions share one commit and are answered only after it', async () => {
  const { calls, commit } = controlled();
  const group = new GroupCommit<number, number>({ commit, weight: () => 1, maxWeight: 100 });
  const answered: number[] = [];
  const pending = [1, 2, 3].map((j) => group.submit(j).then((r) => answered.push(r)));
  await tick();
  await tick();
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].jobs, [1, 2, 3]);
  assert.equal(answered.length, 0, 'nobody is answered while the commit runs');
  // Work submitted meanwhile waits for the next commit.
  const later = group.submit(4).then((r) => answered.push(r));
  await tick();
  assert.equal(calls.length, 1);
  calls[0].finish();
  await Promise.all(pending);
  assert.deepEqual(answered, [10, 20, 30]);
  await tick();
  assert.equal(calls.length, 2);
  assert.deepEqual(calls[1].jobs, [4]);
  calls[1].finish();
  await later;
  assert.deepEqual(answered, [10, 20, 30, 40]);
  await group.idle();
});

test('a group stops growing at maxWeight', async () => {
  const { calls, commit } = controlled();
  const group = new GroupCommit<number, number>({ commit, weight: (j) => j, maxWeight: 5 });
  const all = [2, 3, 4, 1].map((j) => group.submit(j));
  await tick();
  await tick();
  assert.deepEqual(calls[0].jobs, [2, 3]);
  calls[0].finish();
  await tick();
  await tick();
  assert.deepEqual(calls[1].jobs, [4, 1]);
  calls[1].finish();
  assert.deepEqual(await Promise.all(all), [20, 30, 40, 10]);
});

test('when a group fails, each job goes again alone and only the failing one is refused', async () => {
  const group = new GroupCommit<number, number>({
    commit: (jobs) =>
      jobs.includes(2)
        ? Promise.reject(new Error(`bad job in ${jobs.join(',')}`))
        : Promise.resolve(jobs.map((j) => j * 10)),
    weight: () => 1,
    maxWeight: 100,
  });
  const results = await Promise.allSettled([1, 2, 3].map((j) => group.submit(j)));
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.equal((results[0] as PromiseFulfilledResult<number>).value, 10);
  assert.equal(((results[1] as PromiseRejectedResult).reason as Error).message, 'bad job in 2');
});

test('with two lanes, work submitted while a group commits goes into a second group at once', async () => {
  const { calls, commit } = controlled();
  const group = new GroupCommit<number, number>({ commit, weight: () => 1, maxWeight: 100, lanes: 2 });
  const answered: number[] = [];
  const first = [1, 2].map((j) => group.submit(j).then((r) => answered.push(r)));
  await tick();
  await tick();
  assert.deepEqual(
    calls.map((c) => c.jobs),
    [[1, 2]],
  );
  const second = group.submit(3).then((r) => answered.push(r));
  await tick();
  await tick();
  assert.deepEqual(
    calls.map((c) => c.jobs),
    [[1, 2], [3]],
    'the second lane takes it while the first commits',
  );
  // Both lanes busy: the next waits.
  const third = group.submit(4).then((r) => answered.push(r));
  await tick();
  await tick();
  assert.equal(calls.length, 2);
  calls[1].finish();
  await second;
  assert.deepEqual(answered, [30], 'a lane answers its own group when it commits');
  await tick();
  assert.deepEqual(calls[2]?.jobs, [4]);
  calls[0].finish();
  calls[2].finish();
  await Promise.all([...first, third]);
  assert.deepEqual(answered, [30, 10, 20, 40]);
  await group.idle();
});

test('work submitted as the last group is answered (before its lane has ended) still gets a commit', async () => {
  const { calls, commit } = controlled();
  const group = new GroupCommit<number, number>({ commit, weight: () => 1, maxWeight: 100 });
  // The answer's continuation runs before the lane's own end: the submit it makes finds the lane still running.
  const next = group.submit(1).then(() => group.submit(2));
  await tick();
  calls[0].finish();
  await tick();
  await tick();
  assert.deepEqual(
    calls.map((c) => c.jobs),
    [[1], [2]],
    'the job submitted meanwhile goes into a commit of its own',
  );
  calls[1].finish();
  assert.equal(await next, 20);
  await group.idle();
});

test('with two lanes, a job sharing a key with a committing group waits for it and keeps its order', async () => {
  const { calls, commit } = controlled();
  // Jobs are numbers; a job's key is its tens (11 and 12 share "1").
  const group = new GroupCommit<number, number>({
    commit,
    weight: () => 1,
    maxWeight: 100,
    lanes: 2,
    keys: (j) => [String(Math.floor(j / 10))],
  });
  const first = group.submit(11);
  await tick();
  await tick();
  assert.deepEqual(
    calls.map((c) => c.jobs),
    [[11]],
  );
  const later = [12, 21, 13].map((j) => group.submit(j));
  await tick();
  await tick();
  assert.deepEqual(
    calls.map((c) => c.jobs),
    [[11], [21]],
    'the second lane takes only the job of another key',
  );
  calls[0].finish();
  await first;
  await tick();
  await tick();
  assert.deepEqual(calls[2]?.jobs, [12, 13], 'the waiting jobs of key 1 go once its group committed, in order');
  calls[1].finish();
  calls[2].finish();
  assert.deepEqual(await Promise.all(later), [120, 210, 130]);
  await group.idle();
});

test('with pauseMs, work gathers after a group of several jobs; one job at a time is not held', async () => {
  const { calls, commit } = controlled();
  const group = new GroupCommit<number, number>({ commit, weight: () => 1, maxWeight: 100, pauseMs: 200 });
  const first = group.submit(1);
  await tick();
  assert.deepEqual(calls[0].jobs, [1], 'work that finds the lane idle goes at once');
  calls[0].finish();
  await first;
  // After a group of one job, the next goes at once too (a caller that submits one job at a time).
  const second = group.submit(2);
  await tick();
  await tick();
  assert.deepEqual(calls[1].jobs, [2]);
  const during = [group.submit(3), group.submit(4)];
  calls[1].finish();
  await second;
  await tick();
  await tick();
  assert.deepEqual(calls[2].jobs, [3, 4]);
  // After a group of several jobs, the lane lets work gather: what comes during the pause joins the next group.
  const queued = group.submit(5);
  calls[2].finish();
  await Promise.all(during);
  const late = group.submit(6);
  await tick();
  await tick();
  assert.equal(calls.length, 3, 'no group is taken during the pause');
  await new Promise((r) => setTimeout(r, 250));
  assert.deepEqual(calls[3].jobs, [5, 6]);
  calls[3].finish();
  assert.deepEqual(await Promise.all([queued, late]), [50, 60]);
  await group.idle();
});
test('without pauseMs, the next group is taken as soon as the commit is done, also after a group of several jobs', async () => {
  const { calls, commit } = controlled();
  const group = new GroupCommit<number, number>({ commit, weight: () => 1, maxWeight: 100 });
  const first = [group.submit(1), group.submit(2)];
  await tick();
  await tick();
  assert.deepEqual(calls[0].jobs, [1, 2]);
  const queued = group.submit(3);
  calls[0].finish();
  await Promise.all(first);
  const late = group.submit(4);
  await tick();
  await tick();
  // With pauseMs, 3 would wait and go with 4.
  assert.deepEqual(calls[1].jobs, [3]);
  calls[1].finish();
  await queued;
  await tick();
  await tick();
  assert.deepEqual(calls[2].jobs, [4]);
  calls[2].finish();
  await late;
  await group.idle();
});
