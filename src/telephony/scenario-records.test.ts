// Example-based checks of the scenarios added after the oracle (park and pickup, warm transfer, conference,
// RingOut): hand-written RingCentral-shaped event streams, and their records, legs, active calls and presence
// field by field as docs/telephony-events.md (after reference/telephony-to-call-log.md) says.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  numberPlan,
  type CallLogRecord,
  type PartyStatusCode,
  type TelephonySessionEventBody,
} from '../domain/index.ts';
import { assembleCall, buildJournal, type DirectoryEntry } from './index.ts';
import { liveCalls, presenceItems } from './live-views.ts';

const ACCOUNT = '400000001';
const T0 = Date.UTC(2026, 10, 20, 15, 0, 0);
const A = '500000101';
const B = '500000102';
const C = '500000103';
const DIRECTORY = new Map<string, DirectoryEntry>([
  [A, { extensionNumber: '101', name: 'Ann Able', type: 'User' }],
  [B, { extensionNumber: '102', name: 'Bob Baker', type: 'User' }],
  [C, { extensionNumber: '103', name: 'Cy Cole', type: 'User' }],
]);
const CALLER = '+14155550111';
const A_DID = '+16505550101';
const CALLEE = '+12125550199';

const ctx = {
  accountId: ACCOUNT,
  extension: (id: string) => DIRECTORY.get(id),
  recordId: (ext: string | null) => `rec-${ext ?? 'company'}`,
  numberPlan: numberPlan(),
  modifiedAt: T0,
};

interface End {
  phoneNumber?: string;
  name?: string;
  extensionId?: string;
}
interface PartyDef {
  n: number;
  ext?: string;
  dir: 'Inbound' | 'Outbound';
  from: End;
  to: End;
  role?: 'Host' | 'Participant';
}

/** Party `n` of a session: its own end (`to` when Inbound, `from` when Outbound) names its extension, if any. */
function party(n: number, dir: PartyDef['dir'], from: End, to: End, role?: PartyDef['role']): PartyDef {
  const ext = (dir === 'Inbound' ? to : from).extensionId;
  return { n, dir, from, to, ...(ext ? { ext } : {}), ...(role ? { role } : {}) };
}
type Step = [
  party: PartyDef,
  atSeconds: number,
  code: PartyStatusCode,
  extra?: { reason?: string; park?: string; peer?: string },
];

/** One session's events, numbered from 2 in the order given. */
function session(tsid: string, origin: string, steps: Step[]): TelephonySessionEventBody[] {
  return steps.map(([p, at, code, extra], i) => ({
    sequence: i + 2,
    sessionId: `9${tsid.length}000`,
    telephonySessionId: tsid,
    eventTime: new Date(T0 + at * 1000).toISOString(),
    origin: { type: origin },
    parties: [
      {
        accountId: ACCOUNT,
        ...(p.ext ? { extensionId: p.ext } : {}),
        id: `p-${tsid.slice(2)}-${p.n}`,
        direction: p.dir,
        from: p.from,
        to: p.to,
        status: {
          code,
          ...(extra?.reason ? { reason: extra.reason } : {}),
          ...(extra?.peer
            ? { peerId: { sessionId: '0', telephonySessionId: extra.peer, partyId: `p-${extra.peer.slice(2)}-1` } }
            : {}),
        },
        ...(extra?.park ? { park: { id: extra.park } } : {}),
        ...(p.role ? { conferenceRole: p.role } : {}),
      },
    ],
  }));
}

/** The session's records; each carries the session's telephonySessionId. */
function records(events: TelephonySessionEventBody[]): CallLogRecord[] {
  const rs = assembleCall(buildJournal(events), ctx).records;
  for (const r of rs) assert.equal(r.telephonySessionId, events[0].telephonySessionId);
  return rs;
}
const byLog = (rs: CallLogRecord[], ext: string | null) => {
  const r = rs.find((x) => x.extensionId === ext);
  assert.ok(r, `a record for ${ext ?? 'the company'}`);
  return r;
};
/** A record's headline: direction, action, result, from, to, start (ms after T0), duration (s), transport. */
const top = (r: CallLogRecord) => [
  r.direction,
  r.action,
  r.result,
  r.from,
  r.to,
  r.startTime - T0,
  r.duration,
  r.transport,
];
/** Each leg: legType, action, direction, result, extension, start (ms after T0), duration (s), transport, 'master'?. */
const legs = (r: CallLogRecord) =>
  r.legs.map((l) => [
    l.legType,
    l.action,
    l.direction,
    l.result,
    l.extensionId,
    l.startTime - T0,
    l.duration,
    l.transport,
    ...(l.master ? ['master'] : []),
  ]);

