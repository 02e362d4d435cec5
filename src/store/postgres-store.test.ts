// Tests of the PostgreSQL store's connections: an idle connection the server drops is reported (not swallowed) and
// replaced on the next query; the binary COPY the contacts report reads with takes its parameters as literals; the
// connections run without JIT.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { backends, createTestDatabase } from '../../test/support/backends.ts';
import { generateCompany, generateTraffic } from '../generator/index.ts';
import { openPostgresStore } from './postgres-store.ts';

if ((await backends()).includes('postgres'))
  test('a dropped idle connection is reported and replaced', async () => {
    const database = await createTestDatabase('postgres');
    const reported: Error[] = [];
    let told: () => void = () => {};
    const toldOnce = new Promise<void>((resolve) => (told = resolve));
    const store = await openPostgresStore(database.location, {
      poolSize: 1,
      onPoolError: (err) => {
        reported.push(err);
        told();
      },
    });
    try {
      await store.listAccounts();
      const admin = new pg.Client({ connectionString: database.location });
      await admin.connect();
      try {
        await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        );
      } finally {
        await admin.end();
      }
      await toldOnce;
      assert.equal(reported.length, 1);
      assert.deepEqual(await store.listAccounts(), []);
    } finally {
      await store.close();
      await database.drop();
    }
  });

if ((await backends()).includes('postgres'))
  test("contacts' binary copy writes the account id into its text as a literal, and gives its connection back", async () => {
    const database = await createTestDatabase('postgres');
    const store = await openPostgresStore(database.location, { poolSize: 1 });
    try {
      const end = Date.UTC(2026, 9, 1);
      const o = { seed: 3, extensions: 4, days: 4, callsPerDay: 40, endTime: end };
      const company = generateCompany(o);
      // An id no API would mint, with what a literal must escape.
      const accountId = "o'brien\\'; drop table call_log; --";
      const records = [...generateTraffic(company, o)].flatMap((b) => b.records).map((r) => ({ ...r, accountId }));
      await store.putAccount({ ...company.account, id: accountId });
      await store.upsertRecords(records);
      const q = { accountId, logs: [null], dateFrom: end - 3 * 86_400_000, dateTo: end - 1 };
      const totals = await store.reports.contacts(q, { unitSeconds: 1, minimumSeconds: 0 });
      assert.ok(totals.contact.length > 10);
      // Every outside call of the period, as the records' own count has them.
      const counted = [...totals.calls, ...totals.faxes].reduce((a, b) => a + b, 0);
      assert.equal(counted, await store.reports.count({ ...q, external: true }));
      assert.ok(counted > totals.contact.length);
      // The pool's one connection is free again (a copy that kept it would hang here).
      assert.equal((await store.listAccounts()).length, 1);
      assert.equal(await store.countRecords(), records.length);
    } finally {
      await store.close();
      await database.drop();
    }
  });

if ((await backends()).includes('postgres'))
  test('connections run without JIT (a report statement would spend longer compiling than running)', async () => {
    const database = await createTestDatabase('postgres');
    const store = await openPostgresStore(database.location, { poolSize: 2 });
    try {
      const { rows } = await sql<{ jit: string }>`show jit`.execute(store.db);
      assert.equal(rows[0].jit, 'off');
    } finally {
      await store.close();
      await database.drop();
    }
  });
