// Tests of the seed generator: determinism, company shape, session coherence, enumerations, recordings,
// time-of-day skew, result spread, faxes, multi-leg scenarios, deletions and rendering.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACTIONS,
  CALL_TYPES,
  DIRECTIONS,
  INTERNAL_TYPES,
  LEG_ACTIONS,
  LEG_TYPES,
  MIN_RECORDING_SECONDS,
  REASONS,
  RESULTS,
  TRANSPORTS,
  type CallLogRecord,
  type RecordingMeta,
} from '../domain/index.ts';
import { generateCompany, generateTraffic, TRAFFIC_BATCH_RECORDS, type SeedOptions } from './company-generator.ts';
import { localClock } from './traffic-calendar.ts';
import { renderRecord } from '../../test/support/call-log-reference.ts';

const DAY = 86_400_000;
const OPTIONS: SeedOptions = {
  seed: 42,
  extensions: 30,
  days: 14,
  callsPerDay: 250,
  endTime: Date.UTC(2025, 2, 20, 17, 30),
};

function generate(opts: SeedOptions) {
  const company = generateCompany(opts);
  const batches = [...generateTraffic(company, opts)];
  return {
    company,
    batches,
    records: batches.flatMap((b) => b.records),
    recordings: batches.flatMap((b) => b.recordings),
  };
}

const data = generate(OPTIONS);
const sessions = new Map<string, CallLogRecord[]>();
for (const r of data.records) sessions.set(r.sessionId, [...(sessions.get(r.sessionId) ?? []), r]);
const companyRecords = data.records.filter((r) => r.extensionId === null);

test('the same options give identical output and another seed gives different output', () => {
  const small = { ...OPTIONS, days: 3, callsPerDay: 80 };
  const a = generate(small);
  const b = generate(small);
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  assert.ok(a.records.length > 100);
  const c = generate({ ...small, seed: 43 });
  assert.notEqual(JSON.stringify(c.company), JSON.stringify(a.company));
  assert.notEqual(JSON.stringify(c.records), JSON.stringify(a.records));
});

test('the company has admin 101, user 102, numeric ids, 650 numbers and call queues of users', () => {
  const { account, extensions, queues, users } = data.company;
  assert.match(account.id, /^\d{9,12}$/);
  assert.match(account.mainNumber, /^\+1650\d{7}$/);
  const userExts = extensions.filter((e) => e.type === 'User');
  assert.equal(userExts.length, OPTIONS.extensions);
  assert.deepEqual(
    userExts.map((e) => e.extensionNumber),
    userExts.map((_, i) => String(101 + i)),
  );
  assert.equal(extensions[0].role, 'admin');
  assert.equal(extensions[1].role, 'user');
  assert.ok(userExts.filter((e) => e.role === 'admin').length >= 2);
  assert.ok(userExts.filter((e) => e.role === 'user').length > userExts.length / 2);
  for (const e of extensions) {
    assert.match(e.id, /^\d{9,12}$/);
    assert.equal(e.accountId, account.id);
    assert.match(e.phoneNumbers[0], /^\+1\d{10}$/);
  }
  assert.equal(new Set(extensions.map((e) => e.id)).size, extensions.length);
  assert.equal(new Set(extensions.map((e) => e.extensionNumber)).size, extensions.length);
  const departments = extensions.filter((e) => e.type === 'Department');
  assert.ok(departments.length >= 2);
  assert.deepEqual(
    departments.slice(0, 2).map((d) => d.name),
    ['Sales', 'Support'],
  );
  const userIds = new Set(userExts.map((e) => e.id));
  assert.deepEqual(
    queues.map((q) => q.extensionId),
    departments.map((d) => d.id),
  );
  for (const q of queues) {
    assert.ok(q.memberIds.length >= 2);
    assert.ok(q.memberIds.every((id) => userIds.has(id)));
  }
  assert.deepEqual(
    users.map((u) => u.extensionId),
    userExts.map((e) => e.id),
  );
  assert.ok(data.company.blockedNumbers.length > 0);
});

