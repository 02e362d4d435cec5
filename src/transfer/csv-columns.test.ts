// Tests of the CSV layout: a ringlog CSV row carries every Simple field (and billing, transport, lastModifiedTime)
// back; a row in the admin portal's style reads with sensible defaults and stable ids; bad headers and cells say why.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromWire, prepareRecordJson, withBase, type CallLogRecord } from '../domain/index.ts';
import { generateCompany, generateTraffic } from '../generator/index.ts';
import { CsvParser, csvLine } from './csv-codec.ts';
import { csvCells, csvHeader, csvLayout } from './csv-columns.ts';

const OPTIONS = { seed: 5, extensions: 8, days: 3, callsPerDay: 60, endTime: Date.UTC(2026, 3, 2, 16) };
const company = generateCompany(OPTIONS);
const records: CallLogRecord[] = [...generateTraffic(company, OPTIONS)].flatMap((b) => b.records);

/** Writes rows as CSV text and parses them back, as a file would travel. */
function throughText(rows: string[][]): string[][] {
  const parser = new CsvParser();
  return [...parser.push(rows.map(csvLine).join('')), ...parser.end()].map((r) => r.cells);
}

test('a record written as a CSV row reads back the same, but for its legs', () => {
  const rows = throughText([
    csvHeader(),
    ...records.map((r) =>
      csvCells(JSON.parse(withBase(prepareRecordJson(r).detailed, 'http://h:1')) as Record<string, unknown>),
    ),
  ]);
  const layout = csvLayout(rows[0]);
  assert.deepEqual(layout.ignored, []);
  rows.slice(1).forEach((cells, i) => {
    assert.deepEqual(fromWire(layout.toRecord(cells)), { ...records[i], legs: [] });
  });
});

const PORTAL_HEADER = [
  'Type',
  'Direction',
  'From',
  'From Name',
  'To',
  'To Name',
  'Extension',
  'Date',
  'Time',
  'Action',
  'Action Result',
  'Result Description',
  'Duration (h:mm:ss)',
  'Included',
  'Purchased',
  'Notes',
];
const PORTAL_ROW = [
  'Voice',
  'Incoming',
  '(650) 555-0100',
  'SAN MATEO, CA',
  '101',
  'Alice Ng',
  '101',
  'Tue 11/18/2025',
  '1:05:09 PM',
  'Phone Call',
  'Accepted',
  'Accepted',
  '0:02:05',
  '$0.00',
  '$0.10',
  'called back',
];

test("a row in the admin portal's layout reads with derived ids into the account's company log", () => {
  const layout = csvLayout(PORTAL_HEADER.map((h) => h.toUpperCase()));
  assert.deepEqual(layout.ignored, ['NOTES']);
  const record = fromWire(layout.toRecord(PORTAL_ROW), { accountId: '42' });
  assert.equal(record.accountId, '42');
  assert.equal(record.extensionId, null);
  assert.equal(record.direction, 'Inbound');
  assert.deepEqual(record.from, { phoneNumber: '(650) 555-0100', name: 'SAN MATEO, CA' });
  assert.deepEqual(record.to, { extensionNumber: '101', name: 'Alice Ng' });
  assert.equal(new Date(record.startTime).toISOString(), '2025-11-18T13:05:09.000Z');
  assert.equal(record.duration, 125);
  assert.equal(record.durationMs, 125_000);
  assert.deepEqual(record.billing, { costIncluded: 0, costPurchased: 0.1 });
  assert.equal(record.transport, 'PSTN');
  assert.equal(record.lastModifiedTime, record.startTime + 125_000);
  assert.match(record.id, /^[A-Za-z0-9_-]{15}$/);
  assert.match(record.sessionId, /^\d+$/);

  const again = fromWire(layout.toRecord([...PORTAL_ROW]), { accountId: '42' });
  assert.equal(again.id, record.id, 'the same row gets the same id');
  const other = fromWire(layout.toRecord(PORTAL_ROW.map((c) => (c === '0:02:05' ? '0:02:06' : c))), {
    accountId: '42',
  });
  assert.notEqual(other.id, record.id);
});

test("the portal's Simple layout (Phone Number, Name) fills the other party", () => {
  const layout = csvLayout([
    'Type',
    'Direction',
    'Phone Number',
    'Name',
    'Date',
    'Time',
    'Action',
    'Action Result',
    'Duration',
  ]);
  const outbound = fromWire(
    layout.toRecord([
      'Voice',
      'Outgoing',
      '+14155550123',
      'Bob',
      '2025-11-18',
      '17:30',
      'VoIP Call',
      'Call connected',
      '61',
    ]),
    { accountId: '42' },
  );
  assert.deepEqual(outbound.to, { phoneNumber: '+14155550123', name: 'Bob' });
  assert.deepEqual(outbound.from, {});
  assert.equal(new Date(outbound.startTime).toISOString(), '2025-11-18T17:30:00.000Z');
  assert.equal(outbound.duration, 61);
});

test('a header without what every record needs, and cells that cannot be read, are refused with the reason', () => {
  assert.throws(
    () => csvLayout(['Type', 'From', 'To']),
    /the CSV header lacks direction, action, start time \(or date and time\)/,
  );
  const layout = csvLayout(PORTAL_HEADER);
  const bad = (column: string, value: string) => PORTAL_ROW.map((c, i) => (PORTAL_HEADER[i] === column ? value : c));
  assert.throws(() => layout.toRecord(bad('Duration (h:mm:ss)', 'long')), /Duration "long" is not h:mm:ss or seconds/);
  assert.throws(
    () => layout.toRecord(bad('Date', '18.11.2025')),
    /Date "18\.11\.2025" is not MM\/DD\/YYYY or YYYY-MM-DD/,
  );
  assert.throws(() => layout.toRecord(bad('Included', 'free')), /Included "free" is not a number/);
  assert.throws(
    () => fromWire(layout.toRecord(bad('Type', 'Carrier pigeon')), { accountId: '1' }),
    /type "Carrier pigeon" is not one of Voice, Fax/,
  );
});
