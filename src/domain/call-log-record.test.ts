// Tests of the prepared JSON text: it must be exactly what JSON.stringify writes for RingCentral's fields in
// RingCentral's order. The reference below builds those fields as objects, the plain way; prepareRecordJson
// writes text directly for speed, and every generated record and every awkward string must come out the same.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCompany, generateTraffic } from '../generator/index.ts';
import {
  BASE_MARK,
  preparedStringify,
  prepareRecordJson,
  type CallLogLeg,
  type CallSpanFields,
  type CallLogRecord,
  type MessageRef,
  type PartyInfo,
  type RecordingRef,
} from './call-log-record.ts';
import type { View } from './enums.ts';
import { renderRecord } from '../../test/support/call-log-reference.ts';

const text = (value: string): string => (value.includes(BASE_MARK) ? value.replaceAll(BASE_MARK, '') : value);

// ---- the reference: the fields as objects, in RingCentral's order ----

const accountPath = (accountId: string) => `${BASE_MARK}/restapi/v1.0/account/${accountId}`;

function recordPath(r: Pick<CallLogRecord, 'accountId' | 'extensionId' | 'id'>): string {
  return r.extensionId === null
    ? `${accountPath(r.accountId)}/call-log/${r.id}`
    : `${accountPath(r.accountId)}/extension/${r.extensionId}/call-log/${r.id}`;
}

function extensionRef(accountId: string, extensionId: string) {
  return { uri: `${accountPath(accountId)}/extension/${extensionId}`, id: Number(extensionId) };
}

function recordingRef(accountId: string, rec: RecordingRef) {
  const uri = `${accountPath(accountId)}/recording/${rec.id}`;
  return { uri, id: rec.id, type: rec.type, contentUri: `${uri}/content` };
}

function messageRef(accountId: string, extensionId: string | undefined, msg: MessageRef) {
  const owner = extensionId ? `/extension/${extensionId}` : '';
  return { id: msg.id, type: msg.type, uri: `${accountPath(accountId)}${owner}/message-store/${msg.id}` };
}

function party(p: PartyInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.phoneNumber !== undefined) out.phoneNumber = text(p.phoneNumber);
  if (p.extensionNumber !== undefined) out.extensionNumber = text(p.extensionNumber);
  if (p.extensionId !== undefined) out.extensionId = text(p.extensionId);
  if (p.location !== undefined) out.location = text(p.location);
  if (p.name !== undefined) out.name = text(p.name);
  if (p.device !== undefined) out.device = { uri: `${BASE_MARK}/restapi/v1.0/device/${p.device.id}`, id: p.device.id };
  return out;
}

/** What a record and a leg render alike, from startTime to from, in RingCentral's order. */
function renderSpan(out: Record<string, unknown>, span: CallSpanFields & { action: string }): void {
  out.startTime = new Date(span.startTime).toISOString();
  out.duration = span.duration;
  out.durationMs = span.durationMs;
  out.type = span.type;
  if (span.internalType) out.internalType = span.internalType;
  out.direction = span.direction;
  out.action = span.action;
  out.result = span.result;
  if (span.reason) out.reason = span.reason;
  if (span.reasonDescription) out.reasonDescription = text(span.reasonDescription);
  out.to = party(span.to);
  out.from = party(span.from);
}

function renderLeg(accountId: string, leg: CallLogLeg): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  renderSpan(out, leg);
  if (leg.extensionId) {
    out.extension = extensionRef(accountId, leg.extensionId);
  }
  if (leg.telephonySessionId) out.telephonySessionId = leg.telephonySessionId;
  out.transport = leg.transport;
  if (leg.recording) out.recording = recordingRef(accountId, leg.recording);
  if (leg.shortRecording) out.shortRecording = true;
  if (leg.message) out.message = messageRef(accountId, leg.extensionId, leg.message);
  if (leg.delegate) out.delegate = { id: leg.delegate.id, name: text(leg.delegate.name) };
  if (leg.billing) out.billing = leg.billing;
  out.legType = leg.legType;
  if (leg.master) out.master = true;
  return out;
}

