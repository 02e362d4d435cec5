// Tests of the error handler: an unexpected failure answers RingCentral's 500 envelope and is logged on stderr
// even without --log (and without the query, which may hold a token).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RINGCENTRAL_TOKEN_CONFIG, TokenService } from '../auth/index.ts';
import { createDiskBlobStore, defaultBlobDir, openStore } from '../store/index.ts';
import { createApp } from './app.ts';

test('an unexpected 500 is logged on stderr without --log, and answered with the envelope', async () => {
  const store = await openStore(':memory:');
  store.getTokenWithOwner = () => Promise.reject(new Error('disk on fire'));
  const ctx = {
    store,
    tokens: new TokenService(store, RINGCENTRAL_TOKEN_CONFIG),
    blobs: createDiskBlobStore(defaultBlobDir(':memory:')),
    http: {},
    rateLimits: {},
    now: Date.now,
  };
  const app = await createApp(ctx, { logger: false });
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array) => written.push(String(chunk)) > 0;
  try {
    const response = await app.inject({
      method: 'GET',
      url: '/restapi/v1.0/account/~/call-log?access_token=secret-token',
    });
    assert.equal(response.statusCode, 500);
    assert.equal((JSON.parse(response.body) as { errorCode: string }).errorCode, 'CMN-203');
  } finally {
    process.stderr.write = write;
    await app.close();
    await store.close();
  }
  const log = written.join('');
  assert.match(log, /GET \/restapi\/v1\.0\/account\/~\/call-log failed \(500\): Error: disk on fire/);
  assert.doesNotMatch(log, /secret-token/);
});
