// Tests for the call-log list query (parsing, validation, matching, ordering) and for the Simple/Detailed
// projection of records with the base-URL mark.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answeredCall, compareNewestFirst, matchesFilter } from '../../test/support/call-log-reference.ts';
import { parseCallLogQuery, type CallLogFilter, type RawQuery } from './call-log-query.ts';
import { prepareRecordJson, withBase, type CallLogRecord } from './call-log-record.ts';
import { ApiError } from './errors.ts';

const ACCOUNT = '400151109008';
const EXTENSION = '400151111008';
const NOW = Date.UTC(2024, 4, 20, 12, 0, 0);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

const extTarget = { accountId: ACCOUNT, extensionId: EXTENSION };

function parse(raw: RawQuery, target: { accountId: string; extensionId: string | null } = extTarget) {
  return parseCallLogQuery(raw, target, NOW);
}

/** Asserts that parsing `raw` fails with RingCentral's 400 CMN-101 naming `parameterName`. */
function assertInvalid(raw: RawQuery, parameterName: string): void {
  assert.throws(
    () => parse(raw),
    (err: unknown) => {
      assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
      assert.equal(err.status, 400);
      assert.equal(err.detail.errorCode, 'CMN-101');
      assert.equal(err.detail.parameterName, parameterName);
      assert.equal(err.body().parameterName, parameterName);
      return true;
    },
    JSON.stringify(raw),
  );
}

/** Asserts that each value of `parameterName` alone is refused with the 400 CMN-101 naming it. */
function assertRefused(parameterName: string, ...values: (string | string[])[]): void {
  for (const value of values) assertInvalid({ [parameterName]: value }, parameterName);
}

let nextId = 0;

/** The call of the test records and their legs: answered, 65 seconds. */
const ANSWERED_CALL = answeredCall(65);

/** A call-log record with sensible defaults; fields given override them. */
function record(overrides: Partial<CallLogRecord> = {}): CallLogRecord {
  nextId += 1;
  const startTime = overrides.startTime ?? NOW - HOUR;
  return {
    id: `Rec${String(nextId).padStart(4, '0')}`,
    accountId: ACCOUNT,
    extensionId: EXTENSION,
    sessionId: `${900000 + nextId}`,
    telephonySessionId: `s-a0d7c${nextId}`,
    startTime,
    ...ANSWERED_CALL,
    from: { phoneNumber: '+16505550100', name: 'Caller' },
    to: { phoneNumber: '+16505550101', extensionNumber: '101', name: 'Agent' },
    transport: 'PSTN',
    legs: [],
    lastModifiedTime: startTime + 70_000,
    deleted: false,
    ...overrides,
  };
}

function filter(overrides: Partial<CallLogFilter> = {}): CallLogFilter {
  return {
    accountId: ACCOUNT,
    extensionId: EXTENSION,
    dateFrom: NOW - DAY,
    dateTo: NOW,
    showBlocked: true,
    showDeleted: false,
    ...overrides,
  };
}

const nobodyInvolved = () => false;

// ---- parseCallLogQuery: defaults ----

test('an empty query reads the last 24 hours, Simple view, first page of 100', () => {
  const q = parse({});
  assert.equal(q.view, 'Simple');
  assert.equal(q.dateTo, NOW);
  assert.equal(q.dateFrom, NOW - DAY);
  assert.equal(q.page, 1);
  assert.equal(q.perPage, 100);
  assert.equal(q.showBlocked, true);
  assert.equal(q.showDeleted, false);
  assert.equal(q.accountId, ACCOUNT);
  assert.equal(q.extensionId, EXTENSION);
  for (const key of [
    'direction',
    'type',
    'transport',
    'recordingType',
    'sessionId',
    'telephonySessionId',
    'phoneNumber',
    'extensionNumber',
  ] as const) {
    assert.equal(q[key], undefined, key);
  }
});

test('the company log is read when the target has no extension', () => {
  const q = parse({}, { accountId: ACCOUNT, extensionId: null });
  assert.equal(q.extensionId, null);
  assert.equal(q.accountId, ACCOUNT);
});

test('dateFrom defaults to 24 hours before the given dateTo', () => {
  const q = parse({ dateTo: '2024-01-10T00:00:00Z' });
  assert.equal(q.dateTo, Date.UTC(2024, 0, 10));
  assert.equal(q.dateFrom, Date.UTC(2024, 0, 9));
});

