// Billing rounding and percentiles as docs/reports.md defines them (its worked example: 226 s of talk).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { billableSeconds, billedAmount, percentile } from './report-math.ts';

test('226 s of talk: per second, per started minute, 6-second increments, minimum charge, amount', () => {
  assert.equal(billableSeconds(226_000, { rounding: 'second', minimumSeconds: 0 }), 226);
  assert.equal(billableSeconds(225_001, { rounding: 'second', minimumSeconds: 0 }), 226);
  assert.equal(billableSeconds(226_000, { rounding: 'minute', minimumSeconds: 0 }), 240);
  assert.equal(billableSeconds(226_000, { rounding: '6s', minimumSeconds: 0 }), 228);
  assert.equal(billableSeconds(226_000, { rounding: 'second', minimumSeconds: 300 }), 300);
  assert.equal(billableSeconds(0, { rounding: 'minute', minimumSeconds: 300 }), 0);
  assert.equal(billedAmount(226, 0.02), 0.0753);
});

test('nearest-rank percentiles', () => {
  const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(v, 50), 5);
  assert.equal(percentile(v, 90), 9);
  assert.equal(percentile(v, 95), 10);
  assert.equal(percentile(v, 100), 10);
  assert.equal(percentile([], 50), null);
});
