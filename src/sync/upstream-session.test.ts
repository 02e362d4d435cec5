// Tests of closing an upstream session: a failure to save the run state is thrown after a good run, and only
// reported after a failed one, so the run's own error is the one the user sees.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSession, type UpstreamSession } from './upstream-session.ts';

function failingSession(): UpstreamSession {
  return {
    client: undefined as never,
    remember: () => Promise.resolve(),
    close: () => Promise.reject(new Error('database is locked')),
  };
}

test('after a good run, a failed close is thrown with its cause', async () => {
  const warnings: string[] = [];
  await assert.rejects(
    closeSession(failingSession(), false, (m) => warnings.push(m)),
    (err: Error) => {
      assert.match(err.message, /could not save the sync run state: database is locked/);
      assert.equal((err.cause as Error).message, 'database is locked');
      return true;
    },
  );
  assert.deepEqual(warnings, []);
});

test('after a failed run, a failed close is reported, not swallowed', async () => {
  const warnings: string[] = [];
  await closeSession(failingSession(), true, (m) => warnings.push(m));
  assert.deepEqual(warnings, ['could not save the sync run state: database is locked']);
});