/** A's direct number as A's end of a call. */
const A_END = { phoneNumber: A_DID, extensionId: A };
const a = { extensionNumber: '101', extensionId: A, name: 'Ann Able' };
const b = { extensionNumber: '102', extensionId: B, name: 'Bob Baker' };
const c = { extensionNumber: '103', extensionId: C, name: 'Cy Cole' };

// Park and pickup: the caller's party Parked, the parker's Disconnected/ParkLocation, a retriever joins.
const parkCaller = party(1, 'Outbound', { phoneNumber: CALLER }, { phoneNumber: A_DID });
const parker = party(2, 'Inbound', { phoneNumber: CALLER }, { phoneNumber: A_DID, extensionId: A });
const retriever = party(3, 'Inbound', { phoneNumber: CALLER }, { phoneNumber: '102', extensionId: B });
const parkEvents = session('s-park1', 'Call', [
  [parkCaller, 0, 'Setup'],
  [parkCaller, 0, 'Answered'],
  [parker, 0, 'Setup'],
  [parker, 1, 'Proceeding'],
  [parker, 6, 'Answered'],
  [parkCaller, 40, 'Parked', { park: '3' }],
  [parker, 40, 'Disconnected', { reason: 'ParkLocation' }],
  [retriever, 70, 'Setup'],
  [retriever, 70, 'Answered'],
  [parkCaller, 70, 'Answered'],
  [retriever, 130, 'Disconnected'],
  [parkCaller, 130, 'Disconnected'],
]);

test('park and pickup: parker Accepted up to the park, retriever a Park Location record, company legs Accept, PstnToSip, ParkLocation', () => {
  const rs = records(parkEvents);
  assert.deepEqual(
    rs.map((r) => r.extensionId),
    [A, B, null],
  );
  const caller = { phoneNumber: CALLER };
  const dialed = { phoneNumber: A_DID, ...a };
  assert.deepEqual(top(byLog(rs, A)), ['Inbound', 'Phone Call', 'Accepted', caller, dialed, 0, 40, 'PSTN']);
  assert.deepEqual(top(byLog(rs, B)), ['Inbound', 'Park Location', 'Accepted', caller, b, 70_000, 60, 'PSTN']);
  assert.deepEqual(top(byLog(rs, null)), ['Inbound', 'Phone Call', 'Accepted', caller, dialed, 0, 130, 'PSTN']);
  const master = ['Accept', 'Phone Call', 'Inbound', 'Accepted', A, 0, 130, 'PSTN', 'master'];
  const parkerLeg = ['PstnToSip', 'Phone Call', 'Inbound', 'Accepted', A, 0, 40, 'VoIP'];
  const pickupLeg = ['ParkLocation', 'Phone Call', 'Inbound', 'Accepted', B, 70_000, 60, 'VoIP'];
  assert.deepEqual(legs(byLog(rs, A)), [master, parkerLeg]);
  assert.deepEqual(legs(byLog(rs, B)), [master, pickupLeg]);
  assert.deepEqual(legs(byLog(rs, null)), [master, parkerLeg, pickupLeg]);
});

test('park: while parked the company call stays active, the parker is off the call with presence ParkedCall', () => {
  const j = buildJournal(parkEvents.slice(0, 7));
  const now = T0 + 50_000;
  const live = liveCalls(j, ctx, now, false);
  const company = live.find((e) => e.logId === '');
  assert.ok(company);
  assert.equal(company.record.result, 'In Progress');
  assert.equal(company.endedAt, null);
  const parkerEntry = live.find((e) => e.logId === A);
  assert.ok(parkerEntry);
  assert.equal(parkerEntry.record.result, 'Accepted');
  assert.equal(parkerEntry.endedAt, T0 + 40_000);
  const items = presenceItems(j, (id) => DIRECTORY.get(id)?.type === 'User');
  assert.deepEqual(
    items.map((i) => [i.extensionId, i.item.telephonyStatus, i.endedAt]),
    [[A, 'ParkedCall', null]],
  );
  const picked = presenceItems(buildJournal(parkEvents.slice(0, 10)), () => true);
  assert.deepEqual(
    picked.map((i) => [i.extensionId, i.item.telephonyStatus]),
    [
      [A, 'NoCall'],
      [B, 'CallConnected'],
    ],
  );
});

