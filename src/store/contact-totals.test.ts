// The contacts report's columns: read from the SQL's lists and PostgreSQL's binary copies, and added up per number
// across the parts of a period.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ContactSums, type ContactTotals } from './contact-totals.ts';

const plain = (t: ContactTotals) =>
  t.contact.map((contact, i) => ({
    contact,
    calls: t.calls[i],
    faxes: t.faxes[i],
    inbound: t.inbound[i],
    answered: t.answered[i],
    talkMs: t.talkMs[i],
    billable: t.billable[i],
  }));

/** A row as the SQL hands it over: the number with its +, then n (calls and faxes), faxes … billable. */
type Row = [string, number, number, number, number, number, number];

const list = (rows: Row[]) => rows.map((r) => r.join(',')).join(',');

/** PostgreSQL's binary COPY of the rows (text, then six float8), as `COPY … TO STDOUT (FORMAT binary)` writes it. */
function binaryCopy(rows: Row[]): Buffer {
  const parts = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const [contact, ...figures] of rows) {
    const text = Buffer.from(contact, 'utf8');
    const row = Buffer.alloc(2 + 4 + text.length + figures.length * 12);
    row.writeInt16BE(7, 0);
    row.writeInt32BE(text.length, 2);
    text.copy(row, 6);
    figures.forEach((x, k) => {
      row.writeInt32BE(8, 6 + text.length + k * 12);
      row.writeDoubleBE(x, 10 + text.length + k * 12);
    });
    parts.push(row);
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  return Buffer.concat([...parts, trailer]);
}

/** What the rows add up to per number, by brute force, in the order numbers first appear. */
function bruteForce(rows: Row[]) {
  const by = new Map<string, number[]>();
  for (const [c, n, faxes, inbound, answered, talk, billable] of rows) {
    const s = by.get(c) ?? [0, 0, 0, 0, 0, 0];
    [n - faxes, faxes, inbound, answered, talk, billable].forEach((x, k) => (s[k] += x));
    by.set(c, s);
  }
  return [...by]
    .filter(([, s]) => s[0] + s[1] !== 0)
    .map(([contact, [calls, faxes, inbound, answered, talkMs, billable]]) => ({
      contact,
      calls,
      faxes,
      inbound,
      answered,
      talkMs,
      billable,
    }));
}

test('a contacts list is read into columns (calls are the records less the faxes); anything else is refused', () => {
  const sums = new ContactSums();
  sums.addList(2, '+16505550100,3,1,2,1,61000,62,+4420794600,1,0,0,0,0,0');
  assert.deepEqual(plain(sums.totals()), [
    { contact: '+16505550100', calls: 2, faxes: 1, inbound: 2, answered: 1, talkMs: 61000, billable: 62 },
    { contact: '+4420794600', calls: 1, faxes: 0, inbound: 0, answered: 0, talkMs: 0, billable: 0 },
  ]);
  // Figures past 2^31 stay exact.
  const big = new ContactSums();
  big.addList(1, '+1,1,0,0,1,9007199254740,1');
  assert.equal(big.totals().talkMs[0], 9007199254740);
  for (const [k, v] of [
    [1, '+1,1,0,0,1,1.5,2'],
    [1, '+1,1,0,0,1,,2'],
    [1, '+1,1,0,0,1,2'],
    [1, '1,1,0,0,1,2,3'],
    [1, '+1,1,0,0,1,2,3,+2,1,0,0,0,0,0'],
  ] as const) {
    assert.throws(() => new ContactSums().addList(k, v), /contacts list/, v);
  }
});

test("a number's figures add up across lists; numbers of one part only are kept, numbers left with nothing are not", () => {
  const sums = new ContactSums();
  sums.addList(3, '+1,3,1,2,1,5000,5,+2,1,0,1,1,1000,1,+4,0,0,0,0,0,0');
  sums.addList(2, '+2,2,0,2,2,3000,3,+3,1,1,0,0,0,0');
  sums.addList(1, '+2,1,0,0,0,0,0');
  assert.deepEqual(plain(sums.totals()), [
    { contact: '+1', calls: 2, faxes: 1, inbound: 2, answered: 1, talkMs: 5000, billable: 5 },
    { contact: '+2', calls: 4, faxes: 0, inbound: 3, answered: 3, talkMs: 4000, billable: 4 },
    { contact: '+3', calls: 0, faxes: 1, inbound: 0, answered: 0, talkMs: 0, billable: 0 },
  ]);
  assert.deepEqual(plain(new ContactSums().totals()), []);
});