test('every session has one company record and one record per involved extension, sharing session ids', () => {
  const telephonyIds = new Set<string>();
  for (const [sessionId, records] of sessions) {
    assert.match(sessionId, /^\d+$/);
    assert.equal(records.filter((r) => r.extensionId === null).length, 1, `session ${sessionId}`);
    const company = records.find((r) => r.extensionId === null)!;
    const tsid = company.telephonySessionId;
    assert.match(tsid, /^s-[0-9a-f]+$/);
    assert.ok(!telephonyIds.has(tsid));
    telephonyIds.add(tsid);
    assert.ok(records.every((r) => r.telephonySessionId === tsid && r.type === company.type));
    const extensionIds = records.filter((r) => r.extensionId !== null).map((r) => r.extensionId);
    assert.equal(new Set(extensionIds).size, extensionIds.length, 'one record per extension');
    const involved = new Set(company.legs.map((l) => l.extensionId));
    assert.deepEqual([...involved].sort(), [...extensionIds].sort());
    assert.ok(company.ownerExtensionId && involved.has(company.ownerExtensionId));
    assert.equal(company.legs[0].extensionId, company.ownerExtensionId);
  }
});

test('record ids are unique 15-character strings', () => {
  const ids = data.records.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.every((id) => /^[A-Za-z0-9]{15}$/.test(id)));
});

test('every enumerated value comes from the domain lists', () => {
  const check = (list: readonly string[], value: string | undefined, what: string) => {
    if (value !== undefined) assert.ok(list.includes(value), `${what}: ${value}`);
  };
  const common = { result: RESULTS, reason: REASONS, internalType: INTERNAL_TYPES, transport: TRANSPORTS };
  const recordLists = { ...common, type: CALL_TYPES, direction: DIRECTIONS, action: ACTIONS };
  const legLists = { ...common, action: LEG_ACTIONS, legType: LEG_TYPES };
  const checkAll = (lists: Record<string, readonly string[]>, item: object, prefix: string) => {
    const fields = item as Record<string, string | undefined>;
    for (const [field, list] of Object.entries(lists)) check(list, fields[field], `${prefix}${field}`);
  };
  for (const r of data.records) {
    checkAll(recordLists, r, '');
    assert.ok(r.legs.length >= 1);
    assert.equal(r.legs[0].master, true);
    assert.equal(r.legs.filter((l) => l.master).length, 1);
    for (const l of r.legs) checkAll(legLists, l, 'leg ');
  }
});

test('records carry a recording only for 30 s or more of talk, with one RecordingMeta per recording', () => {
  const metas = new Map<string, RecordingMeta>(data.recordings.map((m) => [m.id, m]));
  assert.equal(metas.size, data.recordings.length);
  const referenced = new Set<string>();
  for (const r of data.records) {
    if (r.shortRecording) assert.equal(r.recording, undefined);
    if (!r.recording) continue;
    const meta = metas.get(r.recording.id);
    assert.ok(meta, `meta for ${r.recording.id}`);
    assert.match(meta.id, /^\d+$/);
    assert.equal(meta.type, r.recording.type);
    assert.equal(meta.contentType, 'audio/mpeg');
    assert.equal(meta.blobKey, null);
    assert.ok(meta.duration >= MIN_RECORDING_SECONDS);
    assert.ok(r.duration >= meta.duration);
    referenced.add(r.recording.id);
  }
  assert.equal(referenced.size, metas.size);
  for (const id of referenced) {
    const holders = data.records.filter((r) => r.recording?.id === id);
    assert.equal(holders.filter((r) => r.extensionId === null).length, 1, 'on the company record');
    assert.ok(
      holders.some((r) => r.extensionId !== null),
      'on the recording extension record',
    );
    assert.equal(new Set(holders.map((r) => r.sessionId)).size, 1);
  }
  assert.ok(data.records.some((r) => r.shortRecording));
  assert.ok(data.recordings.some((m) => m.type === 'Automatic'));
  assert.ok(data.recordings.some((m) => m.type === 'OnDemand'));
});

test('calls cluster in weekday business hours', () => {
  let business = 0;
  let night = 0;
  for (const r of companyRecords) {
    const { hour, weekday } = localClock(r.startTime);
    if (weekday >= 1 && weekday <= 5 && hour >= 9 && hour < 17) business++;
    if (hour < 6 || hour >= 21) night++;
  }
  // 8 business hours on 10 weekdays against 9 night hours on 14 days: compare rates per hour.
  assert.ok(business / 80 > 10 * (night / 126), `business ${business}, night ${night}`);
  assert.ok(night > 0, 'a trickle at night');
});

