import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, subscriptionsStore, type Store, type SubscriptionsStore } from '../store/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/backends.ts';
import { sessionEvent } from '../../test/support/telephony-events.ts';
import { SubscriptionService } from './subscription-service.ts';
import type { WebhookClient } from './webhook-client.ts';
import { DEFAULT_DISPATCHER, WebhookDispatcher } from './webhook-dispatcher.ts';

const owner = {
  accountId: '37439510',
  extensionId: '1001',
  role: 'admin',
  scope: ['CallControl'],
  clientId: 'c',
} as const;

/** A receiver that holds every POST until the test answers it. */
function heldClient() {
  const held: ((failure: string | null) => void)[] = [];
  const client = {
    checkAddress: (address: string) => Promise.resolve(new URL(address)),
    handshake: () => Promise.resolve(),
    deliver: () => new Promise<string | null>((resolve) => held.push(resolve)),
  } as unknown as WebhookClient;
  return { client, held };
}

let database: TestDatabase;
let store: Store;
let subscriptions: SubscriptionsStore;

before(async () => {
  database = await createTestDatabase('sqlite');
  store = await openStore(database.location);
  subscriptions = subscriptionsStore(store);
});

after(async () => {
  await store.close();
  await database.drop();
});

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('a lane behind refills its limit in flight as answers come, without waiting for a pass', async () => {
  const { client, held } = heldClient();
  const service = new SubscriptionService(subscriptions, client, Date.now);
  await service.create(owner, {
    eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
    deliveryMode: { transportType: 'WebHook', address: 'http://127.0.0.1:9/hook' },
  });
  const events = Array.from({ length: 10 }, (_, i) =>
    sessionEvent(owner.accountId, i + 1, [
      { extensionId: owner.extensionId, direction: 'Outbound', status: 'Answered' },
    ]),
  );
  await store.eventLog.append(events);
  const errors: unknown[] = [];
  const dispatcher = new WebhookDispatcher(
    subscriptions,
    client,
    { ...DEFAULT_DISPATCHER, perSubscription: 4 },
    () => 'http://127.0.0.1',
    Date.now,
    (err) => errors.push(err),
  );
  await dispatcher.pass();
  assert.equal(held.length, 4, 'the first pass fills the limit in flight');
  // The first answer: the cursor moves, and a pass comes to write it (it may refill the lane too).
  held[0](null);
  for (let i = 0; i < 400 && held.length < 5; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(held.length, 5);
  // Each later answer gives the lane room for one more, and the events are read already: with no pass asked for (no
  // commit, no wake-up, the cursor written a moment ago), the answer alone must start the next POST, in the same
  // few turns of the event loop, not when the next pass happens to come.
  for (let n = 1; n < 5; n++) {
    held[n](null);
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(held.length, 5 + n, `answer ${n} starts the next POST at once`);
  }
  for (const answer of held.slice(5, 9)) answer(null);
  for (let i = 0; i < 400 && held.length < 10; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(held.length, 10, 'every event is posted once');
  held[9](null);
  await dispatcher.stop();
  assert.deepEqual(errors, []);
  const [cursor] = await subscriptions.webhookCursors(Date.now());
  assert.equal(Number(cursor.cursor), await store.eventLog.lastId(), 'the cursor is past every event taken');
});
