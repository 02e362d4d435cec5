// Tests of importCallLog over an in-memory SQLite store: bad lines reported by number while good ones land, list
// responses, directory placeholders, and the newest copy of a record winning wherever it sits in the file; and the
// records a transaction holds, on both backends.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRecordJson, withBase, type CallLogRecord } from '../domain/index.ts';
import { openStore } from '../store/index.ts';
import { generateCompany, generateTraffic } from '../generator/index.ts';
import { importCallLog } from './import-records.ts';
import { backends, createTestDatabase } from '../../test/support/backends.ts';

const OPTIONS = { seed: 3, extensions: 5, days: 2, callsPerDay: 40, endTime: Date.UTC(2026, 5, 1, 20) };
const company = generateCompany(OPTIONS);
const records: CallLogRecord[] = [...generateTraffic(company, OPTIONS)].flatMap((b) => b.records);
const line = (r: CallLogRecord, view: 'simple' | 'detailed' = 'detailed') =>
  withBase(prepareRecordJson(r)[view], 'https://platform.ringcentral.com');

async function run(text: string, options: { batchSize?: number } = {}) {
  const store = await openStore(':memory:');
  const rejected: [number, string][] = [];
  const summary = await importCallLog(store, [text], {
    format: 'ndjson',
    ...options,
    onReject: (n, reason) => rejected.push([n, reason]),
  });
  return { store, summary, rejected };
}

test('bad lines are reported with their number and reason; every good line is imported', async () => {
  const good = records.slice(0, 5).map((r) => line(r));
  const text = [
    good[0],
    'not json',
    good[1],
    '',
    JSON.stringify({ ...JSON.parse(good[2]), direction: 'Up' }),
    good[3],
    '[]',
    good[4],
  ].join('\n');
  const { store, summary, rejected } = await run(text, { batchSize: 2 });
  assert.deepEqual(
    rejected.map(([n]) => n),
    [2, 5, 7],
  );
  assert.match(rejected[0][1], /^not valid JSON/);
  assert.match(rejected[1][1], /direction "Up" is not one of Inbound, Outbound/);
  assert.match(rejected[2][1], /record must be a JSON object/);
  assert.deepEqual(summary, {
    read: 7,
    imported: 4,
    rejected: 3,
    createdAccounts: 1,
    createdExtensions: summary.createdExtensions,
    ignoredColumns: [],
  });
  assert.equal(await store.countRecords(), 4);
  await store.close();
});

test('a line holding a whole list response imports its records', async () => {
  const page = `{"uri":"x","records":[${records
    .slice(0, 3)
    .map((r) => line(r, 'simple'))
    .join(',')}],"paging":{},"navigation":{}}`;
  const { store, summary } = await run(page);
  assert.equal(summary.imported, 3);
  const found = await store.getRecords(records[0].accountId, records[0].extensionId, [records[0].id], 'Simple');
  assert.equal(found.size, 1);
  await store.close();
});

test('the account and the extensions records name get placeholders, named from the parties', async () => {
  const { store, summary } = await run(records.map((r) => line(r)).join('\n'));
  assert.equal(summary.createdAccounts, 1);
  const account = await store.getAccount(company.account.id);
  assert.ok(account);
  const named = new Set(
    records.flatMap((r) => [r.extensionId, r.ownerExtensionId, r.from.extensionId, r.to.extensionId]).filter(Boolean),
  );
  assert.equal(summary.createdExtensions, named.size);
  for (const real of company.extensions.filter((e) => named.has(e.id))) {
    const placeholder = await store.getExtension(real.id);
    assert.equal(placeholder?.extensionNumber, real.extensionNumber);
    assert.equal(placeholder?.name, real.name);
    assert.equal(placeholder?.role, 'user');
  }
  await store.close();
});

test('the newest copy of a record wins, before or after an older one in the same file', async () => {
  const r = records[0];
  const newer = { ...r, result: 'Missed' as const, lastModifiedTime: r.lastModifiedTime + 60_000 };
  for (const order of [
    [r, newer],
    [newer, r],
  ]) {
    const { store } = await run(order.map((x) => line(x)).join('\n'));
    const json = (await store.getRecords(r.accountId, r.extensionId, [r.id], 'Detailed')).get(r.id)!;
    assert.equal((JSON.parse(json) as { result: string }).result, 'Missed');
    await store.close();
  }
});

test('inline decoding and one or more decoder threads import the same, in file order', async () => {
  const r = records[1];
  const newer = { ...r, result: 'Missed' as const, lastModifiedTime: r.lastModifiedTime + 60_000 };
  const same = { ...r, result: 'Busy' as const }; // same lastModifiedTime as r: the first in the file stays
  const lines = records.map((x) => line(x));
  lines.splice(7, 0, 'not json', line(same));
  lines.splice(40, 0, line(newer), JSON.stringify({ id: 'x' }));
  const text = lines.join('\n');
  const answers: unknown[] = [];
  for (const decoders of [0, 1, 3]) {
    const store = await openStore(':memory:');
    const rejected: [number, string][] = [];
    const summary = await importCallLog(store, [text], {
      format: 'ndjson',
      batchSize: 3,
      decoders,
      onReject: (n, reason) => rejected.push([n, reason]),
    });
    const stored = await store.getRecords(r.accountId, r.extensionId, [r.id], 'Detailed');
    answers.push({
      summary,
      rejected,
      count: await store.countRecords(),
      result: (JSON.parse(stored.get(r.id)!) as { result: string }).result,
    });
    await store.close();
  }
  assert.deepEqual(
    (answers[0] as { rejected: unknown[] }).rejected.map((x) => (x as [number])[0]),
    [8, 42],
  );
  assert.equal((answers[0] as { result: string }).result, 'Missed');
  assert.deepEqual(answers[1], answers[0]);
  assert.deepEqual(answers[2], answers[0]);
});

test('a same-time copy later in the file does not replace the first', async () => {
  const r = records[2];
  const { store } = await run([line(r), line({ ...r, result: 'Busy' as const })].join('\n'), { batchSize: 1 });
  const json = (await store.getRecords(r.accountId, r.extensionId, [r.id], 'Detailed')).get(r.id)!;
  assert.equal((JSON.parse(json) as { result: string }).result, r.result);
  await store.close();
});

for (const backend of await backends()) {
  // SQLite: 50 (a commit rewrites every index page it touches); PostgreSQL: 5 (its triggers hold the account's lock).
  const perWrite = backend === 'sqlite' ? 50 : 5;
  test(`an import writes ${perWrite} batches per transaction (${backend})`, async () => {
    assert.ok(records.length > 50, `${records.length} records`);
    const database = await createTestDatabase(backend);
    const store = await openStore(database.location);
    try {
      const writes: number[] = [];
      const upsert = store.upsertPreparedBatches.bind(store);
      store.upsertPreparedBatches = (batches) => {
        writes.push(0);
        async function* counted() {
          for await (const rows of batches) {
            writes[writes.length - 1]++;
            yield rows;
          }
        }
        return upsert(counted());
      };
      const summary = await importCallLog(store, [records.map((r) => line(r)).join('\n')], {
        format: 'ndjson',
        batchSize: 1,
        decoders: 0,
      });
      assert.equal(summary.imported, records.length);
      assert.deepEqual(
        writes.slice(0, -1),
        writes.slice(0, -1).map(() => perWrite),
      );
      assert.equal(writes.length, Math.ceil(records.length / perWrite));
      assert.equal(await store.countRecords(), records.length);
    } finally {
      await store.close();
      await database.drop();
    }
  });
}