test('park: the caller hangs up while parked: parker Accepted, company Accepted with no pickup leg', () => {
  const rs = records(
    session('s-park2', 'Call', [
      [parkCaller, 0, 'Setup'],
      [parkCaller, 0, 'Answered'],
      [parker, 0, 'Setup'],
      [parker, 5, 'Answered'],
      [parkCaller, 30, 'Parked', { park: '1' }],
      [parker, 30, 'Disconnected', { reason: 'ParkLocation' }],
      [parkCaller, 95, 'Disconnected'],
    ]),
  );
  assert.deepEqual(
    rs.map((r) => [r.extensionId, r.result, r.duration, r.legs.map((l) => l.legType)]),
    [
      [A, 'Accepted', 30, ['Accept', 'PstnToSip']],
      [null, 'Accepted', 95, ['Accept', 'PstnToSip']],
    ],
  );
});

// Warm transfer: S1 the caller's call to A; S2 A's consultation call to B; A bridges them.
const wtCaller = parkCaller;
const wtA1 = parker;
const wtB1 = retriever;
const wtA2 = party(1, 'Outbound', { phoneNumber: '101', extensionId: A }, { phoneNumber: '102', extensionId: B });
const wtB2 = party(2, 'Inbound', { phoneNumber: '101', extensionId: A }, { phoneNumber: '102', extensionId: B });
const original = session('s-warm1', 'Call', [
  [wtCaller, 0, 'Setup'],
  [wtCaller, 0, 'Answered'],
  [wtA1, 0, 'Setup'],
  [wtA1, 1, 'Proceeding'],
  [wtA1, 5, 'Answered'],
  [wtA1, 60, 'Hold'],
  [wtA1, 100, 'Gone', { reason: 'AttendedTransfer', peer: 's-warm2' }],
  [wtB1, 100, 'Answered'],
  [wtB1, 220, 'Disconnected'],
  [wtCaller, 220, 'Disconnected'],
]);
const consultation = session('s-warm2', 'Call', [
  [wtA2, 60, 'Setup'],
  [wtB2, 60, 'Setup'],
  [wtA2, 60, 'Answered'],
  [wtB2, 61, 'Proceeding'],
  [wtB2, 70, 'Answered'],
  [wtA2, 100, 'Gone', { reason: 'AttendedTransfer', peer: 's-warm1' }],
  [wtB2, 100, 'Gone', { reason: 'AttendedTransfer', peer: 's-warm1' }],
]);

test('warm transfer: the original session gives A Accepted to the bridge and B a Transfer record; company legs Accept, PstnToSip, TransferCall', () => {
  const rs = records(original);
  assert.deepEqual(
    rs.map((r) => r.extensionId),
    [A, B, null],
  );
  assert.deepEqual(
    rs.map((r) => [r.extensionId, r.direction, r.action, r.result, r.startTime - T0, r.duration]),
    [
      [A, 'Inbound', 'Phone Call', 'Accepted', 0, 100],
      [B, 'Inbound', 'Transfer', 'Accepted', 100_000, 120],
      [null, 'Inbound', 'Phone Call', 'Accepted', 0, 220],
    ],
  );
  assert.deepEqual(byLog(rs, B).from, { phoneNumber: CALLER });
  assert.deepEqual(
    byLog(rs, null).legs.map((l) => [l.legType, l.extensionId, l.result, l.startTime - T0, l.duration]),
    [
      ['Accept', A, 'Accepted', 0, 220],
      ['PstnToSip', A, 'Accepted', 0, 100],
      ['TransferCall', B, 'Accepted', 100_000, 120],
    ],
  );
});

