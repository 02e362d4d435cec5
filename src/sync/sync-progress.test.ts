// Tests of the progress line: records, requests with 429s, rate, the rate-limit group's state and an ETA from
// the estimated requests left.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SyncStatus } from './archiver.ts';
import { emptyClientStats } from './upstream-client.ts';
import { estimateRemainingRequests, formatDuration, formatStatus } from './sync-progress.ts';

function status(over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    stage: 'call log',
    startedAt: 0,
    records: 12_000,
    rejected: 0,
    pages: 14,
    recordings: { copied: 0, bytes: 0, unavailable: 0 },
    client: { ...emptyClientStats(), requests: 20 },
    logsDone: 3,
    logsTotal: 10,
    log: 'extension 42',
    logDone: 0.5,
    finishedLogPages: [10, 1, 1],
    limit: { group: 'heavy', limit: 10, windowSec: 60, available: 3, remaining: 3, waitMs: 0 },
    ...over,
  };
}

test('requests left: the rest of the current log, and the mean extension log for each not started', () => {
  // 2 pages into a log half done → 2 more; 6 logs not started × 1 page.
  assert.equal(estimateRemainingRequests(status()), 8);
  assert.equal(
    estimateRemainingRequests(status({ finishedLogPages: [], pages: 0, logsDone: 0, logDone: 0, log: 'company' })),
    10,
  );
  // 2 pages in, the range barely begun (a backfill over empty months): one more page, not a hundred.
  assert.equal(estimateRemainingRequests(status({ logDone: 0.02 })), 7);
});

test('the line says records, requests, 429s, rate, the limit and an ETA', () => {
  const line = formatStatus(status(), 10_000);
  // 8 requests left, 3 of them free now, the other 5 at the Heavy pace of 10 a minute.
  assert.match(
    line,
    /^sync extension 42 · 12,000 records · 20 requests \(0 × 429\) · 1,200 records\/s · heavy 3\/10 left · logs 3\/10 · ETA 30 s$/,
  );
  const unlimited = { group: 'heavy', limit: Infinity, windowSec: 60, available: 0, remaining: null, waitMs: 0 };
  // Not limited: at the pace so far, 2 requests a second.
  assert.match(formatStatus(status({ limit: unlimited }), 10_000), /heavy not limited · logs 3\/10 · ETA 4 s$/);
  const waiting = { group: 'heavy', limit: 10, windowSec: 60, available: 0, remaining: 0, waitMs: 42_000 };
  assert.match(
    formatStatus(status({ limit: waiting }), 10_000),
    /heavy 0\/10 left, next in 42 s · logs 3\/10 · ETA 1 min 30 s$/,
  );
});

test('durations read naturally', () => {
  assert.equal(formatDuration(59), '59 s');
  assert.equal(formatDuration(61), '1 min 1 s');
  assert.equal(formatDuration(7322), '2 h 2 min');
});
