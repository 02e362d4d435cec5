// Billing rounding and percentiles as docs/reports.md defines them (its worked example: 226 s of talk).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { billableSeconds, billedAmount, percentile, rankOrder } from './report-math.ts';

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

test('rankOrder: by the first figure, then the second (most first), then the text; as the plain comparator', () => {
  const reference = (first: number[], second: number[], text: string[]) =>
    text.map((_, i) => i).sort((x, y) => first[y] - first[x] || second[y] - second[x] || (text[x] < text[y] ? -1 : 1));
  // One kind of figure per case: few values (runs of ties), any 31-bit integer, pairs past 64 bits or not integers
  // (the comparator).
  const kinds = [fc.nat({ max: 3 }), fc.nat(), fc.maxSafeInteger(), fc.double({ min: 0, max: 100, noNaN: true })];
  fc.assert(
    fc.property(
      fc
        .tuple(fc.uniqueArray(fc.stringMatching(/^\+[0-9]{1,6}$/), { maxLength: 300 }), fc.constantFrom(...kinds))
        .chain(([text, figure]) =>
          fc.tuple(
            fc.constant(text),
            fc.array(figure, { minLength: text.length, maxLength: text.length }),
            fc.array(figure, { minLength: text.length, maxLength: text.length }),
          ),
        ),
      ([text, first, second]) => {
        assert.deepEqual(rankOrder(first, second, text), reference(first, second, text));
      },
    ),
    { numRuns: 400 },
  );
  // Keys that use every bit of the low word: a large first figure, many rows, long runs of ties whose texts are not
  // in index order.
  const n = 5000;
  const text = Array.from({ length: n }, (_, i) => `+1${String((i * 7919) % n).padStart(6, '0')}`);
  const first = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 472_217_283 - (i % 97) * 4_000_001));
  const second = Array.from({ length: n }, (_, i) => (i % 5) * 600);
  assert.deepEqual(rankOrder(first, second, text), reference(first, second, text));
  // Figures past 64 bits as they are, as in the 10M set's whole range (a number with 9.4·10⁹ ms of talk in
  // 47,749 calls): ranked by their places among the distinct values (calls by counting), then as above.
  const big = Array.from({ length: 3000 }, (_, i) => (i % 4 === 0 ? 0 : 999_999_999_999 - (i % 211) * 4_400_001_701));
  const calls = Array.from({ length: 3000 }, (_, i) => (i === 7 ? 47_749 : i % 4 === 0 ? 1 : (i * 13) % 40));
  const numbers3000 = Array.from({ length: 3000 }, (_, i) => `+1650${String((i * 7919) % 3000).padStart(7, '0')}`);
  assert.deepEqual(rankOrder(big, calls, numbers3000), reference(big, calls, numbers3000));
  // A long run of ties whose texts repeat (sorted by the comparator, not by distinct keys).
  const repeated = Array.from({ length: 400 }, (_, i) => `+1${(i * 31) % 150}`);
  const tied = repeated.map(() => 1);
  const order = rankOrder(tied, tied, repeated);
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    repeated.map((_, i) => i),
    'every index once',
  );
  assert.deepEqual(
    order.map((i) => repeated[i]),
    reference(tied, tied, repeated).map((i) => repeated[i]),
  );
  // Ties in text order: a number before the longer ones it starts (compared as numbers), or any text (compared as text).
  const numbers = ['+10', '+1', '+100', '+2', '+09', '+0', '+999999999999999', '+99999999999999'];
  const same = numbers.map(() => 7);
  assert.deepEqual(
    rankOrder(same, same, numbers).map((i) => numbers[i]),
    ['+0', '+09', '+1', '+10', '+100', '+2', '+99999999999999', '+999999999999999'],
  );
  const texts = ['b', '+1', 'a', '+0'];
  assert.deepEqual(
    rankOrder([1, 1, 1, 1], [0, 0, 0, 0], texts).map((i) => texts[i]),
    ['+0', '+1', 'a', 'b'],
  );
});
