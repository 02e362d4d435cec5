// PostgreSQL answers percentiles from the value histograms while records are being written: the histogram's counts
// and the values in the ranks' buckets come from one snapshot. Read committed, a record written between the two
// reads made them disagree, and the report fell back to ranking every value (3 s for the 10M set's whole range).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { backends, createTestDatabase } from '../../test/support/backends.ts';
import { copyCallLogRow, voiceCall, FIRST_CALL } from '../../test/support/records.ts';
import { openStore } from './index.ts';
import { ReportStore } from './report-store.ts';

const DAY = 86_400_000;

/** A copy of stored record R0 under a new id, at a later time, with another duration and talk time. */
const COPY = copyCallLogRow(
  { id: '$1', start_time: 'start_time + $2::bigint', duration_ms: '$3::bigint', talk_ms: '$3::bigint' },
  `id = 'R0'`,
);

const noPostgres = !(await backends()).includes('postgres');

test('PostgreSQL: durations come from the histograms while records are written', { skip: noPostgres }, async () => {
  const database = await createTestDatabase('postgres');
  const store = await openStore(database.location);
  const writer = new pg.Client({ connectionString: database.location });
  type Answer = (...args: unknown[]) => Promise<unknown>;
  const proto = ReportStore.prototype as unknown as { percentilesFromHistogram: Answer };
  const original = proto.percentilesFromHistogram;
  let answered = 0;
  let ranked = 0;
  proto.percentilesFromHistogram = async function (this: unknown, ...args: unknown[]) {
    const answer = await original.apply(this, args);
    if (answer === null) ranked += 1;
    else answered += 1;
    return answer;
  };
  let writing = true;
  try {
    // Three days of company-log calls, a few minutes apart, lasting 1 to 600 s.
    const calls = Array.from({ length: 600 }, (_, n) => {
      const ms = 1000 + ((n * 7919) % 599) * 1000;
      return voiceCall(n * 7, { extensionId: null, duration: ms / 1000, durationMs: ms });
    });
    await store.upsertRecords(calls);
    await writer.connect();
    // Meanwhile: one call after another inside the period, each in its own transaction.
    let n = 0;
    const writes = (async () => {
      while (writing) {
        n += 1;
        await writer.query(COPY, [`W${n}`, (n * 37_000) % (2 * DAY), 1000 + ((n * 104_729) % 599) * 1000]);
      }
    })();
    const q = { accountId: '1000', logs: [null], dateFrom: FIRST_CALL - DAY, dateTo: FIRST_CALL + 4 * DAY };
    for (let i = 0; i < 40; i++) {
      const [, , duration] = await store.reports.percentiles(q, ['talk', 'wait', 'duration'], [50, 90, 95, 99]);
      assert.equal(duration.length, 1);
    }
    writing = false;
    await writes;
    assert.ok(n > 40, `${n} calls written meanwhile`);
    assert.equal(ranked, 0, `${ranked} of ${ranked + answered} reports ranked every value`);
    assert.equal(answered, 40);
  } finally {
    writing = false;
    proto.percentilesFromHistogram = original;
    await writer.end().catch(() => {});
    await store.close();
    await database.drop();
  }
});