test('the results spread covers answered, missed, voicemail, failures, abandoned and blocked calls', () => {
  const results = new Set(data.records.map((r) => r.result));
  for (const expected of [
    'Accepted',
    'Call connected',
    'Missed',
    'Voicemail',
    'Busy',
    'No Answer',
    'Rejected',
    'Hang Up',
    'Blocked',
    'Abandoned',
  ]) {
    assert.ok(results.has(expected as CallLogRecord['result']), expected);
  }
  for (const r of data.records.filter((x) => x.result === 'Voicemail')) assert.equal(r.message?.type, 'VoiceMail');
  const blocked = data.records.filter((r) => r.result === 'Blocked');
  const blockList = new Set(data.company.blockedNumbers);
  assert.ok(blocked.every((r) => r.from.phoneNumber !== undefined && blockList.has(r.from.phoneNumber)));
});

test('faxes are sent and received with fax messages', () => {
  const faxes = data.records.filter((r) => r.type === 'Fax');
  assert.ok(faxes.some((r) => r.action === 'Incoming Fax' && r.result === 'Received' && r.message?.type === 'Fax'));
  assert.ok(faxes.some((r) => r.action === 'Outgoing Fax' && r.result === 'Sent' && r.message?.type === 'Fax'));
  assert.ok(faxes.every((r) => r.legs.every((l) => l.type === 'Fax')));
});

test('multi-leg sessions tell hunting, FindMe and transfer stories', () => {
  const legTypes = (r: CallLogRecord) => r.legs.map((l) => l.legType);
  const hunted = companyRecords.find((r) => {
    const hunting = r.legs.filter((l) => l.legType === 'Hunting');
    return hunting.some((l) => l.result === 'Missed') && hunting.some((l) => l.result === 'Accepted');
  });
  assert.ok(hunted, 'a queue call missed by one member and answered by another');
  assert.deepEqual(legTypes(hunted).slice(0, 2), ['Accept', 'PstnToSip']);
  const queueRecord = sessions.get(hunted.sessionId)!.find((r) => r.extensionId === hunted.ownerExtensionId)!;
  assert.equal(data.company.extensions.find((e) => e.id === queueRecord.extensionId)?.type, 'Department');
  assert.ok(companyRecords.some((r) => r.legs.some((l) => l.legType === 'FindMe' && l.action === 'FindMe')));
  assert.ok(companyRecords.some((r) => r.legs.some((l) => l.legType === 'TransferCall')));
  assert.ok(data.records.some((r) => r.action === 'Transfer'));
  assert.ok(companyRecords.some((r) => r.legs[0].legType === 'ExtensionToExtension' && r.transport === 'VoIP'));
  assert.ok(companyRecords.some((r) => r.legs[0].legType === 'SipToPstnMetered' && r.direction === 'Outbound'));
});

test('a few extension-level records are deleted, never company-level ones', () => {
  const deleted = data.records.filter((r) => r.deleted);
  assert.ok(deleted.length > 0);
  assert.ok(deleted.length < data.records.length * 0.02);
  assert.ok(deleted.every((r) => r.extensionId !== null));
});

test('times stay in the span, durations agree and batches come day by day', () => {
  const start = OPTIONS.endTime - OPTIONS.days * DAY;
  assert.equal(data.batches.length, OPTIONS.days);
  data.batches.forEach((batch, day) => {
    const company = batch.records.filter((r) => r.extensionId === null);
    assert.ok(company.every((r) => r.startTime >= start + day * DAY && r.startTime < start + (day + 1) * DAY));
  });
  for (const r of data.records) {
    assert.equal(r.startTime % 1000, 0);
    assert.equal(r.duration, Math.round(r.durationMs / 1000));
    assert.ok(r.lastModifiedTime >= r.startTime + r.durationMs && r.lastModifiedTime < OPTIONS.endTime);
    for (const l of r.legs) assert.equal(l.duration, Math.round(l.durationMs / 1000));
  }
});