test('dateFrom alone reads up to now', () => {
  const q = parse({ dateFrom: '2024-05-01' });
  assert.equal(q.dateFrom, Date.UTC(2024, 4, 1));
  assert.equal(q.dateTo, NOW);
});

test('dates with offsets are converted to UTC', () => {
  const q = parse({ dateFrom: '2024-05-01T10:00:00+02:00', dateTo: '2024-05-02T10:00:00 02:00' });
  assert.equal(q.dateFrom, Date.UTC(2024, 4, 1, 8));
  assert.equal(q.dateTo, Date.UTC(2024, 4, 2, 8));
});

test('dateFrom equal to dateTo is accepted', () => {
  const q = parse({ dateFrom: '2024-05-01T10:00:00Z', dateTo: '2024-05-01T10:00:00Z' });
  assert.equal(q.dateFrom, q.dateTo);
});

// ---- multi-value and enum parameters ----

test('multi-valued parameters accept repeated keys', () => {
  const q = parse({ direction: ['Inbound', 'Outbound'], type: ['Voice', 'Fax'], transport: ['PSTN', 'VoIP'] });
  assert.deepEqual(q.direction, ['Inbound', 'Outbound']);
  assert.deepEqual(q.type, ['Voice', 'Fax']);
  assert.deepEqual(q.transport, ['PSTN', 'VoIP']);
});

test('multi-valued parameters accept comma-joined values', () => {
  const q = parse({ direction: 'Inbound,Outbound', type: 'Voice, Fax', transport: 'VoIP' });
  assert.deepEqual(q.direction, ['Inbound', 'Outbound']);
  assert.deepEqual(q.type, ['Voice', 'Fax']);
  assert.deepEqual(q.transport, ['VoIP']);
});

test('repeated keys and comma-joined values may be mixed, and duplicates collapse', () => {
  const q = parse({ direction: ['Inbound,Outbound', 'inbound'] });
  assert.deepEqual(q.direction, ['Inbound', 'Outbound']);
});

test('enum values compare case-insensitively and come back canonical', () => {
  const q = parse({
    view: 'detailed',
    direction: 'OUTBOUND',
    type: 'fax',
    transport: 'voip',
    recordingType: 'ondemand',
  });
  assert.equal(q.view, 'Detailed');
  assert.deepEqual(q.direction, ['Outbound']);
  assert.deepEqual(q.type, ['Fax']);
  assert.deepEqual(q.transport, ['VoIP']);
  assert.equal(q.recordingType, 'OnDemand');
});

test("ringlog's result filter takes RingCentral's result values (any case, repeated or comma-joined)", () => {
  assert.deepEqual(parse({ result: 'Missed' }).results, ['Missed']);
  assert.deepEqual(parse({ result: ['voicemail', 'call connected,Missed'] }).results, [
    'Voicemail',
    'Call connected',
    'Missed',
  ]);
  assert.equal(parse({}).results, undefined);
  assertInvalid({ result: 'Nope' }, 'result');
});

test('each recordingType value is accepted', () => {
  for (const value of ['Automatic', 'OnDemand', 'All'])
    assert.equal(parse({ recordingType: value }).recordingType, value);
});

test('a repeated single-valued parameter takes its first value', () => {
  assert.equal(parse({ view: ['Detailed', 'Simple'] }).view, 'Detailed');
});

test('booleans are read case-insensitively', () => {
  const q = parse({ showBlocked: 'FALSE', showDeleted: 'True' });
  assert.equal(q.showBlocked, false);
  assert.equal(q.showDeleted, true);
});

// ---- empty values ----

test('empty values (key=) are treated as absent', () => {
  const parameters = [
    'view',
    'direction',
    'type',
    'transport',
    'recordingType',
    'withRecording',
    'showBlocked',
    'showDeleted',
    'dateFrom',
    'dateTo',
    'page',
    'perPage',
    'extensionNumber',
    'phoneNumber',
    'sessionId',
    'telephonySessionId',
  ];
  assert.deepEqual(parse(Object.fromEntries(parameters.map((name) => [name, '']))), parse({}));
});

test('empty repeated values are absent too', () => {
  assert.deepEqual(parse({ direction: ['', ''], view: ['', ''] }), parse({}));
  const q = parse({ direction: ['', 'Outbound'], view: ['', 'Detailed'] });
  assert.deepEqual(q.direction, ['Outbound']);
  assert.equal(q.view, 'Detailed');
});

