// SQLite reads each of a percentiles report's statements in a snapshot of its own (its reader threads hold no
// transaction across statements): a write that lands between the histogram's read and the pass over the values puts
// them out of step. The report then reads them both once more before it ranks every value (the slow path).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompiledQuery } from 'kysely';
import { createTestDatabase } from '../../test/support/backends.ts';
import { voiceCall } from '../../test/support/records.ts';
import { openStore } from './index.ts';
import type { KyselyStore } from './kysely-store.ts';
import { ReportStore } from './report-store.ts';

const DAY = 86_400_000;

for (const readers of [0, 2]) {
  test(`SQLite: a write between a percentiles report's reads is read again (${readers} reader threads)`, async () => {
    const database = await createTestDatabase('sqlite');
    const store = await openStore(database.location, { readers });
    type Answer = (...args: unknown[]) => Promise<unknown>;
    const proto = ReportStore.prototype as unknown as { percentilesFromHistogram: Answer };
    const original = proto.percentilesFromHistogram;
    const answers: boolean[] = [];
    proto.percentilesFromHistogram = async function (this: unknown, ...args: unknown[]) {
      const answer = await original.apply(this, args);
      answers.push(answer !== null);
      return answer;
    };
    const executor = (store as KyselyStore).reads.getExecutor();
    const run = executor.executeQuery.bind(executor);
    try {
      // Three days of company-log calls lasting 1 to 600 s; the report covers whole days only.
      const calls = Array.from({ length: 600 }, (_, n) => {
        const ms = 1000 + ((n * 7919) % 599) * 1000;
        return voiceCall(n * 7, { extensionId: null, duration: ms / 1000, durationMs: ms });
      });
      await store.upsertRecords(calls);
      const from = Math.floor(calls[0].startTime / DAY) * DAY;
      const q = { accountId: '1000', logs: [null], dateFrom: from, dateTo: from + 4 * DAY - 1 };
      // The first pass over the values, once: the same calls again under new ids are written just before it.
      let written = false;
      executor.executeQuery = (async (query: CompiledQuery) => {
        if (!written && /case when \(\(\w+ >= /.test(query.sql)) {
          written = true;
          await store.upsertRecords(calls.map((c) => ({ ...c, id: `${c.id}b`, telephonySessionId: `${c.id}b` })));
        }
        return run(query);
      }) as typeof executor.executeQuery;
      const [, , duration] = await store.reports.percentiles(q, ['talk', 'wait', 'duration'], [50, 90, 100]);
      assert.ok(written, 'the write landed between the reads');
      assert.deepEqual(answers, [false, true], 'out of step once, then answered from the histogram');
      // Both copies of every call: each value twice.
      const values = calls.map((c) => c.durationMs).sort((a, b) => a - b);
      const rank = (p: number) => values[Math.ceil((p / 100) * values.length) - 1];
      assert.deepEqual(duration, [
        { key: null, n: 1200, total: 2 * values.reduce((s, v) => s + v, 0), values: [50, 90, 100].map(rank) },
      ]);
    } finally {
      executor.executeQuery = run;
      proto.percentilesFromHistogram = original;
      await store.close();
      await database.drop();
    }
  });
}
