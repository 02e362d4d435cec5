// Tests of the decoder pool: threads answer like inline decoding, in the order batches were sent, and a batch
// that fails rejects its own promise without stopping the others.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRecordJson, withBase, type CallLogRecord } from '../domain/index.ts';
import { generateCompany, generateTraffic } from '../generator/index.ts';
import { createDecoderPool } from './decoder-pool.ts';
import type { SourceItem } from './import-sources.ts';

const OPTIONS = { seed: 8, extensions: 4, days: 1, callsPerDay: 60, endTime: Date.UTC(2026, 3, 1, 20) };
const records: CallLogRecord[] = [...generateTraffic(generateCompany(OPTIONS), OPTIONS)].flatMap((b) => b.records);
const items: SourceItem[] = records.map((r, i) => ({
  line: i + 1,
  bytesRead: i,
  text: withBase(prepareRecordJson(r).detailed, 'https://platform.ringcentral.com'),
}));
const JOB = { context: {} };
const batches = Array.from({ length: Math.ceil(items.length / 7) }, (_, i) => items.slice(i * 7, i * 7 + 7));

test('two decoder threads give what inline decoding gives, batch for batch', async () => {
  const inline = createDecoderPool(0);
  const threads = createDecoderPool(2);
  try {
    const expected = await Promise.all(batches.map((b) => inline.decode(JOB, b)));
    const got = await Promise.all(batches.map((b) => threads.decode(JOB, b)));
    assert.deepEqual(got, expected);
    assert.equal(got.flatMap((b) => b.rows).length, records.length);
    assert.deepEqual(
      got.flatMap((b) => b.rows.map((r) => r.id)),
      records.map((r) => r.id),
    );
  } finally {
    await inline.close();
    await threads.close();
  }
});

test('a batch the decoder cannot take rejects alone; the pool goes on', async () => {
  const pool = createDecoderPool(1);
  try {
    await assert.rejects(pool.decode(JOB, [{ line: 1, bytesRead: 1, cells: ['x'] }]), /CSV rows need the header row/);
    assert.equal((await pool.decode(JOB, batches[0])).rows.length, batches[0].length);
  } finally {
    await pool.close();
  }
});

test('a closed pool refuses work', async () => {
  const pool = createDecoderPool(1);
  await pool.close();
  await assert.rejects(pool.decode(JOB, batches[0]), /closed/);
});