test('empty items of a comma-joined list are skipped', () => {
  assert.deepEqual(parse({ direction: 'Inbound,,' }).direction, ['Inbound']);
  assert.equal(parse({ direction: ',' }).direction, undefined);
});

// ---- paging ----

test('page and perPage are read', () => {
  const q = parse({ page: '3', perPage: '25' });
  assert.equal(q.page, 3);
  assert.equal(q.perPage, 25);
});

test("perPage 'max' means 1000", () => {
  for (const value of ['max', 'MAX']) assert.equal(parse({ perPage: value }).perPage, 1000, value);
});

test('perPage above 1000 is clamped to 1000, not refused', () => {
  for (const value of ['1000', '1001', '5000']) assert.equal(parse({ perPage: value }).perPage, 1000, value);
});

test('perPage 0, negative or not a number is refused', () => {
  assertRefused('perPage', '0', '-1', 'abc', '1.5');
});

test('page 0, negative or not a number is refused', () => {
  assertRefused('page', '0', '-2', 'two');
});

// ---- invalid enum values ----

const UNKNOWN_VALUES: [string, RawQuery][] = [
  ['view', { view: 'Full' }],
  ['type', { type: 'Video' }],
  ['transport', { transport: 'Carrier Pigeon' }],
  ['recordingType', { recordingType: 'Sometimes' }],
];
for (const [name, query] of UNKNOWN_VALUES) {
  test(`an unknown ${name} is refused`, () => assertInvalid(query, name));
}

test('an unknown direction is refused, even beside valid ones', () => {
  assertRefused('direction', 'Sideways', ['Inbound', 'Sideways'], 'Inbound,Sideways');
});

test('an invalid enum value is echoed as parameterValue', () => {
  try {
    parse({ view: 'Full' });
    assert.fail('expected an error');
  } catch (err) {
    assert.ok(err instanceof ApiError);
    assert.equal(err.detail.parameterValue, 'Full');
    assert.equal(err.detail.message, 'Parameter [view] value is invalid.');
  }
});

test('a non-boolean showBlocked, showDeleted or withRecording is refused', () => {
  assertInvalid({ showBlocked: 'yes' }, 'showBlocked');
  assertInvalid({ showDeleted: '1' }, 'showDeleted');
  assertInvalid({ withRecording: 'maybe' }, 'withRecording');
});

// ---- dates ----

test('a bad dateFrom or dateTo is refused', () => {
  assertInvalid({ dateFrom: 'yesterday' }, 'dateFrom');
  assertRefused('dateTo', '2024-02-30', '2024-05-01T24:00:00Z');
});

test('dateFrom after dateTo is refused', () => {
  assertInvalid({ dateFrom: '2024-05-02', dateTo: '2024-05-01' }, 'dateFrom');
});

// ---- extensionNumber, phoneNumber, ids ----

test('extensionNumber is read', () => {
  assert.equal(parse({ extensionNumber: '101' }).extensionNumber, '101');
});

test('an extensionNumber with non-digits is refused', () => {
  assertRefused('extensionNumber', '10a', '+101');
});

test('phoneNumber is reduced to digits, with or without +', () => {
  // An unencoded '+' arrives as a space.
  for (const value of ['16505550100', '+16505550100', ' 16505550100']) {
    assert.equal(parse({ phoneNumber: value }).phoneNumber, '16505550100', value);
  }
});

test('a phoneNumber with letters is refused', () => {
  assertInvalid({ phoneNumber: 'call-me' }, 'phoneNumber');
});

test('extensionNumber together with phoneNumber is refused', () => {
  assertInvalid({ extensionNumber: '101', phoneNumber: '16505550100' }, 'phoneNumber');
});

test('sessionId and telephonySessionId are read', () => {
  const q = parse({ sessionId: '1234567890', telephonySessionId: 's-a0d7c1234' });
  assert.equal(q.sessionId, '1234567890');
  assert.equal(q.telephonySessionId, 's-a0d7c1234');
});

test('a malformed sessionId or telephonySessionId is refused', () => {
  assertRefused('sessionId', '12 34', "1' OR '1'='1", 'x'.repeat(129));
  assertRefused('telephonySessionId', 's-a0d7c/../1');
});

// ---- recordings ----

test('withRecording=true asks for calls with any recording', () => {
  assert.equal(parse({ withRecording: 'true' }).recordingType, 'All');
});

