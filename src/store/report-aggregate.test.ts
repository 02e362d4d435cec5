// A report the rollup cannot answer reads its period's records in two halves at once where the store has two
// connections (SQLite's reader threads, PostgreSQL's pool): the halves' groups add up, and their extremes are the
// records' extremes, also when one half has no records.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backends, createTestDatabase } from '../../test/support/backends.ts';
import { FIRST_CALL, voiceCall } from '../../test/support/records.ts';
import { openStore } from './index.ts';

const HOUR = 3_600_000;

for (const backend of await backends()) {
  test(`aggregate in two halves: sums and extremes (${backend})`, async () => {
    const database = await createTestDatabase(backend);
    const store = await openStore(database.location, { readers: 2 });
    try {
      // Inbound calls in the first hours, outbound ones near the end of a 100-hour period.
      const records = [
        ...[40, 10, 70].map((s, i) => voiceCall(i, { extensionId: '', duration: s, durationMs: s * 1000 })),
        ...[25, 90].map((s, i) =>
          voiceCall(i + 3, {
            extensionId: '',
            direction: 'Outbound',
            startTime: FIRST_CALL + 99 * HOUR + i * 60_000,
            duration: s,
            durationMs: s * 1000,
          }),
        ),
      ];
      await store.upsertRecords(records);
      const q = {
        accountId: '1000',
        logs: [null],
        dateFrom: FIRST_CALL,
        dateTo: FIRST_CALL + 100 * HOUR - 1,
        extremes: true,
      };
      const [all] = await store.reports.aggregate(q);
      assert.deepEqual(
        [all.n, all.durationMs, all.minDurationMs, all.maxDurationMs],
        [5, 235_000, 10_000, 90_000],
        'every record, one group',
      );
      // The first half only: the second half's query gives a row without records, which has no extremes.
      const [early] = await store.reports.aggregate({ ...q, dateTo: FIRST_CALL + 60 * HOUR });
      assert.deepEqual([early.n, early.minDurationMs, early.maxDurationMs], [3, 10_000, 70_000]);
      const [late] = await store.reports.aggregate({ ...q, dateFrom: FIRST_CALL + 2 * HOUR });
      assert.deepEqual([late.n, late.minDurationMs, late.maxDurationMs], [2, 25_000, 90_000]);
      const byDirection = await store.reports.aggregate({ ...q, by: ['direction', 'type'] });
      assert.deepEqual(
        byDirection
          .map((g) => [g.direction, g.type, g.n, g.minDurationMs, g.maxDurationMs])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        [
          ['Inbound', 'Voice', 3, 10_000, 70_000],
          ['Outbound', 'Voice', 2, 25_000, 90_000],
        ],
      );
    } finally {
      await store.close();
      await database.drop();
    }
  });
}
