// Tests for parseDateTime: the date-time forms RingCentral accepts in `dateFrom`/`dateTo`, what it rejects,
// and the conversion of zone offsets to UTC; and isoDateTime, the fast toISOString.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoDateTime, parseDateTime } from './date-time.ts';

/** The parsed instant as an ISO string, or null when rejected. */
function parsed(input: string): string | null {
  const ms = parseDateTime(input);
  return ms === null ? null : new Date(ms).toISOString();
}

/** What each accepted form reads as (the instant as an ISO string), or null where a near form is refused. */
const READS: [title: string, cases: [input: string, iso: string | null][]][] = [
  ['a year alone means its first instant, UTC', [['2024', '2024-01-01T00:00:00.000Z']]],
  [
    'a year and month mean the first day of the month',
    [
      ['2024-03', '2024-03-01T00:00:00.000Z'],
      ['2024-12', '2024-12-01T00:00:00.000Z'],
    ],
  ],
  ['a date means its midnight, UTC', [['2024-03-15', '2024-03-15T00:00:00.000Z']]],
  ['a date with hours and minutes, without a zone, is UTC', [['2024-03-15T10:20', '2024-03-15T10:20:00.000Z']]],
  ['a space may separate the date and the time', [['2024-03-15 10:20:30', '2024-03-15T10:20:30.000Z']]],
  ['seconds are read', [['2024-03-15T10:20:30', '2024-03-15T10:20:30.000Z']]],
  [
    'fractions of a second are read to the millisecond',
    [
      ['2024-03-15T10:20:30.5', '2024-03-15T10:20:30.500Z'],
      ['2024-03-15T10:20:30.25', '2024-03-15T10:20:30.250Z'],
      ['2024-03-15T10:20:30.123', '2024-03-15T10:20:30.123Z'],
      ['2024-03-15T10:20:30.001', '2024-03-15T10:20:30.001Z'],
      ['2024-03-15T10:20:30.999', '2024-03-15T10:20:30.999Z'],
    ],
  ],
  [
    'digits beyond the millisecond are truncated, not rounded',
    [
      ['2024-03-15T10:20:30.123999', '2024-03-15T10:20:30.123Z'],
      ['2024-03-15T10:20:30.999999999', '2024-03-15T10:20:30.999Z'],
    ],
  ],
  [
    'Z (either case) means UTC',
    [
      ['2024-03-15T10:20:30Z', '2024-03-15T10:20:30.000Z'],
      ['2024-03-15T10:20:30.534Z', '2024-03-15T10:20:30.534Z'],
      ['2024-03-15T10:20z', '2024-03-15T10:20:00.000Z'],
    ],
  ],
  ['a positive offset hh:mm is converted to UTC', [['2024-03-15T10:20:30+05:30', '2024-03-15T04:50:30.000Z']]],
  ['a negative offset hh:mm is converted to UTC', [['2024-03-15T10:20:30-07:00', '2024-03-15T17:20:30.000Z']]],
  [
    'an offset without a colon (hhmm) is converted to UTC',
    [
      ['2024-03-15T10:20:30+0530', '2024-03-15T04:50:30.000Z'],
      ['2024-03-15T10:20:30-0800', '2024-03-15T18:20:30.000Z'],
    ],
  ],
  [
    'an offset of hours only (hh) is converted to UTC',
    [
      ['2024-03-15T10:20:30+02', '2024-03-15T08:20:30.000Z'],
      ['2024-03-15T10:20-03', '2024-03-15T13:20:00.000Z'],
    ],
  ],
  ['an offset may follow hours and minutes without seconds', [['2024-03-15T10:20+01:00', '2024-03-15T09:20:00.000Z']]],
  ['an offset may follow a fraction of a second', [['2024-03-15T10:20:30.250-01:00', '2024-03-15T11:20:30.250Z']]],
  [
    'an offset may move the instant to another day, month or year',
    [
      ['2024-01-01T01:00:00+02:00', '2023-12-31T23:00:00.000Z'],
      ['2024-02-29T23:30:00-01:00', '2024-03-01T00:30:00.000Z'],
    ],
  ],
  [
    'the last day of each month is accepted, February 29 only in leap years',
    [
      ['2024-01-31', '2024-01-31T00:00:00.000Z'],
      ['2024-04-30', '2024-04-30T00:00:00.000Z'],
      ['2024-02-29', '2024-02-29T00:00:00.000Z'],
      ['2000-02-29', '2000-02-29T00:00:00.000Z'],
      ['2023-02-29', null],
      ['1900-02-29', null],
    ],
  ],
  [
    'the extremes of each time field are accepted',
    [
      ['2024-12-31T23:59:59.999Z', '2024-12-31T23:59:59.999Z'],
      ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000Z'],
    ],
  ],
  [
    'years before 100 are not read as 19xx',
    [
      ['0050-06-15', '0050-06-15T00:00:00.000Z'],
      ['0001', '0001-01-01T00:00:00.000Z'],
      ['0004-02-29', '0004-02-29T00:00:00.000Z'],
    ],
  ],
];
for (const [title, cases] of READS) {
  test(title, () => {
    for (const [input, iso] of cases) assert.equal(parsed(input), iso, input);
  });
}

