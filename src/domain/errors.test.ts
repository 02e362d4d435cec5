// Tests of the error catalogue's classes: named errors, options instead of positional arguments, causes kept.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, errors, OAuthError, oauthErrors } from './errors.ts';

test('ApiError takes its parts by name and keeps the cause', () => {
  const cause = new Error('store down');
  const err = new ApiError({
    status: 503,
    detail: { errorCode: 'CMN-201', message: 'Service Temporary Unavailable' },
    headers: { 'Retry-After': '5' },
    cause,
  });
  assert.equal(err.name, 'ApiError');
  assert.equal(err.cause, cause);
  assert.equal(err.topCode, 'CMN-201');
  assert.deepEqual(err.headers, { 'Retry-After': '5' });
  assert.deepEqual(err.body(), {
    errorCode: 'CMN-201',
    message: 'Service Temporary Unavailable',
    errors: [{ errorCode: 'CMN-201', message: 'Service Temporary Unavailable' }],
  });
  assert.match(String(errors.routeNotFound()), /^ApiError: Resource not found$/);
  assert.deepEqual(errors.routeNotFound().body().errors, []);
  assert.equal(errors.appPermission('ReadCallLog').topCode, 'InsufficientPermissions');
});

test('OAuthError is named', () => {
  const err = oauthErrors.refreshTokenExpired();
  assert.ok(err instanceof OAuthError);
  assert.equal(err.name, 'OAuthError');
});
