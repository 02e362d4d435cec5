// The WebHook client's connect-time address check: the lookup its sockets use refuses names that resolve to
// loopback or private ranges, whatever an earlier lookup for the subscription's check said.

import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { test } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_WEBHOOK_CLIENT, WebhookClient, publicOnlyLookup } from './webhook-client.ts';

function look(host: string, all: boolean): Promise<{ err: NodeJS.ErrnoException | null; found: unknown }> {
  return new Promise((resolve) =>
    publicOnlyLookup(host, { all }, (err: NodeJS.ErrnoException | null, found: string | LookupAddress[]) =>
      resolve({ err, found }),
    ),
  );
}

test('sockets to receivers cannot connect to a name that resolves to loopback', async () => {
  for (const all of [false, true]) {
    const { err } = await look('localhost', all);
    assert.equal(err?.code, 'EREFUSEDRANGE');
  }
});

test('a lookup failure is passed on as it is', async () => {
  const { err } = await look('no-such-host.invalid', false);
  assert.ok(err);
  assert.notEqual(err.code, 'EREFUSEDRANGE');
});

test('the handshake connects through the same pinned lookup: a name that resolves to loopback is not reached', async () => {
  let reached = 0;
  const receiver = createServer((req, res) => {
    reached++;
    res.setHeader('Validation-Token', String(req.headers['validation-token']));
    res.end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  try {
    const pinned = new WebhookClient({ ...DEFAULT_WEBHOOK_CLIENT, allowPrivate: false });
    await assert.rejects(pinned.handshake(new URL(`http://localhost:${port}/hook`)), { topCode: 'SUB-521' });
    assert.equal(reached, 0);
    const open = new WebhookClient({ ...DEFAULT_WEBHOOK_CLIENT, allowPrivate: true });
    await open.handshake(new URL(`http://localhost:${port}/hook`));
    assert.equal(reached, 1);
  } finally {
    receiver.close();
  }
});