test('numbers that are not an integer of at most 15 digits are told apart by their text', () => {
  const rows: Row[] = [
    ['+0123', 1, 0, 1, 1, 10, 1],
    ['+123', 1, 0, 0, 0, 0, 0],
    ['+00123', 1, 0, 0, 0, 0, 0],
    ['+1234567890123456', 1, 0, 0, 0, 0, 0],
    ['+1234567890123457', 1, 0, 0, 0, 0, 0],
    ['+123456789012345', 1, 0, 0, 0, 0, 0],
    ['+12a', 1, 0, 0, 0, 0, 0],
    ['+0123', 2, 1, 0, 0, 5, 0],
    ['+1234567890123456', 1, 1, 0, 0, 0, 0],
    ['+١٢٣', 1, 0, 0, 0, 0, 0],
  ];
  const fromList = new ContactSums();
  fromList.addList(rows.length, list(rows));
  assert.deepEqual(plain(fromList.totals()), bruteForce(rows));
  const fromCopy = new ContactSums();
  fromCopy.addCopy(binaryCopy(rows));
  assert.deepEqual(plain(fromCopy.totals()), bruteForce(rows));
});

test('a binary copy of day rows adds up per number; anything but the seven columns is refused', () => {
  const rows: Row[] = [
    ['+16505550100', 2, 1, 1, 1, 61000, 62],
    ['+4420794600', 1, 0, 0, 0, 0, 0],
    ['+16505550100', 1, 0, 1, 1, 2 ** 40, 3],
  ];
  const sums = new ContactSums();
  sums.addCopy(binaryCopy(rows));
  assert.deepEqual(plain(sums.totals()), [
    { contact: '+16505550100', calls: 2, faxes: 1, inbound: 2, answered: 2, talkMs: 61000 + 2 ** 40, billable: 65 },
    { contact: '+4420794600', calls: 1, faxes: 0, inbound: 0, answered: 0, talkMs: 0, billable: 0 },
  ]);
  assert.throws(() => new ContactSums().addCopy(Buffer.from('+1,1,0,0,0,0,0')), /not a binary copy/);
  const short = binaryCopy([['+1', 1, 0, 0, 0, 0, 0]]);
  short.writeInt16BE(6, 19);
  assert.throws(() => new ContactSums().addCopy(short), /not a contacts copy row/);
  const int4 = binaryCopy([['+1', 1, 0, 0, 0, 0, 0]]);
  int4.writeInt32BE(4, 19 + 2 + 4 + 2);
  assert.throws(() => new ContactSums().addCopy(int4), /not a float8/);
  // A copy without its trailer was cut short; nothing may follow the trailer.
  const whole = binaryCopy(rows);
  assert.throws(() => new ContactSums().addCopy(whole.subarray(0, whole.length - 2)), /cut short/);
  const reader = new ContactSums().copyReader();
  reader.push(whole);
  assert.throws(() => reader.push(whole), /after its end/);
});

test('any rows in any split into lists and copies, the copies in any chunks, add up as brute force does (property)', () => {
  const digits = fc.oneof(
    fc.integer({ min: 0, max: 40 }).map((i) => `1650555${String(i).padStart(4, '0')}`),
    fc.stringMatching(/^[0-9]{1,17}$/),
  );
  const row = fc.tuple(
    digits.map((d) => `+${d}`),
    fc.nat(5),
    fc.nat(2),
    fc.nat(5),
    fc.nat(5),
    fc.nat(4_000_000),
    fc.nat(4000),
  );
  fc.assert(
    fc.property(fc.array(fc.array(row, { maxLength: 60 }), { maxLength: 5 }), fc.array(fc.nat()), (parts, cuts) => {
      const sums = new ContactSums();
      parts.forEach((rows, k) => {
        if (k % 2 === 0) {
          if (rows.length) sums.addList(rows.length, list(rows));
          return;
        }
        // A copy comes in chunks cut anywhere, even inside its header, a number or a figure.
        const copy = binaryCopy(rows);
        const at = [...new Set(cuts.map((c) => c % copy.length))].sort((a, b) => a - b);
        const reader = sums.copyReader();
        [0, ...at].forEach((from, c) => reader.push(copy.subarray(from, at[c] ?? copy.length)));
        reader.end();
      });
      assert.deepEqual(plain(sums.totals()), bruteForce(parts.flat() as Row[]));
    }),
    { numRuns: 300 },
  );
});
