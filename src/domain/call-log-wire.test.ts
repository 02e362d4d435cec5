// Tests of fromWire: generated records survive a trip through their Detailed JSON unchanged, Simple JSON comes
// back as the same Simple answer, the log comes from the uri, and bad input is refused with a clear reason.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCompany, generateTraffic } from '../generator/index.ts';
import { fromWire, prepareRecordJson, withBase, type CallLogRecord } from './index.ts';
import { renderRecord } from '../../test/support/call-log-reference.ts';

const OPTIONS = { seed: 11, extensions: 8, days: 3, callsPerDay: 100, endTime: Date.UTC(2026, 0, 15, 18) };
const company = generateCompany(OPTIONS);
const records: CallLogRecord[] = [...generateTraffic(company, OPTIONS)].flatMap((b) => b.records);

const wire = (r: CallLogRecord, view: 'simple' | 'detailed', base = 'https://platform.ringcentral.com') =>
  JSON.parse(withBase(prepareRecordJson(r)[view], base)) as Record<string, unknown>;

test('every generated record comes back unchanged from its Detailed JSON, whatever the host', () => {
  assert.ok(records.some((r) => r.extensionId === null) && records.some((r) => r.extensionId !== null));
  assert.ok(
    records.some((r) => r.deleted) && records.some((r) => r.recording) && records.some((r) => r.legs.length > 2),
  );
  for (const [i, r] of records.entries()) {
    const base = i % 2 ? 'http://127.0.0.1:8080' : 'https://archive.example.com:8443/ringlog';
    assert.deepEqual(fromWire(wire(r, 'detailed', base)), r);
  }
});

test('the stored form with the base-URL mark reads back too', () => {
  const r = records[0];
  assert.deepEqual(fromWire(JSON.parse(prepareRecordJson(r).detailed)), r);
});

test('a Simple record gives the same Simple answer, with transport, legs and lastModifiedTime derived', () => {
  for (const r of records) {
    const simple = wire(r, 'simple');
    const back = fromWire(simple);
    assert.deepEqual(
      JSON.parse(withBase(JSON.stringify(renderRecord(back, 'Simple')), 'https://platform.ringcentral.com')),
      simple,
    );
    assert.deepEqual(back.legs, []);
    assert.equal(back.transport, r.transport);
    assert.equal(back.lastModifiedTime, r.startTime + r.durationMs);
  }
});

test('the log comes from the uri; without one, from the context', () => {
  const inExtensionLog = records.find((r) => r.extensionId !== null)!;
  const body = wire(inExtensionLog, 'detailed');
  const fromUri = fromWire(body, { accountId: 'other', logExtensionId: null });
  assert.equal(fromUri.accountId, inExtensionLog.accountId);
  assert.equal(fromUri.extensionId, inExtensionLog.extensionId);
  delete body.uri;
  const fromContext = fromWire(body, { accountId: '42', logExtensionId: '7' });
  assert.equal(fromContext.accountId, '42');
  assert.equal(fromContext.extensionId, '7');
  assert.equal(fromWire(body, { accountId: '42' }).extensionId, null);
  assert.throws(() => fromWire(body), /uri is missing and no account was given/);
});

test('enumerations compare case-insensitively and keep RingCentral values ringlog itself never emits', () => {
  const body = { ...wire(records[0], 'simple'), result: 'answered elsewhere', direction: 'inbound' };
  const back = fromWire(body);
  assert.equal(back.result, 'Answered Elsewhere');
  assert.equal(back.direction, 'Inbound');
});

test('bad records are refused with the field and the reason', () => {
  const good = wire(records[0], 'detailed');
  const cases: [unknown, RegExp][] = [
    [[1, 2], /record must be a JSON object/],
    [{ ...good, id: undefined }, /^Error: id is missing/],
    [{ ...good, id: 'a b' }, /id "a b" is not an id ringlog can serve/],
    [{ ...good, startTime: 'yesterday' }, /startTime "yesterday" is not an ISO 8601 date-time/],
    [{ ...good, direction: 'Sideways' }, /direction "Sideways" is not one of Inbound, Outbound/],
    [{ ...good, action: 'Teleport' }, /action "Teleport" is not a known action/],
    [{ ...good, duration: -3 }, /duration must be a whole number ≥ 0/],
    [{ ...good, uri: 'https://x/restapi/v1.0/account/1/call-log' }, /uri .* is not a call-log record URI/],
    [{ ...good, uri: 'https://x/restapi/v1.0/account/1/call-log/other' }, /uri names record other/],
    [
      { ...good, legs: [{ startTime: good.startTime, type: 'Voice', direction: 'Inbound', action: 'Phone Call' }] },
      /legs\[0\]\.legType is missing/,
    ],
    [{ ...good, from: { phoneNumber: 16505550100 } }, /from\.phoneNumber must be a string/],
  ];
  for (const [body, reason] of cases)
    assert.throws(
      () => fromWire(body),
      (err: Error) => reason.test(String(err)),
    );
});
