// Tests of the verify comparison: per UTC day, records missing from the archive, only in the archive, and newer
// upstream; equal sides give no differences; the report names days, logs and ids.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLog, formatVerifyReport, type Entry } from './verify.ts';

const at = (day: number, hour: number) => Date.UTC(2026, 10, day, hour);
const entry = (id: string, startTime: number, lastModifiedTime = startTime + 60_000): Entry => ({
  id,
  startTime,
  lastModifiedTime,
});

test('equal sides: no differences', () => {
  const records = [entry('a', at(1, 9)), entry('b', at(2, 9))];
  assert.deepEqual(compareLog('company', records, [...records].reverse()), []);
});

test('missing, extra and stale records, by day', () => {
  const upstream = [entry('a', at(1, 9)), entry('b', at(1, 23), at(3, 0)), entry('c', at(2, 0))];
  const local = [entry('a', at(1, 9)), entry('b', at(1, 23)), entry('z', at(2, 5))];
  assert.deepEqual(compareLog('extension 7', upstream, local), [
    { day: '2026-11-01', log: 'extension 7', upstream: 2, local: 2, missing: [], extra: [], stale: ['b'] },
    { day: '2026-11-02', log: 'extension 7', upstream: 1, local: 1, missing: ['c'], extra: ['z'], stale: [] },
  ]);
});

test('the report lists each differing day with its ids', () => {
  const differences = compareLog('company', [entry('a', at(1, 9))], []);
  const text = formatVerifyReport({
    accountId: '1',
    dateFrom: at(1, 0),
    dateTo: at(2, 0),
    logs: 1,
    days: 2,
    upstreamRecords: 1,
    localRecords: 0,
    differences,
    requests: 3,
    rateLimited: 0,
  });
  assert.match(text, /2026-11-01 {2}company: upstream 1, archive 0/);
  assert.match(text, /missing in the archive \(1\): a/);
  assert.match(text, /1 day\(s\) differ/);
});
