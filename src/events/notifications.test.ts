// Notifications as text: RingCentral's envelope in its order around what a filter delivers, the shared part built
// once per event and filter, and uuids that are the same for the same subscription, event and filter only.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoggedEvent } from '../store/index.ts';
import { parseEventFilters, type Subscriber } from './event-filters.ts';
import { eventReader, notificationsFor, notificationText, type Deliverable } from './notifications.ts';

const admin: Subscriber = { accountId: '100', extensionId: '1', role: 'admin', scope: ['CallControl', 'ReadCallLog'] };

const subscription = (id: string, filters: string[]): Deliverable => ({
  id,
  ownerId: admin.extensionId,
  filters: parseEventFilters(filters, admin).filters,
});

function missedCall(id: number): LoggedEvent {
  const party = {
    accountId: '100',
    extensionId: '1',
    direction: 'Inbound',
    missedCall: true,
    status: { code: 'Disconnected' },
    from: { phoneNumber: '+14155550123', name: 'Caller "Q"' },
    to: { phoneNumber: '+16505550100' },
  };
  const body = { sessionId: '7', telephonySessionId: 's-7', serverId: 'srv', parties: [party] };
  return {
    id,
    accountId: '100',
    topic: 'telephony-session',
    sessionId: 's-7',
    extensionIds: ['1'],
    createdAt: Date.UTC(2026, 10, 27, 12, 0, 0),
    body: JSON.stringify(body),
  };
}

const SESSIONS = '/restapi/v1.0/account/~/telephony/sessions';
const MISSED = '/restapi/v1.0/account/~/extension/~/missed-calls';

test('a notification is the envelope in RingCentral order with the body, or with the flat missed-call fields', () => {
  const event = missedCall(42);
  const read = eventReader(event, 'http://h');
  const [sessions, missed] = notificationsFor(subscription('sub-1', [SESSIONS, MISSED]), event, read);
  const parsed = JSON.parse(notificationText(sessions)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed), ['uuid', 'event', 'timestamp', 'subscriptionId', 'ownerId', 'body']);
  assert.deepEqual(
    { ...parsed, uuid: undefined },
    {
      uuid: undefined,
      event: '/restapi/v1.0/account/100/telephony/sessions',
      timestamp: '2026-11-27T12:00:00.000Z',
      subscriptionId: 'sub-1',
      ownerId: '1',
      body: JSON.parse(event.body) as unknown,
    },
  );
  const flat = JSON.parse(notificationText(missed)) as Record<string, unknown>;
  assert.deepEqual(flat, {
    uuid: flat.uuid,
    event: '/restapi/v1.0/account/100/extension/1/missed-calls',
    timestamp: '2026-11-27T12:00:00.000Z',
    subscriptionId: 'sub-1',
    ownerId: '1',
    extensionId: '1',
    action: 'MissedCall',
    sessionId: '7',
    serverId: 'srv',
    from: '+14155550123',
    fromName: 'Caller "Q"',
    to: '+16505550100',
    sid: 's-7',
    pn_ttl: 30,
  });
});

test('subscribers of one filter share what it delivers; uuids differ by subscription, event and filter only', () => {
  const event = missedCall(42);
  const read = eventReader(event, 'http://h');
  const a = subscription('sub-a', [SESSIONS, MISSED]);
  const b = subscription('sub-b', [SESSIONS]);
  const [aSessions, aMissed] = notificationsFor(a, event, read);
  const [bSessions] = notificationsFor(b, event, read);
  assert.equal(aSessions.tail, bSessions.tail, 'one tail for every subscriber of the filter');
  const uuid = (n: { head: string; tail: { text: string } }) =>
    (JSON.parse(notificationText(n)) as { uuid: string }).uuid;
  assert.match(uuid(aSessions), /^\d{1,19}$/);
  assert.equal(new Set([uuid(aSessions), uuid(aMissed), uuid(bSessions)]).size, 3);
  // The same notification built again (another server, a retry): the same uuid.
  const again = notificationsFor(subscription('sub-a', [SESSIONS]), event, eventReader(event, 'http://h'));
  assert.equal(uuid(again[0]), uuid(aSessions));
  const later = missedCall(43);
  assert.notEqual(uuid(notificationsFor(a, later, eventReader(later, 'http://h'))[0]), uuid(aSessions));
});
