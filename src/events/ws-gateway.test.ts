// The WebSocket gateway reads the event log only while a socket is open: with none, live ingest's events (thousands a
// second) are not read for nobody. Delivery to open sockets, recovery included: test/notifications/websocket.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SubscriptionsStore } from '../store/index.ts';
import type { SubscriptionService } from './subscription-service.ts';
import { WsGateway } from './ws-gateway.ts';

test('without an open socket the gateway does not read the event log', async () => {
  const reads: string[] = [];
  const store = {
    lastEventId: () => {
      reads.push('lastEventId');
      return Promise.resolve(10);
    },
    eventsAfter: () => {
      reads.push('eventsAfter');
      return Promise.resolve([]);
    },
  } as unknown as SubscriptionsStore;
  const errors: unknown[] = [];
  const options = {
    recoveryTimeout: 60,
    recoveryBufferSize: 100,
    idleTimeout: 60,
    absoluteTimeout: 600,
    pingIntervalMs: 30_000,
    tokenTtl: 60,
  };
  const gateway = new WsGateway(
    store,
    {} as SubscriptionService,
    options,
    () => 'http://localhost',
    () => Date.now(),
    (err) => errors.push(err),
  );
  for (let i = 0; i < 5; i++) {
    gateway.poke();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await gateway.close();
  assert.deepEqual(reads, []);
  assert.deepEqual(errors, []);
  assert.equal(gateway.connections, 0);
});