test('parties: outside numbers in E.164 with some locations, internal ones with extension details', () => {
  const external = companyRecords.filter((r) => r.transport === 'PSTN' && r.direction === 'Inbound').map((r) => r.from);
  assert.ok(external.every((p) => p.phoneNumber !== undefined && /^\+\d{11,13}$/.test(p.phoneNumber)));
  assert.ok(external.some((p) => p.location !== undefined && /^[A-Za-z .]+, [A-Z]{2}$/.test(p.location)));
  assert.ok(external.some((p) => p.location === undefined));
  const internal = companyRecords.filter((r) => r.transport === 'VoIP');
  assert.ok(internal.length > 0);
  for (const r of internal) {
    for (const p of [r.from, r.to]) assert.ok(p.extensionId && p.extensionNumber && p.name);
  }
});

test('records render in both views with the fields RingCentral sends', () => {
  const picks = [
    companyRecords[0],
    data.records.find((r) => r.recording)!,
    data.records.find((r) => r.type === 'Fax')!,
  ];
  for (const r of picks) {
    const simple = renderRecord(r, 'Simple');
    for (const key of [
      'uri',
      'id',
      'sessionId',
      'telephonySessionId',
      'startTime',
      'duration',
      'durationMs',
      'type',
      'direction',
      'action',
      'result',
      'to',
      'from',
      'extension',
    ]) {
      assert.ok(key in simple, `Simple ${key}`);
    }
    assert.equal(simple.startTime, new Date(r.startTime).toISOString());
    assert.ok(!('legs' in simple));
    const detailed = renderRecord(r, 'Detailed');
    for (const key of ['transport', 'lastModifiedTime', 'billing', 'legs'])
      assert.ok(key in detailed, `Detailed ${key}`);
    const legs = detailed.legs as Record<string, unknown>[];
    assert.equal(legs[0].master, true);
    assert.ok(legs.every((l) => typeof l.legType === 'string' && typeof l.startTime === 'string'));
    assert.deepEqual(
      legs.map((l) => l.legType),
      r.legs.map((l) => l.legType),
      'one rendered leg per leg of the record, in order',
    );
  }
  const recorded = renderRecord(picks[1], 'Simple').recording as Record<string, unknown>;
  assert.ok(
    typeof recorded.contentUri === 'string' &&
      recorded.contentUri.endsWith(`/recording/${String(recorded.id)}/content`),
  );
});

test('invalid options are refused', () => {
  assert.throws(() => generateCompany({ ...OPTIONS, extensions: 1 }), RangeError);
  assert.throws(() => generateCompany({ ...OPTIONS, days: -1 }), RangeError);
  assert.throws(() => generateTraffic(data.company, { ...OPTIONS, callsPerDay: Number.NaN }), RangeError);
});

test('a company of two users still generates every scenario without error', () => {
  const tiny = generate({ ...OPTIONS, extensions: 2, days: 2, callsPerDay: 60 });
  assert.equal(tiny.company.extensions.filter((e) => e.type === 'User').length, 2);
  assert.ok(tiny.records.length > 0);
});

test('a busy day comes in batches of about TRAFFIC_BATCH_RECORDS records, each call whole in one of them', () => {
  const opts = { ...OPTIONS, days: 2, callsPerDay: 15_000 };
  const batches = [...generateTraffic(generateCompany(opts), opts)];
  assert.ok(batches.length >= 4, `${batches.length} batches`);
  assert.deepEqual(
    batches.filter((b) => b.endsDay).map((b) => b.day),
    [0, 1],
  );
  assert.deepEqual(
    batches.map((b) => b.day),
    batches.map((b) => b.day).sort((a, b) => a - b),
  );
  const sessionsSeen = new Set<string>();
  for (const b of batches) {
    // Cut after the call that reaches the limit: over it by at most one call's records.
    assert.ok(b.records.length < TRAFFIC_BATCH_RECORDS + 20, `${b.records.length} records`);
    const sessionsHere = new Set(b.records.map((r) => r.sessionId));
    for (const id of sessionsHere) assert.ok(!sessionsSeen.has(id), `session ${id} split across batches`);
    for (const id of sessionsHere) sessionsSeen.add(id);
    const recordingIds = new Set(b.records.map((r) => r.recording?.id).filter((id) => id !== undefined));
    for (const recording of b.recordings)
      assert.ok(recordingIds.has(recording.id), `recording ${recording.id} without its records`);
  }
});