test('withRecording=false asks for nothing in particular', () => {
  assert.equal(parse({ withRecording: 'false' }).recordingType, undefined);
});

test('withRecording is ignored when recordingType is given', () => {
  assert.equal(parse({ withRecording: 'true', recordingType: 'Automatic' }).recordingType, 'Automatic');
  assert.equal(parse({ withRecording: 'false', recordingType: 'OnDemand' }).recordingType, 'OnDemand');
});

// ---- matchesFilter ----

test('a record in the log and the date range matches the default filter', () => {
  assert.equal(matchesFilter(record(), filter(), nobodyInvolved), true);
});

test("another extension's or the company log's record does not match", () => {
  assert.equal(matchesFilter(record({ extensionId: '999' }), filter(), nobodyInvolved), false);
  assert.equal(matchesFilter(record({ extensionId: null }), filter(), nobodyInvolved), false);
  assert.equal(matchesFilter(record({ extensionId: null }), filter({ extensionId: null }), nobodyInvolved), true);
  assert.equal(matchesFilter(record({ accountId: '1' }), filter(), nobodyInvolved), false);
});

test('date bounds are inclusive', () => {
  const f = filter({ dateFrom: 1000, dateTo: 2000 });
  assert.equal(matchesFilter(record({ startTime: 1000 }), f, nobodyInvolved), true);
  assert.equal(matchesFilter(record({ startTime: 2000 }), f, nobodyInvolved), true);
  assert.equal(matchesFilter(record({ startTime: 999 }), f, nobodyInvolved), false);
  assert.equal(matchesFilter(record({ startTime: 2001 }), f, nobodyInvolved), false);
});

test('deleted records match only with showDeleted', () => {
  const deleted = record({ deleted: true });
  assert.equal(matchesFilter(deleted, filter(), nobodyInvolved), false);
  assert.equal(matchesFilter(deleted, filter({ showDeleted: true }), nobodyInvolved), true);
});

test('blocked calls are hidden only when showBlocked is false', () => {
  const blocked = record({ result: 'Blocked' });
  assert.equal(matchesFilter(blocked, filter(), nobodyInvolved), true);
  assert.equal(matchesFilter(blocked, filter({ showBlocked: false }), nobodyInvolved), false);
  assert.equal(matchesFilter(record(), filter({ showBlocked: false }), nobodyInvolved), true);
});

test('direction, type and transport filters keep the listed values', () => {
  const outboundFax = record({ direction: 'Outbound', type: 'Fax', transport: 'VoIP' });
  assert.equal(matchesFilter(outboundFax, filter({ direction: ['Outbound'] }), nobodyInvolved), true);
  assert.equal(matchesFilter(outboundFax, filter({ direction: ['Inbound'] }), nobodyInvolved), false);
  assert.equal(matchesFilter(outboundFax, filter({ direction: ['Inbound', 'Outbound'] }), nobodyInvolved), true);
  assert.equal(matchesFilter(outboundFax, filter({ type: ['Voice'] }), nobodyInvolved), false);
  assert.equal(matchesFilter(outboundFax, filter({ type: ['Fax'] }), nobodyInvolved), true);
  assert.equal(matchesFilter(outboundFax, filter({ transport: ['PSTN'] }), nobodyInvolved), false);
  assert.equal(matchesFilter(outboundFax, filter({ transport: ['VoIP'] }), nobodyInvolved), true);
});

test('recordingType All, Automatic and OnDemand', () => {
  const automatic = record({ recording: { id: '1001', type: 'Automatic' } });
  const onDemand = record({ recording: { id: '1002', type: 'OnDemand' } });
  const none = record();
  const matches = (r: CallLogRecord, t: 'All' | 'Automatic' | 'OnDemand') =>
    matchesFilter(r, filter({ recordingType: t }), nobodyInvolved);
  assert.deepEqual([matches(automatic, 'All'), matches(onDemand, 'All'), matches(none, 'All')], [true, true, false]);
  assert.deepEqual([matches(automatic, 'Automatic'), matches(onDemand, 'Automatic')], [true, false]);
  assert.deepEqual([matches(automatic, 'OnDemand'), matches(onDemand, 'OnDemand')], [false, true]);
});

