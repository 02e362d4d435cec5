// PostgreSQL: two transactions writing one account's records change its report sums one after the other. The
// statement triggers that keep report_contact, report_histogram and report_rollup (fired in that order) lock sum
// rows as they go. Without the account's lock (report-rollup-pg.ts SUMS_LOCK), a transaction that updated a
// record of one day (its ten-day rollup row) and then inserted one of the next day deadlocked with another
// inserting a record of that next day (its contact and histogram rows, then waiting for the ten-day row).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { backends, createTestDatabase } from '../../test/support/backends.ts';
import { copyCallLogRow, voiceCall } from '../../test/support/records.ts';
import { openStore } from './index.ts';

/** A copy of stored record $1 under the id $2. */
const COPY = copyCallLogRow({ id: '$2' }, 'id = $1');

const pgOnly = !(await backends()).includes('postgres');

test(
  'PostgreSQL: an update then an insert beside another insert of the same sums does not deadlock',
  { skip: pgOnly },
  async () => {
    const database = await createTestDatabase('postgres');
    const store = await openStore(database.location);
    const one = new pg.Client({ connectionString: database.location });
    const two = new pg.Client({ connectionString: database.location });
    try {
      // Company-log calls with an outside number (they count in all three tables) on two days of one ten-day period
      // (2026-11-01 and 02: days 20,758 and 20,759 from the epoch).
      const day = 86_400_000;
      const [first, next] = [voiceCall(1), voiceCall(2)].map((r, i) => ({
        ...r,
        extensionId: null,
        startTime: r.startTime + i * day,
        lastModifiedTime: r.lastModifiedTime + i * day,
      }));
      await store.upsertRecords([first, next]);
      await one.connect();
      await two.connect();
      const { rows: pids } = await two.query<{ pid: number }>('select pg_backend_pid() as pid');
      await one.query('begin');
      await two.query('begin');
      // One: a late update of the first day's call (its day's contact and histogram rows, its ten-day rollup row).
      await one.query(`update call_log set duration_ms = duration_ms + 1000, talk_ms = talk_ms + 1000 where id = 'R1'`);
      // Two: a call of the next day (that day's contact and histogram rows, then the ten-day row one holds).
      const inserted = two.query(COPY, ['R2', 'two']).then(
        () => 'inserted',
        (err: Error) => err.message,
      );
      // Until two waits for a lock (one's rollup row without the account's lock, the lock itself with it).
      for (let waited = 0; ; waited += 20) {
        const { rows: state } = await one.query<{ wait: string | null }>(
          'select wait_event_type as wait from pg_stat_activity where pid = $1',
          [pids[0].pid],
        );
        if (state[0]?.wait === 'Lock') break;
        assert.ok(waited < 10_000, 'two never waited for a lock');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // One: a call of the next day too (the contact and histogram rows two holds, without the lock).
      await one.query(COPY, ['R2', 'one']);
      await one.query('commit');
      assert.equal(await inserted, 'inserted');
      await two.query('commit');
      const { rows } = await one.query<{ n: string }>(
        `select sum(n) as n from report_rollup where grain = 86400000 and extension_id = ''`,
      );
      assert.equal(Number(rows[0].n), 4);
    } finally {
      await one.end().catch(() => {});
      await two.end().catch(() => {});
      await store.close();
      await database.drop();
    }
  },
);
