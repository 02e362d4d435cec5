// Event filters: parsing against the subscriber's rights, and what each filter delivers of an event.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../domain/index.ts';
import { deliverable, parseEventFilters, type FilterableEvent, type Subscriber } from './event-filters.ts';

const admin: Subscriber = { accountId: '100', extensionId: '1', role: 'admin', scope: ['CallControl', 'ReadCallLog'] };
const user: Subscriber = { ...admin, extensionId: '2', role: 'user' };

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err.detail.errorCode;
    throw err;
  }
  return undefined;
}

const party = (extensionId: string, direction: string, status: string, extra: Record<string, unknown> = {}) => ({
  accountId: '100',
  extensionId,
  direction,
  status: { code: status },
  from: { phoneNumber: '+14155550123' },
  to: { phoneNumber: '+16505550100' },
  sipData: { callId: 'c' },
  ...extra,
});

function event(parties: ReturnType<typeof party>[]): FilterableEvent {
  const body = { sessionId: '1', telephonySessionId: 's-1', parties };
  return {
    accountId: '100',
    topic: 'telephony-session',
    extensionIds: [...new Set(parties.map((p) => p.extensionId))],
    body: JSON.stringify(body),
  };
}

const deliver = (filterText: string, who: Subscriber, e: FilterableEvent) => {
  const [filter] = parseEventFilters([filterText], who).filters;
  return deliverable(filter, e, () => JSON.parse(e.body) as unknown);
};

describe('event filters', () => {
  test('`~` resolves to real ids and query parameters are normalised', () => {
    const parsed = parseEventFilters(
      ['/restapi/v1.0/account/~/extension/~/telephony/sessions?statusCode=Answered&phoneNumber=16505550100'],
      user,
    );
    assert.deepEqual(parsed.eventFilters, [
      '/restapi/v1.0/account/100/extension/2/telephony/sessions?phoneNumber=+16505550100&statusCode=Answered',
    ]);
  });

  test('permissions per filter and SUB-508 for what cannot be parsed', () => {
    const sessions = '/restapi/v1.0/account/~/telephony/sessions';
    const cases: [filters: string[], subscriber: Subscriber, errorCode: string][] = [
      [[sessions], user, 'SUB-405'],
      [['/restapi/v1.0/account/~/extension/1/telephony/sessions'], user, 'SUB-405'],
      [['/restapi/v1.0/account/~/extension/1/missed-calls'], user, 'SUB-527'],
      [['/restapi/v1.0/account/7/telephony/sessions'], admin, 'SUB-406'],
      [[sessions], { ...admin, scope: ['ReadCallLog'] }, 'CMN-401'],
      [[`${sessions}?statusCode=Ringing`], admin, 'SUB-508'],
      [[`${sessions}?unknown=1`], admin, 'SUB-508'],
      [[], admin, 'CMN-101'],
      // nothing deliverable
      [['/restapi/v1.0/account/~/extension/~/message-store'], admin, 'SUB-508'],
    ];
    for (const [filters, subscriber, errorCode] of cases) {
      assert.equal(
        code(() => parseEventFilters(filters, subscriber)),
        errorCode,
        `${filters.join()} as ${subscriber.role}`,
      );
    }
  });

  test('an extension filter delivers only that extension’s parties; the account filter all of them', () => {
    const e = event([party('1', 'Outbound', 'Answered'), party('2', 'Inbound', 'Answered')]);
    const own = deliver('/restapi/v1.0/account/~/extension/~/telephony/sessions', user, e);
    assert.deepEqual(
      (own!.body as { parties: { extensionId: string }[] }).parties.map((p) => p.extensionId),
      ['2'],
    );
    const all = deliver('/restapi/v1.0/account/~/telephony/sessions', admin, e);
    assert.equal((all!.body as { parties: unknown[] }).parties.length, 2);
    assert.equal(
      deliver('/restapi/v1.0/account/~/extension/~/telephony/sessions', user, event([party('1', 'Outbound', 'Setup')])),
      null,
    );
  });

  test('direction, statusCode, missedCall, phoneNumber, withRecordings and sipData', () => {
    const e = event([
      party('2', 'Inbound', 'Disconnected', { missedCall: true, recordings: [{ id: 'r', active: false }] }),
    ]);
    const f = (q: string) => deliver(`/restapi/v1.0/account/~/extension/~/telephony/sessions${q}`, user, e);
    assert.ok(f('?direction=Inbound'));
    assert.equal(f('?direction=Outbound'), null);
    assert.ok(f('?statusCode=Disconnected'));
    assert.equal(f('?statusCode=Answered'), null);
    assert.ok(f('?missedCall=true'));
    assert.equal(f('?missedCall=false'), null);
    assert.ok(f('?phoneNumber=%2B14155550123'));
    assert.equal(f('?phoneNumber=%2B19995550000'), null);
    assert.ok(f('?withRecordings=true'));
    assert.equal(f('?withRecordings=false'), null);
    const parties = (x: ReturnType<typeof f>) => (x!.body as { parties: { sipData?: unknown }[] }).parties;
    assert.equal(parties(f(''))[0].sipData, undefined);
    assert.ok(parties(f('?sipData=true'))[0].sipData);
  });

  test('missed calls deliver on a missed, disconnected party of the extension', () => {
    const missed = deliver(
      '/restapi/v1.0/account/~/extension/~/missed-calls',
      user,
      event([party('2', 'Inbound', 'Disconnected', { missedCall: true })]),
    );
    assert.equal(missed!.flat!.extensionId, '2');
    assert.equal(missed!.flat!.from, '+14155550123');
    const answered = deliver(
      '/restapi/v1.0/account/~/extension/~/missed-calls',
      user,
      event([party('2', 'Inbound', 'Disconnected')]),
    );
    assert.equal(answered, null);
  });

  test('the call-log filter delivers the extension’s records, or the company records', () => {
    const record = (extensionIds: string[]): FilterableEvent => ({
      accountId: '100',
      topic: 'call-log-record',
      extensionIds,
      body: '{"id":"r"}',
    });
    assert.ok(deliver('/restapi/v1.0/account/~/extension/~/call-log', user, record(['2'])));
    assert.equal(deliver('/restapi/v1.0/account/~/extension/~/call-log', user, record(['1'])), null);
    assert.ok(deliver('/restapi/v1.0/account/~/call-log', admin, record([])));
    assert.equal(deliver('/restapi/v1.0/account/~/call-log', admin, record(['1'])), null);
    assert.equal(
      code(() => parseEventFilters(['/restapi/v1.0/account/~/call-log'], user)),
      'SUB-405',
    );
  });
});