test('sessionId and telephonySessionId must be equal', () => {
  const r = record({ sessionId: '555', telephonySessionId: 's-555' });
  assert.equal(matchesFilter(r, filter({ sessionId: '555' }), nobodyInvolved), true);
  assert.equal(matchesFilter(r, filter({ sessionId: '556' }), nobodyInvolved), false);
  assert.equal(matchesFilter(r, filter({ telephonySessionId: 's-555' }), nobodyInvolved), true);
  assert.equal(matchesFilter(r, filter({ telephonySessionId: 's-556' }), nobodyInvolved), false);
});

test('phoneNumber matches the digits of from or to', () => {
  const r = record({ from: { phoneNumber: '+1 (650) 555-0100' }, to: { phoneNumber: '+16505550101' } });
  assert.equal(matchesFilter(r, filter({ phoneNumber: '16505550100' }), nobodyInvolved), true);
  assert.equal(matchesFilter(r, filter({ phoneNumber: '16505550101' }), nobodyInvolved), true);
  assert.equal(matchesFilter(r, filter({ phoneNumber: '16505550102' }), nobodyInvolved), false);
  const noNumbers = record({ from: { extensionNumber: '101' }, to: { extensionNumber: '102' } });
  assert.equal(matchesFilter(noNumbers, filter({ phoneNumber: '101' }), nobodyInvolved), false);
});

test('extensionNumber keeps the records the caller says that extension took part in', () => {
  const involvedRecord = record();
  const other = record();
  const involved = (r: CallLogRecord) => r.id === involvedRecord.id;
  assert.equal(matchesFilter(involvedRecord, filter({ extensionNumber: '102' }), involved), true);
  assert.equal(matchesFilter(other, filter({ extensionNumber: '102' }), involved), false);
  // Without extensionNumber the answer is not asked for.
  assert.equal(matchesFilter(other, filter(), involved), true);
});

// ---- compareNewestFirst ----

test('records sort newest first, ties broken by id so that pages never overlap', () => {
  const a = record({ id: 'A', startTime: 1000 });
  const b = record({ id: 'B', startTime: 3000 });
  const c = record({ id: 'C', startTime: 2000 });
  const d = record({ id: 'D', startTime: 2000 });
  const sorted = [a, b, c, d].sort(compareNewestFirst).map((r) => r.id);
  assert.deepEqual(sorted, ['B', 'D', 'C', 'A']);
  assert.deepEqual(
    [d, c, b, a].sort(compareNewestFirst).map((r) => r.id),
    sorted,
  );
  assert.equal(compareNewestFirst(c, c), 0);
});

// ---- prepareRecordJson, withBase (renderRecord is checked against an independent rendering in call-log-record.test.ts) ----

function detailedRecord(overrides: Partial<CallLogRecord> = {}): CallLogRecord {
  const startTime = Date.UTC(2024, 4, 20, 10, 0, 0, 123);
  return record({
    id: 'IVWtSyis720zMEA',
    startTime,
    lastModifiedTime: startTime + 90_000,
    transport: 'VoIP',
    billing: { costIncluded: 0, costPurchased: 0.02 },
    recording: { id: '7001', type: 'Automatic' },
    legs: [
      {
        startTime,
        ...ANSWERED_CALL,
        from: { phoneNumber: '+16505550100' },
        to: { phoneNumber: '+16505550101', extensionNumber: '101' },
        extensionId: EXTENSION,
        transport: 'PSTN',
        legType: 'Accept',
        master: true,
        recording: { id: '7001', type: 'Automatic' },
      },
    ],
    ...overrides,
  });
}

/** Every `uri`/`contentUri` value anywhere in a JSON value. */
function uris(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(uris);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      (k === 'uri' || k === 'contentUri') && typeof v === 'string' ? [v] : uris(v),
    );
  }
  return [];
}

function served(json: string, base = 'http://h:1'): Record<string, unknown> {
  return JSON.parse(withBase(json, base)) as Record<string, unknown>;
}

test('the Simple view has no legs, transport, lastModifiedTime or billing', () => {
  const simple = served(prepareRecordJson(detailedRecord()).simple);
  for (const key of ['legs', 'transport', 'lastModifiedTime', 'billing']) {
    assert.equal(key in simple, false, key);
  }
  assert.equal(simple.id, 'IVWtSyis720zMEA');
  assert.equal(simple.startTime, '2024-05-20T10:00:00.123Z');
  assert.equal(simple.direction, 'Inbound');
});

