// `ringlog report NAME`: readable tables, CSV and JSON from the same figures, errors named by their flag, and a
// reconciliation file read from disk; on both backends.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runReportCommand, type ReportFlags } from '../src/cli/report-command.ts';
import { seedStore } from '../src/generator/index.ts';
import { openStore } from '../src/store/index.ts';
import { backends, createTestDatabase, type TestDatabase } from './support/backends.ts';

const END = Date.UTC(2026, 10, 20);
const SEED = { seed: 5, extensions: 8, days: 5, callsPerDay: 50, endTime: END };

for (const backend of await backends())
  describe(`ringlog report (${backend})`, () => {
    let db: TestDatabase;
    const flags = (extra: Partial<ReportFlags> = {}): ReportFlags => ({
      db: db.location,
      from: '2026-11-15',
      to: '2026-11-20',
      format: 'table',
      ...extra,
    });

    before(async () => {
      db = await createTestDatabase(backend);
      const store = await openStore(db.location);
      await seedStore(store, SEED);
      await store.close();
    });
    after(() => db.drop());

    it('prints the same outcomes as a table, CSV and JSON', async () => {
      const json = JSON.parse(await runReportCommand('outcomes', flags({ format: 'json' }))) as {
        rows: Record<string, number>[];
      };
      const [row] = json.rows;
      assert.ok(row.calls > 100);
      const csv = (await runReportCommand('outcomes', flags({ format: 'csv' }))).trim().split('\r\n');
      assert.equal(csv.length, 2);
      const header = csv[0].split(',');
      const values = csv[1].split(',');
      assert.equal(values[header.indexOf('calls')], String(row.calls));
      assert.equal(values[header.indexOf('answerRate')], String(row.answerRate));
      const table = (await runReportCommand('outcomes', flags())).split('\n');
      assert.match(table[0], /^outcomes: 2026-11-15T00:00:00.000Z \.\. 2026-11-20T00:00:00.000Z \(UTC\)/);
      assert.match(table[1], /Calls\s+Inbound\s+Offered\s+Answered\s+Answer %/);
      assert.match(
        table[3],
        new RegExp(`^all\\s+${row.calls}\\s+${row.inbound}\\s+${row.offered}\\s+${row.answered}\\b`),
      );
    });

    it('groups volume by day in a time zone and lists every day', async () => {
      const csv = await runReportCommand('volume', flags({ format: 'csv', by: 'day', timeZone: 'America/New_York' }));
      const days = csv
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[0]);
      assert.deepEqual(days, ['2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19']);
    });

    it('names the flag of a bad value', async () => {
      await assert.rejects(
        runReportCommand('outcomes', flags({ from: 'last tuesday' })),
        /--from: invalid value "last tuesday"/,
      );
      await assert.rejects(runReportCommand('nonsense', flags()), /NAME: invalid value "nonsense"/);
      await assert.rejects(
        runReportCommand('outcomes', flags({ extension: '999' })),
        /--extension: invalid value "999"/,
      );
      await assert.rejects(runReportCommand('reconcile', flags()), /--file/);
    });

    it('reconciles a CSV file', async () => {
      const contacts = JSON.parse(await runReportCommand('contacts', flags({ format: 'json' }))) as {
        rows: { contact: string }[];
      };
      const file = join(db.dir, 'carrier.csv');
      writeFileSync(file, 'Date,Number,Duration\r\n2026-11-16T10:00:00Z,+15550001111,60\r\n');
      const res = JSON.parse(
        await runReportCommand('reconcile', flags({ format: 'json', file, phoneNumber: contacts.rows[0].contact })),
      ) as { rows: { status: string; fileNumber: string | null }[] };
      assert.deepEqual(
        res.rows.filter((r) => r.status === 'only-in-file').map((r) => r.fileNumber),
        ['+15550001111'],
      );
      assert.ok(res.rows.some((r) => r.status === 'only-in-ringlog'));
    });

    it('writes every reconcile row as CSV and JSON, page after page; --page gives one page', async () => {
      const file = join(db.dir, 'one-call.csv');
      writeFileSync(file, 'Date,Number\r\n2026-11-16T10:00:00Z,+15550001111\r\n');
      type Answer = { rows: { status: string; recordId: string | null }[]; summary: Record<string, number> };
      const paged = JSON.parse(
        await runReportCommand('reconcile', flags({ format: 'json', file, page: '1', perPage: '5' })),
      ) as Answer & { paging: { totalElements: number } };
      const total = paged.summary.onlyInRingLog;
      assert.ok(total > 10);
      assert.equal(paged.rows.length, 1 + 5);
      assert.equal(paged.paging.totalElements, total);
      // Without --page: all rows, read in pages of --per-page (7 here, to read many).
      const all = JSON.parse(
        await runReportCommand('reconcile', flags({ format: 'json', file, perPage: '7' })),
      ) as Answer;
      assert.deepEqual(all.summary, paged.summary);
      assert.equal(all.rows.length, 1 + total);
      assert.equal(new Set(all.rows.map((r) => r.recordId)).size, 1 + total);
      assert.equal('paging' in all, false);
      const csv = (await runReportCommand('reconcile', flags({ format: 'csv', file, perPage: '7' })))
        .trim()
        .split('\r\n');
      assert.equal(csv.length, 1 + 1 + total);
      assert.deepEqual(
        csv.slice(1).map((line) => line.split(',')[5] || null),
        all.rows.map((r) => r.recordId),
      );
      const table = await runReportCommand('reconcile', flags({ file, perPage: '5' }));
      assert.match(table, new RegExp(`matched 0, onlyInFile 1, onlyInRingLog ${total}\\b`));
      assert.match(table, new RegExp(`page 1 of ${Math.ceil(total / 5)}`));
      await assert.rejects(
        runReportCommand('reconcile', flags({ file, perPage: '20000' })),
        /--per-page: invalid value "20000"/,
      );
    });
  });
