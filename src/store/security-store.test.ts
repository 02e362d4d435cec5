// The security store on both backends: failure counters, refresh-token families, and the purge of spent rows.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LOGIN_BACKOFF } from '../domain/index.ts';
import { backends, suiteStore } from '../../test/support/backends.ts';
import type { Store, StoredToken } from './index.ts';

const RULE = { requests: 2, windowSec: 60, penaltySec: 60 };

for (const backend of await backends()) {
  describe(`security store (${backend})`, () => {
    let store: Store;
    suiteStore(backend, (opened) => {
      store = opened;
    });

    // Fails on de17a40: rate_limits rows were never deleted.
    test('purgeExpired removes spent rate-limit windows and forgotten failures, and keeps live ones', async () => {
      const now = Date.UTC(2026, 0, 1);
      await store.countRateLimited('Heavy:old', RULE, now - 3600_000);
      await store.countRateLimited('Heavy:live', RULE, now - 10_000);
      for (let i = 0; i < 3; i++) await store.countRateLimited('Heavy:penalised', RULE, now - 90_000 + i);
      await store.countRateLimited('Heavy:penalised', RULE, now - 30_000);
      await store.security.addAuthFailure('user:old', LOGIN_BACKOFF, now - 86_400_000);
      await store.security.addAuthFailure('user:recent', LOGIN_BACKOFF, now - 1000);
      const purged = await store.security.purgeExpired(now, [RULE], LOGIN_BACKOFF);
      assert.equal(purged, 2);
      assert.equal((await store.countRateLimited('Heavy:live', RULE, now)).remaining, 0);
      assert.equal((await store.countRateLimited('Heavy:penalised', RULE, now)).allowed, false);
      assert.equal(await store.security.authFailures('user:old'), null);
      assert.equal((await store.security.authFailures('user:recent'))?.failures, 1);
    });

    test('a refresh token is taken once; taking it again revokes its session', async () => {
      const base = {
        sessionId: 'family-1',
        clientId: 'app',
        accountId: '1',
        extensionId: '2',
        scope: ['ReadCallLog'],
        issuedAt: 1,
        expiresAt: Date.UTC(2100, 0, 1),
        endpointId: 'e',
      };
      const tokens: StoredToken[] = [
        { ...base, hash: 'f-access-1', kind: 'access' },
        { ...base, hash: 'f-refresh-1', kind: 'refresh' },
      ];
      await store.putTokens(tokens);
      const first = await store.security.takeRefreshToken('f-refresh-1', 5);
      assert.equal(first.outcome, 'taken');
      assert.equal(await store.getToken('f-access-1'), null, 'the access token issued with it ends');
      await store.putTokens([
        { ...base, hash: 'f-access-2', kind: 'access' },
        { ...base, hash: 'f-refresh-2', kind: 'refresh' },
      ]);
      assert.equal((await store.security.takeRefreshToken('f-refresh-1', 6)).outcome, 'reused');
      assert.equal(await store.getToken('f-access-2'), null);
      assert.equal(await store.getToken('f-refresh-2'), null);
      assert.equal((await store.security.takeRefreshToken('nope', 7)).outcome, 'missing');
    });

    test('concurrent takes of one refresh token: one is taken, the others are reuses', async () => {
      await store.putTokens([
        {
          hash: 'c-refresh',
          kind: 'refresh',
          sessionId: 'family-2',
          clientId: 'app',
          accountId: '1',
          extensionId: '2',
          scope: [],
          issuedAt: 1,
          expiresAt: Date.UTC(2100, 0, 1),
          endpointId: 'e',
        },
      ]);
      const outcomes = await Promise.all([1, 2, 3, 4].map((n) => store.security.takeRefreshToken('c-refresh', n)));
      assert.equal(outcomes.filter((o) => o.outcome === 'taken').length, 1);
    });
  });
}