test('the Detailed view has legs, transport, lastModifiedTime and billing', () => {
  const detailed = served(prepareRecordJson(detailedRecord()).detailed);
  assert.equal(detailed.transport, 'VoIP');
  assert.equal(detailed.lastModifiedTime, '2024-05-20T10:01:30.123Z');
  assert.deepEqual(detailed.billing, { costIncluded: 0, costPurchased: 0.02 });
  const legs = detailed.legs as Record<string, unknown>[];
  assert.equal(legs.length, 1);
  assert.equal(legs[0].legType, 'Accept');
  assert.equal(legs[0].master, true);
  assert.equal(legs[0].transport, 'PSTN');
  assert.deepEqual((legs[0].extension as { id: unknown }).id, Number(EXTENSION));
});

test('a Detailed record without legs still has an empty legs array', () => {
  const detailed = served(prepareRecordJson(record({ legs: [] })).detailed);
  assert.deepEqual(detailed.legs, []);
});

test("the record's uri names its view", () => {
  const json = prepareRecordJson(detailedRecord());
  assert.ok(String(served(json.simple).uri).endsWith('?view=Simple'));
  assert.ok(String(served(json.detailed).uri).endsWith('?view=Detailed'));
});

test('after withBase every uri starts with the base URL and the API path', () => {
  const json = prepareRecordJson(detailedRecord({ message: { id: '55', type: 'VoiceMail' } }));
  for (const view of [json.simple, json.detailed]) {
    const all = uris(served(view));
    assert.ok(all.length >= 3, `found ${all.length} uris`);
    for (const uri of all) assert.ok(uri.startsWith('http://h:1/restapi/v1.0/'), uri);
    assert.equal(withBase(view, 'http://h:1').includes('\\u0000'), false);
  }
});

test('extension records point into the extension log; company records into the account log', () => {
  const ext = served(prepareRecordJson(record({ id: 'X1' })).simple);
  assert.equal(ext.uri, `http://h:1/restapi/v1.0/account/${ACCOUNT}/extension/${EXTENSION}/call-log/X1?view=Simple`);
  const company = served(prepareRecordJson(record({ id: 'X2', extensionId: null })).simple);
  assert.equal(company.uri, `http://h:1/restapi/v1.0/account/${ACCOUNT}/call-log/X2?view=Simple`);
});

test('extension.id is a number, with the extension uri', () => {
  const simple = served(prepareRecordJson(record()).simple);
  assert.deepEqual(simple.extension, {
    uri: `http://h:1/restapi/v1.0/account/${ACCOUNT}/extension/${EXTENSION}`,
    id: Number(EXTENSION),
  });
  assert.equal(typeof (simple.extension as { id: unknown }).id, 'number');
});

test('a company record shows its owner extension, or none', () => {
  const owned = served(prepareRecordJson(record({ extensionId: null, ownerExtensionId: '777' })).simple);
  assert.equal((owned.extension as { id: unknown }).id, 777);
  const unowned = served(prepareRecordJson(record({ extensionId: null })).simple);
  assert.equal('extension' in unowned, false);
});

test('the recording carries its id, type and a content uri on the account', () => {
  const simple = served(prepareRecordJson(detailedRecord()).simple);
  assert.deepEqual(simple.recording, {
    uri: `http://h:1/restapi/v1.0/account/${ACCOUNT}/recording/7001`,
    id: '7001',
    type: 'Automatic',
    contentUri: `http://h:1/restapi/v1.0/account/${ACCOUNT}/recording/7001/content`,
  });
});

test('deleted records carry deleted: true; others have no deleted field', () => {
  assert.equal(served(prepareRecordJson(record({ deleted: true })).simple).deleted, true);
  assert.equal(served(prepareRecordJson(record({ deleted: true })).detailed).deleted, true);
  assert.equal('deleted' in served(prepareRecordJson(record()).simple), false);
});

test('withBase leaves JSON without the mark unchanged', () => {
  const json = '{"a":"b"}';
  assert.equal(withBase(json, 'http://h:1'), json);
});

test('party names that look like the base-URL mark survive withBase', () => {
  const literal = record({ from: { phoneNumber: '+16505550100', name: 'Odd \\u0000 Name' } });
  assert.equal((served(prepareRecordJson(literal).simple).from as { name: unknown }).name, 'Odd \\u0000 Name');
  // A NUL character from outside is dropped rather than mistaken for the base-URL mark.
  const nul = record({ from: { phoneNumber: '+16505550100', name: 'Odd\u0000Name' } });
  assert.equal((served(prepareRecordJson(nul).simple).from as { name: unknown }).name, 'OddName');
});
