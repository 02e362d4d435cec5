// Extension-level streams (telephony-to-call-log.md §1 item 3): a subscriber that sees only its extension's own
// parties still gets the call's direction, result and legs right. Pure assembler tests, then the facade's active
// calls and stored records on SQLite and PostgreSQL.

import { test, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  numberPlan,
  type CallLogRecord,
  type PartyStatusCode,
  type TelephonySessionEventBody,
} from '../domain/index.ts';
import { backends, suiteStore } from '../../test/support/backends.ts';
import { companyDirectory, generateCompany } from '../generator/company-generator.ts';
import { GeneratedIds } from '../generator/generated-ids.ts';
import { SeededRandom } from '../domain/index.ts';
import { TrafficWorld } from '../generator/traffic-parties.ts';
import { scriptScenario } from '../generator/traffic-scripts.ts';
import type { Scenario } from '../generator/traffic-mix.ts';
import { assembleCall, buildJournal, createTelephony, type Telephony } from './index.ts';
import { liveRecordId } from './telephony-service.ts';
import { liveCalls } from './live-views.ts';

const NOW = Date.UTC(2026, 10, 27, 15, 0, 0);
const START = Date.UTC(2026, 10, 25, 18, 0, 0);
const CALLER = '+14083388064';
const COMPANY_NUMBER = '+16505550100';
const EXTERNAL = '+14155550123';

const company = generateCompany({ seed: 11, extensions: 12, days: 1, callsPerDay: 10, endTime: NOW });
const directory = companyDirectory(company);
const accountId = company.account.id;
const user = company.extensions.find((e) => e.type === 'User');
assert.ok(user, 'the company has a user');
const X = user.id;
const X_NUMBER = user.extensionNumber;

const ctx = (tsid: string) => ({
  accountId,
  extension: (id: string) => directory.get(id),
  recordId: (ext: string | null) => liveRecordId(accountId, tsid, ext),
  numberPlan: numberPlan(),
  modifiedAt: NOW,
});

type Step = [code: PartyStatusCode, atSeconds: number, extra?: { missedCall?: boolean; reason?: string }];

/** One party's events, sequences from 2, the only party of the session. */
function singleParty(tsid: string, direction: 'Inbound' | 'Outbound', steps: Step[]): TelephonySessionEventBody[] {
  const inbound = direction === 'Inbound';
  return steps.map(([code, at, extra], i) => ({
    sequence: i + 2,
    sessionId: '4242' + tsid.length,
    telephonySessionId: tsid,
    eventTime: new Date(START + at * 1000).toISOString(),
    origin: { type: 'Call' },
    parties: [
      {
        accountId,
        extensionId: X,
        id: `p-${tsid.slice(2)}-1`,
        direction,
        from: inbound ? { phoneNumber: CALLER } : { phoneNumber: X_NUMBER, extensionId: X },
        to: inbound ? { phoneNumber: COMPANY_NUMBER, extensionId: X } : { phoneNumber: EXTERNAL },
        status: { code, ...(extra?.reason ? { reason: extra.reason } : {}) },
        ...(extra?.missedCall ? { missedCall: true } : {}),
      },
    ],
  }));
}

const assemble = (events: TelephonySessionEventBody[]) =>
  assembleCall(buildJournal(events), ctx(events[0].telephonySessionId)).records;

/** `count` generated sessions of `scenario`, ten minutes apart from START, drawn from a world seeded with `seed`. */
function generatedSessions(seed: number, scenario: Scenario, count = 40): TelephonySessionEventBody[][] {
  const rng = new SeededRandom(seed, 5);
  const world = { rng, ids: new GeneratedIds(rng), accountId, world: new TrafficWorld(company, rng) };
  return Array.from({ length: count }, (_, i) => scriptScenario(world, scenario, START + i * 600_000).events());
}

const answeredInbound = (tsid: string) =>
  singleParty(tsid, 'Inbound', [
    ['Setup', 0],
    ['Proceeding', 1],
    ['Answered', 6],
    ['Disconnected', 66],
  ]);

test('a single inbound extension party answered is an inbound call from the caller, Accepted', () => {
  const records = assemble(answeredInbound('s-ext1'));
  assert.deepEqual(
    records.map((r) => r.extensionId),
    [X, null],
  );
  for (const r of records) {
    assert.equal(r.direction, 'Inbound');
    assert.equal(r.action, 'Phone Call');
    assert.equal(r.result, 'Accepted');
    assert.equal(r.from.phoneNumber, CALLER);
    assert.equal(r.to.phoneNumber, COMPANY_NUMBER);
    assert.equal(r.to.extensionId, X);
    assert.equal(r.duration, 66);
    assert.equal(r.transport, 'PSTN');
  }
  assert.deepEqual(
    records[0].legs.map((l) => [l.legType, l.direction, l.result, l.master === true]),
    [
      ['Accept', 'Inbound', 'Accepted', true],
      ['PstnToSip', 'Inbound', 'Accepted', false],
    ],
  );
});

test('a single inbound extension party that rang and was flagged missed is a Missed inbound call', () => {
  const records = assemble(
    singleParty('s-ext2', 'Inbound', [
      ['Setup', 0],
      ['Disconnected', 20, { missedCall: true }],
    ]),
  );
  assert.equal(records.length, 2);
  for (const r of records) {
    assert.equal(r.direction, 'Inbound');
    assert.equal(r.result, 'Missed');
    assert.equal(r.from.phoneNumber, CALLER);
  }
});