/** The record as RingCentral sends it in `view`, with BASE_MARK where the base URL goes. */
function referenceRender(r: CallLogRecord, view: View): Record<string, unknown> {
  const out: Record<string, unknown> = {
    uri: `${recordPath(r)}?view=${view}`,
    id: r.id,
    sessionId: r.sessionId,
    telephonySessionId: r.telephonySessionId,
  };
  if (r.partyId) out.partyId = r.partyId;
  renderSpan(out, r);
  const owner = r.extensionId ?? r.ownerExtensionId;
  if (owner) out.extension = extensionRef(r.accountId, owner);
  if (r.recording) out.recording = recordingRef(r.accountId, r.recording);
  if (r.shortRecording) out.shortRecording = true;
  if (r.message) out.message = messageRef(r.accountId, owner, r.message);
  if (r.delegate) out.delegate = { id: r.delegate.id, name: text(r.delegate.name) };
  if (r.deleted) out.deleted = true;
  if (view === 'Detailed') {
    out.transport = r.transport;
    out.lastModifiedTime = new Date(r.lastModifiedTime).toISOString();
    if (r.billing) out.billing = r.billing;
    out.legs = r.legs.map((leg) => renderLeg(r.accountId, leg));
  }
  return out;
}

function assertSameJson(r: CallLogRecord, what: string) {
  const json = prepareRecordJson(r);
  assert.equal(json.simple, preparedStringify(referenceRender(r, 'Simple')), `${what} Simple`);
  assert.equal(json.detailed, preparedStringify(referenceRender(r, 'Detailed')), `${what} Detailed`);
}

const OPTIONS = { seed: 5, extensions: 12, days: 4, callsPerDay: 200, endTime: Date.UTC(2026, 2, 3, 18) };
const generated: CallLogRecord[] = [...generateTraffic(generateCompany(OPTIONS), OPTIONS)].flatMap((b) => b.records);

test('every generated record is written exactly as JSON.stringify writes its fields', () => {
  assert.ok(generated.length > 500, `${generated.length} records`);
  assert.ok(generated.some((r) => r.legs.length > 1 && r.recording && r.extensionId === null));
  for (const r of generated) assertSameJson(r, r.id);
});

const AWKWARD = [
  'plain',
  '',
  'quote " inside',
  'back\\slash',
  'ends with \\',
  'tab\there',
  'new\nline',
  'bell \u0007',
  'del \u007f',
  'nul \u0000 dropped',
  'looks like the mark \\u0000',
  'emoji \u{1F4DE}',
  'lone high \ud800',
  'lone low \udc00 x',
  'line sep \u2028',
  'é ü ß 日本',
  '</script>',
];

test('awkward strings in every free-text and id field come out as JSON.stringify writes them', () => {
  const base = generated.find((r) => r.legs.length > 0 && r.recording)!;
  for (const s of AWKWARD) {
    const party: PartyInfo = {
      phoneNumber: s,
      extensionNumber: s,
      extensionId: s,
      name: s,
      location: s,
      device: { id: s },
    };
    // The free-text and id fields a leg and a record both have.
    const texts = {
      from: party,
      to: party,
      reasonDescription: s,
      extensionId: s,
      telephonySessionId: s,
      message: { id: s, type: s },
      delegate: { id: s, name: s },
    };
    const leg: CallLogLeg = {
      ...base.legs[0],
      ...texts,
      recording: { id: s, type: 'OnDemand' },
      billing: { costIncluded: 1.5, costPurchased: 0 },
      shortRecording: true,
      reason: 'Hang Up',
      internalType: 'Local',
    };
    const r: CallLogRecord = {
      ...base,
      ...texts,
      id: s,
      sessionId: s,
      partyId: s,
      accountId: s,
      recording: { id: s, type: 'Automatic' },
      legs: [leg, { ...leg, master: true }],
      deleted: true,
      billing: { costIncluded: 0.1 + 0.2, costPurchased: 1e21 },
    };
    assertSameJson(r, JSON.stringify(s));
    assertSameJson({ ...r, extensionId: null, ownerExtensionId: s }, `${JSON.stringify(s)} company`);
    assertSameJson({ ...r, extensionId: null, ownerExtensionId: undefined }, `${JSON.stringify(s)} unowned`);
  }
});

test('numbers JSON cannot hold are written as null, as JSON.stringify does', () => {
  const r = {
    ...generated[0],
    duration: Number.NaN,
    billing: { costIncluded: Infinity, costPurchased: -0 },
    ownerExtensionId: 'x',
  };
  assertSameJson(r, 'odd numbers');
});

test('renderRecord is the prepared JSON as an object', () => {
  for (const r of generated.slice(0, 50)) {
    for (const view of ['Simple', 'Detailed'] as const)
      assert.deepEqual(renderRecord(r, view), referenceRender(r, view));
  }
});
