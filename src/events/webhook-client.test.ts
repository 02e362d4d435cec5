// The WebHook client's connect-time address check: the lookup its sockets use refuses names that resolve to
// loopback or private ranges, whatever an earlier lookup for the subscription's check said.

import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { test } from 'node:test';
import { publicOnlyLookup } from './webhook-client.ts';

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