test('a single outbound extension party to an outside number stays an outbound call', () => {
  const records = assemble(
    singleParty('s-ext3', 'Outbound', [
      ['Setup', 0],
      ['Proceeding', 1],
      ['Answered', 8],
      ['Disconnected', 40],
    ]),
  );
  assert.equal(records.length, 2);
  for (const r of records) {
    assert.equal(r.direction, 'Outbound');
    assert.equal(r.result, 'Call connected');
    assert.equal(r.from.extensionId, X);
    assert.equal(r.to.phoneNumber, EXTERNAL);
  }
});

test('a generated inbound call without its caller party gives the extension the same result, parties and legs', () => {
  let compared = 0;
  for (const [i, events] of generatedSessions(11, 'inboundDirect').entries()) {
    const own = events.filter((e) => e.parties[0].extensionId !== undefined);
    const full = assemble(events);
    const partial = assemble(own);
    const shape = (r: CallLogRecord) => ({
      extensionId: r.extensionId,
      direction: r.direction,
      action: r.action,
      result: r.result,
      reason: r.reason,
      from: r.from.phoneNumber,
      legs: r.legs.map((l) => [l.legType, l.direction, l.result, l.extensionId]),
    });
    assert.deepEqual(partial.map(shape), full.map(shape), `session ${i}`);
    compared++;
  }
  assert.equal(compared, 40);
});

test("a generated internal call seen only through the callee's parties is Inbound for the callee, as in the full stream", () => {
  let compared = 0;
  for (const [i, events] of generatedSessions(12, 'internal').entries()) {
    const callee = events.find((e) => e.parties[0].direction === 'Inbound')?.parties[0].extensionId;
    if (callee === undefined) continue;
    const own = events.filter((e) => e.parties[0].extensionId === callee);
    const full = assemble(events).find((r) => r.extensionId === callee);
    const partial = assemble(own);
    assert.ok(full, `session ${i}: the full stream has the callee's record`);
    const mine = partial.find((r) => r.extensionId === callee);
    assert.ok(mine, `session ${i}: the callee's own stream gives its record`);
    const shape = (r: CallLogRecord) => ({
      direction: r.direction,
      action: r.action,
      result: r.result,
      reason: r.reason,
      from: r.from,
      to: r.to,
      transport: r.transport,
      startTime: r.startTime,
      durationMs: r.durationMs,
      message: r.message,
      calleeLeg: r.legs
        .filter((l) => l.extensionId === callee)
        .map((l) => [l.legType, l.direction, l.result, l.startTime, l.durationMs]),
    });
    assert.equal(mine.direction, 'Inbound', `session ${i}`);
    assert.deepEqual(shape(mine), shape(full), `session ${i}`);
    const live = liveCalls(
      buildJournal(own.slice(0, 2)),
      ctx(own[0].telephonySessionId),
      START + i * 600_000 + 1,
      false,
    );
    for (const entry of live) if (entry.logId === callee) assert.equal(entry.record.direction, 'Inbound');
    compared++;
  }
  assert.ok(compared >= 30, `compared ${compared}`);
});

test("an answered internal call's callee-only stream lists an Inbound active call for the callee while connected", () => {
  let checked = 0;
  for (const [i, events] of generatedSessions(13, 'internal').entries()) {
    if (checked === 5) break;
    const callee = events.find((e) => e.parties[0].direction === 'Inbound')?.parties[0].extensionId;
    const own = events.filter((e) => e.parties[0].extensionId === callee);
    const answered = own.findIndex((e) => e.parties[0].status.code === 'Answered');
    if (answered < 0) continue;
    const now = Date.parse(own[answered].eventTime) + 1000;
    const live = liveCalls(buildJournal(own.slice(0, answered + 1)), ctx(own[0].telephonySessionId), now, false);
    const entry = live.find((e) => e.logId === callee);
    assert.ok(entry, `session ${i}: the callee has an active call`);
    assert.equal(entry.record.direction, 'Inbound');
    assert.equal(entry.record.result, 'In Progress');
    assert.equal(entry.record.from.extensionId, own[0].parties[0].from?.extensionId);
    checked++;
  }
  assert.equal(checked, 5);
});

for (const backend of await backends())
  describe(`extension-level stream through the facade (${backend})`, () => {
    let telephony: Telephony;
    const clock = START + 30_000;

    after(() => telephony.close()); // registered first, so it runs before the store closes
    suiteStore(backend, async (store) => {
      await store.putAccount(company.account);
      await store.putExtensions(company.extensions);
      telephony = createTelephony(store, { now: () => clock, sessionTimeoutMs: 3600_000 });
    });

    test('the answered single-party call is an Inbound active call while connected, then Accepted', async () => {
      const events = answeredInbound('s-ext4');
      await telephony.ingest(accountId, events.slice(0, 3));
      for (const log of [X, null]) {
        const live = (await telephony.activeCalls(accountId, log, clock)).filter(
          (r) => r.telephonySessionId === 's-ext4',
        );
        assert.equal(live.length, 1);
        assert.equal(live[0].direction, 'Inbound');
        assert.equal(live[0].result, 'In Progress');
        assert.equal(live[0].from.phoneNumber, CALLER);
      }
      await telephony.ingest(accountId, events.slice(3));
      const ended = (await telephony.activeCalls(accountId, X, START + 70_000)).filter(
        (r) => r.telephonySessionId === 's-ext4',
      );
      assert.equal(ended.length, 1);
      assert.equal(ended[0].direction, 'Inbound');
      assert.equal(ended[0].result, 'Accepted');
    });
  });
