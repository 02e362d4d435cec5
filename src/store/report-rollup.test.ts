// The rollup's read of stored records on SQLite goes by the (account_id, id) index, not along the account's records.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompiledQuery } from 'kysely';
import { openStore } from './index.ts';
import type { KyselyStore } from './kysely-store.ts';
import { STORED_BY_IDS } from './report-rollup.ts';

test('SQLite reads the stored records a rollup upsert replaces by their id index', async () => {
  const store = (await openStore(':memory:')) as KyselyStore;
  try {
    const plan = await store.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`EXPLAIN QUERY PLAN ${STORED_BY_IDS}`, ['a', '["x","y"]']),
    );
    const call = plan.rows.map((r) => r.detail).find((d) => d.includes('call_log'));
    assert.match(call ?? '', /USING INDEX call_log_id \(account_id=\? AND id=\?\)/);
  } finally {
    await store.close();
  }
});