/** Forms RingCentral refuses (parseDateTime gives null). */
const REFUSED: [title: string, inputs: string[]][] = [
  ['rejects month 0 and month 13', ['2024-13', '2024-13-01', '2024-00-10']],
  ['rejects days that the month does not have', ['2024-02-30', '2024-04-31', '2024-01-32', '2024-01-00']],
  [
    'rejects hour 24, minute 60 and second 60',
    ['2024-03-15T24:00', '2024-03-15T24:00:00Z', '2024-03-15T10:60', '2024-03-15T10:20:60'],
  ],
  ['rejects offsets out of range', ['2024-03-15T10:20:30+24:00', '2024-03-15T10:20:30+05:60']],
  ['rejects a zone on a date without a time', ['2024-03-15Z', '2024-03-15+05:00']],
];
for (const [title, inputs] of REFUSED) {
  test(title, () => {
    for (const input of inputs) assert.equal(parseDateTime(input), null, input);
  });
}

test("a space in place of the offset's sign stands for an unencoded '+'", () => {
  assert.equal(parsed('2024-03-15T10:20:30 05:30'), '2024-03-15T04:50:30.000Z');
  assert.equal(parsed('2024-03-15T10:20:30 0530'), '2024-03-15T04:50:30.000Z');
  assert.equal(parsed('2024-03-15T10:20:30 02'), '2024-03-15T08:20:30.000Z');
  assert.equal(parsed('2024-03-15T10:20:30 05:30'), parsed('2024-03-15T10:20:30+05:30'));
});

test('a zero offset equals UTC', () => {
  assert.equal(parsed('2024-03-15T10:20:30+00:00'), parsed('2024-03-15T10:20:30Z'));
  assert.equal(parsed('2024-03-15T10:20:30-00:00'), parsed('2024-03-15T10:20:30Z'));
});

test('returns epoch milliseconds', () => {
  assert.equal(parseDateTime('1970-01-01T00:00:00Z'), 0);
  assert.equal(parseDateTime('1970-01-01T00:00:01.5Z'), 1500);
  assert.equal(parseDateTime('2016-03-10T18:07:52.534Z'), Date.UTC(2016, 2, 10, 18, 7, 52, 534));
});

test('rejects garbage and the empty string', () => {
  for (const input of ['', ' ', 'yesterday', 'abc', '2024-03-15Tnoon', 'null', 'NaN', '1710497430000']) {
    assert.equal(parseDateTime(input), null, JSON.stringify(input));
  }
});

test('rejects incomplete or unpadded forms', () => {
  for (const input of ['24', '2024-3', '2024-03-5', '2024-03-15T10', '2024-03-15T1:20', '2024-03-15T', '24-03-15']) {
    assert.equal(parseDateTime(input), null, input);
  }
});

test('rejects trailing and leading junk', () => {
  for (const input of [
    '2024-03-15x',
    '2024-03-15T10:20:30Zjunk',
    '2024-03-15T10:20:30+05:30:00',
    '2024-03-15T10:20:30+5',
    '2024-03-15T10:20:30.',
    '2024-03-15 ',
    ' 2024-03-15',
    '2024-03-15T10:20:30Z ',
    'x2024',
  ]) {
    assert.equal(parseDateTime(input), null, JSON.stringify(input));
  }
});

test('the common form YYYY-MM-DDThh:mm:ss[.sss]Z reads the same as Date.parse, across days and months', () => {
  let ms = Date.UTC(2023, 11, 30, 22, 0, 0, 0);
  for (let i = 0; i < 2000; i++, ms += 3_600_000 * 7 + 61_001 + i) {
    const text = new Date(ms).toISOString();
    assert.equal(parseDateTime(text), ms, text);
    assert.equal(parseDateTime(text.replace(/\.\d{3}Z$/, 'Z')), Math.floor(ms / 1000) * 1000, text);
  }
});

test('the common form refuses what the general pattern refuses', () => {
  for (const input of [
    '2024-02-30T10:20:30Z',
    '2024-13-01T10:20:30Z',
    '2024-03-15T24:00:00Z',
    '2024-03-15T10:60:00Z',
    '2024-03-15T10:20:60.000Z',
    '2024-03-15T1a:20:30Z',
    '2024-03-15T10:20:30.1x3Z',
    '2024/03/15T10:20:30Z',
    '2024-03-15T10:20:30,123Z',
  ]) {
    assert.equal(parseDateTime(input), null, input);
  }
  assert.equal(parseDateTime('2023-02-28T10:20:30Z'), Date.UTC(2023, 1, 28, 10, 20, 30));
  assert.equal(parseDateTime('2024-02-29T23:59:59.999Z'), Date.UTC(2024, 1, 29, 23, 59, 59, 999));
});

test('isoDateTime writes what toISOString writes', () => {
  const values = [
    0,
    -1,
    1,
    86_399_999,
    86_400_000,
    -86_400_001,
    Date.UTC(1969, 11, 31, 23, 59, 59, 999),
    Date.UTC(2024, 1, 29, 12, 0, 0, 7),
    Date.UTC(10000, 0, 1),
    Date.UTC(-1, 5, 6, 7, 8, 9, 10),
    1.5,
    -0.5,
  ];
  let ms = Date.UTC(2025, 0, 1);
  for (let i = 0; i < 3000; i++) values.push((ms += 1_234_567 + i * 17));
  for (const v of values) assert.equal(isoDateTime(v), new Date(v).toISOString(), String(v));
  assert.throws(() => isoDateTime(Number.NaN), RangeError);
});
