// inBucketsSql, the test of the percentiles' second pass, holds a value exactly when the value's bucket is one of
// those asked for, in SQLite and in PostgreSQL, for buckets of every width and values either side of their bounds.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { backends } from '../../test/support/backends.ts';
import { bucketValues, inBucketsSql, valueBucket } from './report-histogram.ts';

/** Values of every tier, and just either side of some bucket's bounds. */
const value = fc.oneof(
  fc.integer({ min: -70_000, max: 70_000 }),
  fc.integer({ min: 0, max: 20_000_000 }),
  fc
    .tuple(fc.integer({ min: -70_000, max: 20_000_000 }), fc.constantFrom(-1, 0, 1), fc.boolean())
    .map(([v, d, top]) => {
      const { min, max } = bucketValues(valueBucket(v));
      return (top ? max : min) + d;
    }),
);
const cases = fc.record({
  buckets: fc.array(value.map(valueBucket), { maxLength: 6 }),
  values: fc.array(value, { minLength: 1, maxLength: 40 }),
});

/** The SQL's answer for each value: a `with` of the values (integers, inlined) and the test of each. */
const query = (buckets: number[], values: number[]) =>
  `with t(i, v) as (values ${values.map((v, i) => `(${i}, ${v})`).join(', ')})
   select i, case when ${inBucketsSql('v', buckets)} then 1 else 0 end as hit from t order by i`;

const expected = (buckets: number[], values: number[]) => values.map((v) => (buckets.includes(valueBucket(v)) ? 1 : 0));

test('inBucketsSql: SQLite holds a value exactly when its bucket is asked for', () => {
  const db = new Database(':memory:');
  try {
    fc.assert(
      fc.property(cases, ({ buckets, values }) => {
        const rows = db.prepare(query(buckets, values)).all() as { hit: number }[];
        assert.deepEqual(
          rows.map((r) => r.hit),
          expected(buckets, values),
        );
      }),
      { numRuns: 300 },
    );
  } finally {
    db.close();
  }
});

const noPostgres = !(await backends()).includes('postgres');

test('inBucketsSql: PostgreSQL holds a value exactly when its bucket is asked for', { skip: noPostgres }, async () => {
  const client = new pg.Client({
    connectionString: process.env.RINGLOG_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  await client.connect();
  try {
    await fc.assert(
      fc.asyncProperty(cases, async ({ buckets, values }) => {
        const { rows } = await client.query<{ hit: number }>(query(buckets, values));
        assert.deepEqual(
          rows.map((r) => r.hit),
          expected(buckets, values),
        );
      }),
      { numRuns: 150 },
    );
  } finally {
    await client.end();
  }
});

test('inBucketsSql refuses a bound that is not an integer', () => {
  assert.throws(() => inBucketsSql('v', [1.5]), /integers/);
  assert.equal(inBucketsSql('v', []), '1 = 0');
});
