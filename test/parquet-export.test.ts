// `ringlog export --format parquet` read back by DuckDB: every record once, its fields and legs as stored, and the
// report facts columns agreeing with the reports module.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { CallLogRecord } from '../src/domain/index.ts';
import { generateCompany, generateTraffic } from '../src/generator/index.ts';
import { parseReportRequest, runReport } from '../src/reports/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { exportParquet } from '../src/transfer/index.ts';
import { backends, createTestDatabase, type TestDatabase } from './support/backends.ts';

const OPTIONS = { seed: 3, extensions: 6, days: 3, callsPerDay: 40, endTime: Date.UTC(2026, 5, 1) };

for (const backend of await backends())
  describe(`Parquet export (${backend})`, () => {
    let db: TestDatabase;
    let store: Store;
    let records: CallLogRecord[];
    let file: string;
    let accountId: string;
    const rows = async (sql: string) => {
      const duck = await DuckDBInstance.create(':memory:');
      const c = await duck.connect();
      try {
        return (await c.runAndReadAll(sql.replaceAll('FILE', `'${file}'`))).getRowObjectsJson();
      } finally {
        c.closeSync();
      }
    };

    before(async () => {
      db = await createTestDatabase(backend);
      store = await openStore(db.location);
      const company = generateCompany(OPTIONS);
      accountId = company.account.id;
      records = [...generateTraffic(company, OPTIONS)].flatMap((b) => b.records);
      await store.putAccount(company.account);
      await store.putExtensions(company.extensions);
      await store.upsertRecords(records);
      file = join(db.dir, 'calls.parquet');
      const { records: n } = await exportParquet(store, file, [
        { accountId, dateFrom: 0, dateTo: 8.64e15, view: 'Detailed' },
      ]);
      assert.equal(n, records.length);
    });
    after(async () => {
      await store.close();
      await db.drop();
    });

    it('holds every record once, with its fields and legs', async () => {
      const [totals] = await rows(
        'select count(*) n, count(distinct id) ids, sum(len(legs)) legs, sum(duration_ms) ms, count(extension_id) ext from FILE',
      );
      assert.equal(Number(totals.n), records.length);
      assert.equal(Number(totals.ids), records.length);
      assert.equal(
        Number(totals.legs),
        records.reduce((s, r) => s + r.legs.length, 0),
      );
      assert.equal(
        Number(totals.ms),
        records.reduce((s, r) => s + r.durationMs, 0),
      );
      assert.equal(Number(totals.ext), records.filter((r) => r.extensionId !== null).length);

      const sample = records.find((r) => r.extensionId === null && r.legs.length > 2 && r.from.name)!;
      const [row] = await rows(
        `select epoch_ms(start_time) started, result, from_name, from_phone_number, deleted,
           [l.leg_type for l in legs] leg_types, [l.extension_id for l in legs] leg_extensions,
           [epoch_ms(l.start_time) for l in legs] leg_starts
         from FILE where id = '${sample.id}'`,
      );
      assert.equal(Number(row.started), sample.startTime);
      assert.equal(row.result, sample.result);
      assert.equal(row.from_name, sample.from.name);
      assert.equal(row.from_phone_number, sample.from.phoneNumber);
      assert.equal(row.deleted, false);
      assert.deepEqual(
        row.leg_types,
        sample.legs.map((l) => l.legType),
      );
      assert.deepEqual(
        row.leg_extensions,
        sample.legs.map((l) => l.extensionId ?? null),
      );
      assert.deepEqual(
        (row.leg_starts as string[]).map(Number),
        sample.legs.map((l) => l.startTime),
      );
      assert.equal(
        Number((await rows('select count(*) n from FILE where deleted'))[0].n),
        records.filter((r) => r.deleted).length,
      );
    });

    it('its report columns give the figures of the reports module', async () => {
      const period = {
        from: new Date(OPTIONS.endTime - 3 * 86_400_000).toISOString(),
        to: new Date(OPTIONS.endTime).toISOString(),
      };
      const [outcomes] = (await runReport(store, accountId, parseReportRequest({ report: 'outcomes', ...period })))
        .rows;
      const [duck] = await rows(
        `select count(*) calls,
           count(*) filter (direction = 'Inbound' and type = 'Voice' and result <> 'Blocked') offered,
           count(*) filter (direction = 'Inbound' and type = 'Voice' and answered) answered
         from FILE where extension_id is null and not deleted`,
      );
      assert.equal(Number(duck.calls), outcomes.calls);
      assert.equal(Number(duck.offered), outcomes.offered);
      assert.equal(Number(duck.answered), outcomes.answered);
      const talk = (
        await runReport(store, accountId, parseReportRequest({ report: 'durations', ...period }))
      ).rows.find((r) => r.metric === 'talk')!;
      const [sum] = await rows(
        `select sum(talk_ms) ms from FILE where extension_id is null and not deleted and type = 'Voice' and answered`,
      );
      assert.equal(Number(sum.ms) / 1000, talk.total);
    });
  });
