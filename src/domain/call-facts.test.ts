// The worked example of docs/reports.md: a queue call answered by the second member rung.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallLogLeg, CallLogRecord } from './call-log-record.ts';
import { callFacts } from './call-facts.ts';

const T0 = Date.UTC(2026, 10, 2, 17, 0, 0); // 09:00:00 in Los Angeles
const caller = { phoneNumber: '+14155550199', name: 'SMITH JOHN' };
const span = {
  startTime: T0,
  duration: 250,
  durationMs: 250_000,
  type: 'Voice',
  direction: 'Inbound',
  action: 'Phone Call',
  result: 'Accepted',
  from: caller,
  to: { phoneNumber: '+16505550100' },
  transport: 'PSTN',
} as const;
const leg = (over: Partial<CallLogLeg>): CallLogLeg => ({ ...span, legType: 'Accept', ...over });

const queueCall: CallLogRecord = {
  id: 'example00000001',
  accountId: '1008',
  extensionId: null,
  ownerExtensionId: 'Q',
  sessionId: '1',
  telephonySessionId: 's-1',
  ...span,
  legs: [
    leg({ master: true, extensionId: 'Q' }),
    leg({ legType: 'PstnToSip', extensionId: 'Q', transport: 'VoIP' }),
    leg({
      legType: 'Hunting',
      extensionId: 'A',
      startTime: T0 + 8000,
      durationMs: 16_000,
      duration: 16,
      result: 'Missed',
    }),
    leg({ legType: 'Hunting', extensionId: 'B', startTime: T0 + 24_000, durationMs: 226_000, duration: 226 }),
  ],
  lastModifiedTime: T0 + 260_000,
  deleted: false,
};

test('worked example: answered by B after 24 s in the queue, 226 s of talk', () => {
  assert.deepEqual(callFacts(queueCall), {
    ownerId: 'Q',
    entryId: 'Q',
    agentId: 'B',
    answerMs: 24_000,
    talkMs: 226_000,
    transferred: false,
    contactDigits: '14155550199',
  });
});

test('an abandoned queue call has no answer, talk or agent', () => {
  const abandoned = { ...queueCall, result: 'Abandoned' as const, legs: queueCall.legs.slice(0, 3) };
  const f = callFacts(abandoned);
  assert.equal(f.answerMs, null);
  assert.equal(f.talkMs, 0);
  assert.equal(f.agentId, null);
});

test('outbound: the master leg answers at the start; internal calls have no outside number', () => {
  const outbound: CallLogRecord = {
    ...queueCall,
    direction: 'Outbound',
    result: 'Call connected',
    from: { extensionNumber: '101', extensionId: 'U', name: 'Ann' },
    to: { phoneNumber: '+442071234567' },
    legs: [
      leg({
        master: true,
        direction: 'Outbound',
        result: 'Call connected',
        extensionId: 'U',
        legType: 'SipToPstnMetered',
      }),
    ],
  };
  assert.deepEqual(
    { ...callFacts(outbound) },
    {
      ownerId: 'Q',
      entryId: 'U',
      agentId: 'U',
      answerMs: 0,
      talkMs: 250_000,
      transferred: false,
      contactDigits: '442071234567',
    },
  );
  const internal = { ...outbound, to: { extensionNumber: '102', extensionId: 'V', name: 'Bo' } };
  assert.equal(callFacts(internal).contactDigits, null);
});