test('warm transfer: the consultation session is an internal call A to B, both parties Gone at the bridge', () => {
  const rs = records(consultation);
  assert.deepEqual(
    rs.map((r) => [r.extensionId, r.direction, r.result, r.startTime - T0, r.duration, r.transport, r.from, r.to]),
    [
      [A, 'Outbound', 'Call connected', 60_000, 40, 'VoIP', a, b],
      [B, 'Inbound', 'Accepted', 60_000, 40, 'VoIP', a, b],
      [null, 'Outbound', 'Call connected', 60_000, 40, 'VoIP', a, b],
    ],
  );
  assert.deepEqual(
    byLog(rs, B).legs.map((l) => [l.legType, l.extensionId, l.direction]),
    [
      ['ExtensionToExtension', A, 'Outbound'],
      ['ExtensionToExtension', B, 'Inbound'],
    ],
  );
});

test('warm transfer: during the consultation A is OnHold in the original and connected in the consultation', () => {
  const held = presenceItems(buildJournal(original.slice(0, 6)), () => true);
  const consulting = presenceItems(buildJournal(consultation.slice(0, 5)), () => true);
  assert.deepEqual(
    held.map((i) => [i.extensionId, i.item.telephonyStatus]),
    [[A, 'OnHold']],
  );
  assert.deepEqual(
    consulting.map((i) => [i.extensionId, i.item.telephonyStatus, i.item.direction]),
    [
      [A, 'CallConnected', 'Outbound'],
      [B, 'CallConnected', 'Inbound'],
    ],
  );
  const live = liveCalls(buildJournal(original.slice(0, 8)), ctx, T0 + 150_000, false);
  assert.deepEqual(
    live.map((e) => [e.logId, e.record.result, e.endedAt === null]),
    [
      [A, 'Accepted', false],
      [B, 'In Progress', true],
      ['', 'In Progress', true],
    ],
  );
});

// Conference: host A (origin Conference), an outside participant and user C; one outside participant no answer.
const host = party(1, 'Outbound', A_END, { phoneNumber: '+16504377931', name: 'Conference' }, 'Host');
const guest = party(2, 'Inbound', A_END, { phoneNumber: CALLEE }, 'Participant');
const colleague = party(3, 'Inbound', A_END, { phoneNumber: '103', extensionId: C }, 'Participant');
const absent = party(4, 'Inbound', A_END, { phoneNumber: CALLER }, 'Participant');
const conferenceEvents = session('s-conf1', 'Conference', [
  [host, 0, 'Setup'],
  [host, 0, 'Answered'],
  [guest, 10, 'Proceeding'],
  [guest, 18, 'Answered'],
  [colleague, 30, 'Proceeding'],
  [colleague, 35, 'Answered'],
  [absent, 40, 'Proceeding'],
  [absent, 75, 'Disconnected', { reason: 'NoAnswer' }],
  [colleague, 200, 'Disconnected'],
  [guest, 300, 'Disconnected'],
  [host, 301, 'Disconnected'],
]);

test('conference: host and company Conference Call with a ConferenceCall leg per party; a user participant gets an Inbound record', () => {
  const rs = records(conferenceEvents);
  assert.deepEqual(
    rs.map((r) => r.extensionId),
    [C, A, null],
  );
  const hostFrom = { phoneNumber: A_DID, ...a };
  const bridge = { phoneNumber: '+16504377931', name: 'Conference' };
  const hostTop = ['Outbound', 'Conference Call', 'Call connected', hostFrom, bridge, 0, 301, 'PSTN'];
  assert.deepEqual(top(byLog(rs, A)), hostTop);
  assert.deepEqual(top(byLog(rs, null)), hostTop);
  assert.deepEqual(top(byLog(rs, C)), ['Inbound', 'Conference Call', 'Accepted', hostFrom, c, 30_000, 170, 'VoIP']);
  const all = [
    ['ConferenceCall', A, 'Outbound', 'Call connected', 0, 301, 'PSTN'],
    ['ConferenceCall', A, 'Outbound', 'Call connected', 10_000, 290, 'PSTN'],
    ['ConferenceCall', C, 'Outbound', 'Call connected', 30_000, 170, 'VoIP'],
    ['ConferenceCall', A, 'Outbound', 'No Answer', 40_000, 35, 'PSTN'],
  ];
  const short = (r: CallLogRecord) =>
    r.legs.map((l) => [l.legType, l.extensionId, l.direction, l.result, l.startTime - T0, l.duration, l.transport]);
  assert.deepEqual(short(byLog(rs, A)), all);
  assert.deepEqual(short(byLog(rs, null)), all);
  assert.deepEqual(short(byLog(rs, C)), [all[0], all[2]]);
  assert.equal(byLog(rs, A).legs[0].master, true);
});

