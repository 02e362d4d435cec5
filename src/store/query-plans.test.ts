// SQLite query plans of the paths that would otherwise walk a whole log: they must seek an index, whatever the
// size of the archive (a plan that walks still answers right, so only the plan shows it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, type Kysely } from 'kysely';
import { parseCallLogQuery } from '../domain/index.ts';
import { openStore } from './index.ts';
import type { KyselyStore } from './kysely-store.ts';
import type { AggregateQuery } from './report-store.ts';

async function plan(db: Kysely<unknown>, query: CompiledQuery): Promise<string[]> {
  const rows = await db.executeQuery<{ detail: string }>(
    CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]),
  );
  return rows.rows.map((r) => r.detail);
}

for (const [filter, index] of [
  ['telephonySessionId', 'call_log_telephony_session (account_id=? AND telephony_session_id=? AND extension_id=?'],
  ['sessionId', 'call_log_session (account_id=? AND session_id=? AND extension_id=?'],
] as const)
  test(`SQLite: call-log?${filter}= seeks its index, over any date range`, async () => {
    const store = (await openStore(':memory:')) as KyselyStore;
    try {
      const q = parseCallLogQuery(
        { [filter]: filter === 'sessionId' ? '123456' : 's-a1b2c3', dateFrom: '2000-01-01T00:00:00Z' },
        { accountId: 'a', extensionId: null },
        Date.UTC(2026, 10, 28),
      );
      const compiled = (store as unknown as { listCompiled(q: unknown): CompiledQuery }).listCompiled(q);
      const steps = await plan(store.db as Kysely<unknown>, compiled);
      assert.ok(
        steps.some((d) => d.includes(`USING INDEX ${index}`)),
        steps.join('\n'),
      );
    } finally {
      await store.close();
    }
  });

test('SQLite: retention deletes a batch by primary key, not by walking the account', async () => {
  const store = (await openStore(':memory:')) as KyselyStore;
  try {
    const query = (
      store as unknown as { purgeQuery(log: unknown, before: number, limit: number): { compile(): CompiledQuery } }
    )
      .purgeQuery({ accountId: 'a', extensionId: null }, 1, 500)
      .compile();
    const steps = await plan(store.db as Kysely<unknown>, query);
    assert.ok(
      steps.some((d) =>
        /SEARCH call_log USING PRIMARY KEY \(account_id=\? AND extension_id=\? AND start_time=\? AND id=\?\)/.test(d),
      ),
      steps.join('\n'),
    );
  } finally {
    await store.close();
  }
});

const MONTH = { dateFrom: Date.UTC(2026, 9, 1, 7), dateTo: Date.UTC(2026, 9, 31, 7) };

/** The plans of the statements the report store runs for an aggregate of the company log's month, as it runs them. */
async function aggregatePlans(query: Partial<AggregateQuery>): Promise<{ sql: string; steps: string[] }[]> {
  const store = (await openStore(':memory:')) as KyselyStore;
  try {
    const executor = store.db.getExecutor();
    const seen: CompiledQuery[] = [];
    const run = executor.executeQuery.bind(executor);
    executor.executeQuery = ((compiled: CompiledQuery) => {
      seen.push(compiled);
      return run(compiled);
    }) as typeof executor.executeQuery;
    await store.reports.aggregate({ accountId: 'a', logs: [null], ...MONTH, ...query });
    executor.executeQuery = run;
    assert.ok(seen.length > 0);
    return await Promise.all(
      seen.map(async (compiled) => ({ sql: compiled.sql, steps: await plan(store.db as Kysely<unknown>, compiled) })),
    );
  } finally {
    await store.close();
  }
}

for (const [report, query, index] of [
  [
    "the agents report's transfers out",
    { transferred: true, by: ['agent'] },
    'call_log_transferred (account_id=? AND extension_id=?',
  ],
  [
    'the queues report',
    { directions: ['Inbound'], types: ['Voice'], entryIds: ['q1', 'q2'], by: ['entry', 'result'], slaMs: 20_000 },
    'call_log_entry (account_id=? AND entry_id=?',
  ],
  [
    'the queue-members report',
    { results: ['Accepted', 'Call connected'], entryIds: ['q1'], by: ['entry', 'agent'] },
    'call_log_entry (account_id=? AND entry_id=?',
  ],
  // The contact's number is not in call_log_entry.
  ['a queue query the entry index cannot answer', { entryIds: ['q1'], by: ['contact'] }, 'call_log_report'],
] as const)
  test(`SQLite: ${report} reads along ${index.split(' ')[0]}`, async () => {
    for (const { sql, steps } of await aggregatePlans(query))
      assert.ok(
        steps.some((d) => d.includes(`USING COVERING INDEX ${index}`)),
        `${sql}\n${steps.join('\n')}`,
      );
  });