test('conference: live, the host and the connected participant user are active calls with presence CallConnected', () => {
  const j = buildJournal(conferenceEvents.slice(0, 6));
  const live = liveCalls(j, ctx, T0 + 60_000, false);
  assert.deepEqual(
    live.map((e) => [e.logId, e.record.action, e.record.result]),
    [
      [C, 'Conference Call', 'In Progress'],
      [A, 'Conference Call', 'In Progress'],
      ['', 'Conference Call', 'In Progress'],
    ],
  );
  assert.deepEqual(
    presenceItems(j, () => true).map((i) => [i.extensionId, i.item.telephonyStatus]),
    [
      [A, 'CallConnected'],
      [C, 'CallConnected'],
    ],
  );
});

// RingOut: A's party rings A's own phone, then the callee's party.
const OWN_PHONE = '+16505559876';
const roUser = party(1, 'Outbound', A_END, { phoneNumber: OWN_PHONE });
const roCallee = party(2, 'Inbound', A_END, { phoneNumber: CALLEE });

test('RingOut: RingOut Web records, legs RingOutWebToSubscriber (master) and RingOutWebToCaller, billed on the callee leg', () => {
  const rs = records(
    session('s-ro1', 'RingOut', [
      [roUser, 0, 'Setup'],
      [roUser, 0, 'Proceeding'],
      [roUser, 4, 'Answered'],
      [roCallee, 4, 'Proceeding'],
      [roCallee, 12, 'Answered'],
      [roUser, 100, 'Disconnected'],
      [roCallee, 100, 'Disconnected'],
    ]),
  );
  assert.deepEqual(
    rs.map((r) => r.extensionId),
    [A, null],
  );
  for (const r of rs) {
    const from = { phoneNumber: A_DID, ...a };
    assert.deepEqual(top(r), [
      'Outbound',
      'RingOut Web',
      'Call connected',
      from,
      { phoneNumber: CALLEE },
      0,
      100,
      'PSTN',
    ]);
    assert.deepEqual(legs(r), [
      ['RingOutWebToSubscriber', 'RingOut Web', 'Outbound', 'Call connected', A, 0, 100, 'PSTN', 'master'],
      ['RingOutWebToCaller', 'RingOut Web', 'Outbound', 'Call connected', A, 4000, 96, 'PSTN'],
    ]);
    assert.equal(r.legs[0].to.phoneNumber, OWN_PHONE);
    assert.deepEqual(r.billing, r.legs[1].billing);
  }
});

test('RingOut: a busy callee gives Busy; the user not picking up their own phone leaves a one-leg No Answer record', () => {
  const busy = records(
    session('s-ro2', 'RingOut', [
      [roUser, 0, 'Setup'],
      [roUser, 3, 'Answered'],
      [roCallee, 3, 'Proceeding'],
      [roCallee, 6, 'Disconnected', { reason: 'TargetBusy' }],
      [roUser, 6, 'Disconnected'],
    ]),
  );
  assert.deepEqual(
    busy.map((r) => [r.result, r.legs.map((l) => [l.legType, l.result])]),
    [
      [
        'Busy',
        [
          ['RingOutWebToSubscriber', 'Call connected'],
          ['RingOutWebToCaller', 'Busy'],
        ],
      ],
      [
        'Busy',
        [
          ['RingOutWebToSubscriber', 'Call connected'],
          ['RingOutWebToCaller', 'Busy'],
        ],
      ],
    ],
  );
  const unanswered = records(
    session('s-ro3', 'RingOut', [
      [roUser, 0, 'Setup'],
      [roUser, 0, 'Proceeding'],
      [roUser, 25, 'Disconnected', { reason: 'NoAnswer' }],
    ]),
  );
  assert.deepEqual(
    unanswered.map((r) => [r.extensionId, r.result, r.legs.map((l) => l.legType)]),
    [
      [A, 'No Answer', ['RingOutWebToSubscriber']],
      [null, 'No Answer', ['RingOutWebToSubscriber']],
    ],
  );
});
