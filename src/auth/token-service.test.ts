// Tests for the OAuth token service over a real (in-memory SQLite) store: password, JWT and refresh grants,
// client authentication, rotation and revocation, TTL clamping, and access-token checks on API requests.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, GRANT_TYPES, OAuthError, type App, type Extension } from '../domain/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { signJwtCredential } from './jwt-credential.ts';
import { hashPassword } from './secrets.ts';
import { clampTtl, TokenService, type TokenResponse } from './token-service.ts';

const ACCOUNT_ID = '400151109008';
const MAIN_NUMBER = '+16505550000';
const ADMIN_PASSWORD = 'Admin-Pa55word';
const USER_PASSWORD = 'User-Pa55word';

function extension(overrides: Partial<Extension> & Pick<Extension, 'id' | 'extensionNumber'>): Extension {
  return {
    accountId: ACCOUNT_ID,
    name: `Extension ${overrides.extensionNumber}`,
    type: 'User',
    status: 'Enabled',
    role: 'user',
    phoneNumbers: [],
    ...overrides,
  };
}

const admin = extension({ id: '400151111008', extensionNumber: '101', role: 'admin', phoneNumbers: ['+16505550101'] });
const user = extension({ id: '400151112008', extensionNumber: '102', phoneNumbers: ['+16505550102'] });
const disabled = extension({
  id: '400151113008',
  extensionNumber: '103',
  status: 'Disabled',
  phoneNumbers: ['+16505550103'],
});

function app(overrides: Partial<App> & Pick<App, 'clientId'>): App {
  return {
    clientSecret: '',
    name: `App ${overrides.clientId}`,
    permissions: ['ReadCallLog', 'ReadCallRecording'],
    grantTypes: [GRANT_TYPES.password, GRANT_TYPES.jwt, GRANT_TYPES.refresh],
    issueRefreshTokens: true,
    ...overrides,
  };
}

/** A confidential app (has a secret): authenticates with Basic. */
const confidential = app({ clientId: 'confidentialClientId', clientSecret: 'confidential-secret' });
/** A public app (no secret): sends client_id in the body. */
const publicApp = app({ clientId: 'publicClientId' });
/** An app allowed only the JWT grant, issuing no refresh tokens. */
const jwtOnly = app({
  clientId: 'jwtOnlyClientId',
  clientSecret: 'jwt-only-secret',
  grantTypes: [GRANT_TYPES.jwt],
  issueRefreshTokens: false,
});

function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

const confidentialAuth = basic(confidential.clientId, confidential.clientSecret);

let store: Store;
let service: TokenService;
let userJwt: string;
let revokedJwt: string;

before(async () => {
  store = await openStore(':memory:');
  service = new TokenService(store);
  await store.putAccount({ id: ACCOUNT_ID, name: 'Test Co', mainNumber: MAIN_NUMBER, createdAt: Date.UTC(2024, 0, 1) });
  await store.putExtensions([admin, user, disabled]);
  await store.setPasswordHash(admin.id, await hashPassword(ADMIN_PASSWORD));
  const userHash = await hashPassword(USER_PASSWORD);
  await store.setPasswordHash(user.id, userHash);
  await store.setPasswordHash(disabled.id, userHash);
  for (const a of [confidential, publicApp, jwtOnly]) await store.putApp(a);

  const secret = await service.secret();
  const issuedAt = Math.floor(Date.UTC(2024, 0, 1) / 1000);
  await store.putJwtCredential({
    id: 'cred-user',
    accountId: ACCOUNT_ID,
    extensionId: user.id,
    createdAt: Date.UTC(2024, 0, 1),
    revoked: false,
  });
  await store.putJwtCredential({
    id: 'cred-revoked',
    accountId: ACCOUNT_ID,
    extensionId: user.id,
    createdAt: Date.UTC(2024, 0, 1),
    revoked: true,
  });
  userJwt = await signJwtCredential(
    secret,
    { credentialId: 'cred-user', accountId: ACCOUNT_ID, extensionId: user.id },
    issuedAt,
  );
  revokedJwt = await signJwtCredential(
    secret,
    { credentialId: 'cred-revoked', accountId: ACCOUNT_ID, extensionId: user.id },
    issuedAt,
  );
});

after(async () => {
  await store.close();
});

/** Asserts that `promise` fails with an OAuthError of this `error` (and errorCode, when given), HTTP 400. */
async function rejectsOAuth(promise: Promise<unknown>, error: string, errorCode?: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof OAuthError, `expected an OAuthError, got ${String(err)}`);
    assert.equal(err.error, error);
    assert.equal(err.status, 400);
    if (errorCode) assert.equal(err.errorCode, errorCode);
    assert.equal(err.body().error, error);
    return true;
  });
}

/** Asserts that `promise` fails with an ApiError 401 carrying this detail errorCode. */
async function rejects401(promise: Promise<unknown>, errorCode?: string, topCode?: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.status, 401);
    if (errorCode) assert.equal(err.detail.errorCode, errorCode);
    if (topCode) assert.equal(err.topCode, topCode);
    return true;
  });
}

function passwordLogin(form: Record<string, string> = {}, svc = service): Promise<TokenResponse> {
  return svc.token(
    { grant_type: 'password', username: `${MAIN_NUMBER}*${user.extensionNumber}`, password: USER_PASSWORD, ...form },
    confidentialAuth,
  );
}

function refresh(refreshToken: string, form: Record<string, string> = {}, svc = service): Promise<TokenResponse> {
  return svc.token({ grant_type: 'refresh_token', refresh_token: refreshToken, ...form }, confidentialAuth);
}

const bearer = (token: string) => `Bearer ${token}`;

// ---- password grant ----

test('password grant with username <main number>*<extension> logs in as that extension', async () => {
  const t = await service.token(
    { grant_type: 'password', username: `${MAIN_NUMBER}*101`, password: ADMIN_PASSWORD },
    confidentialAuth,
  );
  assert.equal(t.owner_id, admin.id);
  const ctx = await service.authenticate(bearer(t.access_token), undefined);
  assert.equal(ctx.extensionId, admin.id);
  assert.equal(ctx.accountId, ACCOUNT_ID);
  assert.equal(ctx.role, 'admin');
});

test('password grant accepts the main number without + and with the extension field', async () => {
  const t = await service.token(
    { grant_type: 'password', username: MAIN_NUMBER.slice(1), extension: '102', password: USER_PASSWORD },
    confidentialAuth,
  );
  assert.equal(t.owner_id, user.id);
  assert.equal((await service.authenticate(bearer(t.access_token), undefined)).role, 'user');
});

test('password grant with the main number alone logs in as the main administrator', async () => {
  const t = await service.token(
    { grant_type: 'password', username: MAIN_NUMBER, password: ADMIN_PASSWORD },
    confidentialAuth,
  );
  assert.equal(t.owner_id, admin.id);
});

test("password grant with a user's direct number logs in as that user", async () => {
  const t = await service.token(
    { grant_type: 'password', username: user.phoneNumbers[0], password: USER_PASSWORD },
    confidentialAuth,
  );
  assert.equal(t.owner_id, user.id);
});

test("a direct number with another extension's number is refused", async () => {
  await rejectsOAuth(
    service.token(
      { grant_type: 'password', username: user.phoneNumbers[0], extension: '101', password: USER_PASSWORD },
      confidentialAuth,
    ),
    'invalid_grant',
    'OAU-140',
  );
});

test('a wrong password is refused with invalid_grant OAU-140', async () => {
  await rejectsOAuth(passwordLogin({ password: 'not-it' }), 'invalid_grant', 'OAU-140');
  // The admin's password does not open the user's extension.
  await rejectsOAuth(passwordLogin({ password: ADMIN_PASSWORD }), 'invalid_grant', 'OAU-140');
});

test('an unknown number or extension is refused like a wrong password', async () => {
  await rejectsOAuth(passwordLogin({ username: '+19995550000*101' }), 'invalid_grant', 'OAU-140');
  await rejectsOAuth(passwordLogin({ username: `${MAIN_NUMBER}*999` }), 'invalid_grant', 'OAU-140');
});

test('a disabled extension cannot log in', async () => {
  await rejectsOAuth(passwordLogin({ username: `${MAIN_NUMBER}*103` }), 'invalid_grant', 'OAU-140');
});

test('a missing username or password is an invalid_request', async () => {
  await rejectsOAuth(
    service.token({ grant_type: 'password', password: USER_PASSWORD }, confidentialAuth),
    'invalid_request',
  );
  await rejectsOAuth(
    service.token({ grant_type: 'password', username: `${MAIN_NUMBER}*102` }, confidentialAuth),
    'invalid_request',
  );
});

// ---- JWT grant ----

test('JWT bearer grant logs in as the credential owner', async () => {
  const t = await service.token({ grant_type: GRANT_TYPES.jwt, assertion: userJwt }, confidentialAuth);
  assert.equal(t.owner_id, user.id);
  const ctx = await service.authenticate(bearer(t.access_token), undefined);
  assert.equal(ctx.extensionId, user.id);
});

test('a tampered JWT is refused', async () => {
  const [header, payload, signature] = userJwt.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: admin.id })).toString('base64url');
  await rejectsOAuth(
    service.token({ grant_type: GRANT_TYPES.jwt, assertion: `${header}.${forged}.${signature}` }, confidentialAuth),
    'invalid_grant',
    'OAU-144',
  );
});

test('a JWT signed with another secret is refused', async () => {
  const foreign = await signJwtCredential(
    'some-other-secret',
    { credentialId: 'cred-user', accountId: ACCOUNT_ID, extensionId: user.id },
    1704067200,
  );
  await rejectsOAuth(
    service.token({ grant_type: GRANT_TYPES.jwt, assertion: foreign }, confidentialAuth),
    'invalid_grant',
    'OAU-144',
  );
});

test('a JWT of a revoked credential is refused', async () => {
  await rejectsOAuth(
    service.token({ grant_type: GRANT_TYPES.jwt, assertion: revokedJwt }, confidentialAuth),
    'invalid_grant',
    'OAU-144',
  );
});

test('garbage or a missing assertion is refused', async () => {
  await rejectsOAuth(
    service.token({ grant_type: GRANT_TYPES.jwt, assertion: 'not.a.jwt' }, confidentialAuth),
    'invalid_grant',
  );
  await rejectsOAuth(service.token({ grant_type: GRANT_TYPES.jwt }, confidentialAuth), 'invalid_request');
});

// ---- client authentication and grants ----

test('a public app authenticates with client_id in the body', async () => {
  const t = await service.token(
    { grant_type: 'password', username: `${MAIN_NUMBER}*102`, password: USER_PASSWORD, client_id: publicApp.clientId },
    undefined,
  );
  assert.equal(t.owner_id, user.id);
});

test('Basic auth together with the same client_id in the body is accepted (as @rc-ex/core sends it)', async () => {
  const t = await passwordLogin({ client_id: confidential.clientId });
  assert.equal(t.owner_id, user.id);
});

test('Basic auth with a different client_id in the body is refused', async () => {
  await rejectsOAuth(passwordLogin({ client_id: publicApp.clientId }), 'invalid_client');
});

test('an app with a secret cannot authenticate with client_id in the body alone', async () => {
  await rejectsOAuth(
    service.token(
      {
        grant_type: 'password',
        username: `${MAIN_NUMBER}*102`,
        password: USER_PASSWORD,
        client_id: confidential.clientId,
      },
      undefined,
    ),
    'invalid_client',
  );
});

test('a wrong client secret is refused with invalid_client', async () => {
  await rejectsOAuth(
    service.token(
      { grant_type: 'password', username: `${MAIN_NUMBER}*102`, password: USER_PASSWORD },
      basic(confidential.clientId, 'wrong-secret'),
    ),
    'invalid_client',
    'OAU-146',
  );
});

test('an unknown client or no client at all is refused with invalid_client', async () => {
  await rejectsOAuth(
    service.token({ grant_type: 'password', username: MAIN_NUMBER, password: ADMIN_PASSWORD }, basic('nobody', 'x')),
    'invalid_client',
    'OAU-153',
  );
  await rejectsOAuth(
    service.token({ grant_type: 'password', username: MAIN_NUMBER, password: ADMIN_PASSWORD }, undefined),
    'invalid_client',
    'OAU-123',
  );
  await rejectsOAuth(
    service.token({ grant_type: 'password', username: MAIN_NUMBER, password: ADMIN_PASSWORD }, 'Basic %%%'),
    'invalid_client',
  );
});

test('a grant the app is not allowed is refused with unauthorized_client', async () => {
  await rejectsOAuth(
    service.token(
      { grant_type: 'password', username: `${MAIN_NUMBER}*102`, password: USER_PASSWORD },
      basic(jwtOnly.clientId, jwtOnly.clientSecret),
    ),
    'unauthorized_client',
    'OAU-251',
  );
});

test('an unknown grant type is refused with unsupported_grant_type', async () => {
  await rejectsOAuth(service.token({ grant_type: 'client_credentials' }, confidentialAuth), 'unsupported_grant_type');
  await rejectsOAuth(service.token({ grant_type: 'made_up' }, confidentialAuth), 'unsupported_grant_type', 'OAU-250');
});

test('a missing grant type is an invalid_request', async () => {
  await rejectsOAuth(service.token({}, confidentialAuth), 'invalid_request');
});

// ---- the token response ----

test('the token response carries RingCentral TokenInfo fields', async () => {
  const t = await passwordLogin({ endpoint_id: 'my-endpoint' });
  assert.equal(typeof t.access_token, 'string');
  assert.ok(t.access_token.length >= 20);
  assert.equal(t.token_type, 'bearer');
  assert.equal(t.expires_in, 3600);
  assert.equal(typeof t.refresh_token, 'string');
  assert.notEqual(t.refresh_token, t.access_token);
  assert.equal(t.refresh_token_expires_in, 604800);
  assert.equal(t.scope, 'ReadCallLog ReadCallRecording');
  assert.equal(t.owner_id, user.id);
  assert.equal(t.endpoint_id, 'my-endpoint');
  assert.equal(typeof t.session_id, 'string');
});

test('an endpoint_id is generated when none is sent, and kept across refreshes', async () => {
  const t = await passwordLogin();
  assert.ok(t.endpoint_id.length > 0);
  const next = await refresh(t.refresh_token!);
  assert.equal(next.endpoint_id, t.endpoint_id);
  assert.equal(next.session_id, t.session_id);
});

test('each login gets fresh tokens', async () => {
  const a = await passwordLogin();
  const b = await passwordLogin();
  assert.notEqual(a.access_token, b.access_token);
  assert.notEqual(a.refresh_token, b.refresh_token);
});

test('a requested scope narrows the token to the permissions the app has', async () => {
  const t = await passwordLogin({ scope: 'ReadCallLog' });
  assert.equal(t.scope, 'ReadCallLog');
  assert.deepEqual((await service.authenticate(bearer(t.access_token), undefined)).scope, ['ReadCallLog']);
  const all = await passwordLogin({ scope: 'EditExtensions' });
  assert.equal(all.scope, 'ReadCallLog ReadCallRecording');
});

test('an app that issues no refresh tokens gets no refresh_token field', async () => {
  const t = await service.token(
    { grant_type: GRANT_TYPES.jwt, assertion: userJwt },
    basic(jwtOnly.clientId, jwtOnly.clientSecret),
  );
  assert.equal('refresh_token' in t, false);
  assert.equal('refresh_token_expires_in' in t, false);
  assert.equal((await service.authenticate(bearer(t.access_token), undefined)).extensionId, user.id);
});

// ---- TTLs ----

test('clampTtl: below the minimum gives the minimum; above the maximum or not a number gives the default', () => {
  assert.equal(clampTtl('100', 600, 3600), 600);
  assert.equal(clampTtl('-5', 600, 3600), 600);
  assert.equal(clampTtl('600', 600, 3600), 600);
  assert.equal(clampTtl('1800', 600, 3600), 1800);
  assert.equal(clampTtl('3600', 600, 3600), 3600);
  assert.equal(clampTtl('3601', 600, 3600), 3600);
  assert.equal(clampTtl('99999', 600, 3600), 3600);
  assert.equal(clampTtl('abc', 600, 3600), 3600);
  assert.equal(clampTtl('NaN', 600, 3600), 3600);
  assert.equal(clampTtl('', 600, 3600), 3600);
  assert.equal(clampTtl(undefined, 600, 3600), 3600);
  assert.equal(clampTtl('900.7', 600, 3600), 900);
});

test('access_token_ttl is clamped in the issued expires_in', async () => {
  assert.equal((await passwordLogin({ access_token_ttl: '100' })).expires_in, 600);
  assert.equal((await passwordLogin({ access_token_ttl: '1800' })).expires_in, 1800);
  assert.equal((await passwordLogin({ access_token_ttl: '7200' })).expires_in, 3600);
  assert.equal((await passwordLogin({ access_token_ttl: 'abc' })).expires_in, 3600);
});

test('refresh_token_ttl above the maximum gives the default', async () => {
  assert.equal((await passwordLogin({ refresh_token_ttl: '9999999' })).refresh_token_expires_in, 604800);
  assert.equal((await passwordLogin({ refresh_token_ttl: '86400' })).refresh_token_expires_in, 86400);
});

test('the access token lives as long as expires_in says', async () => {
  let clock = Date.UTC(2024, 5, 1, 12);
  const svc = new TokenService(store, undefined, () => clock);
  const t = await passwordLogin({ access_token_ttl: '1800' }, svc);
  clock += 1800 * 1000 - 1;
  assert.equal((await svc.authenticate(bearer(t.access_token), undefined)).extensionId, user.id);
  clock += 1;
  await rejects401(svc.authenticate(bearer(t.access_token), undefined), 'OAU-128', 'TokenInvalid');
});

// ---- refresh ----

test('refresh rotates the pair: the new tokens work, the old ones do not', async () => {
  const first = await passwordLogin();
  const second = await refresh(first.refresh_token!);
  assert.notEqual(second.access_token, first.access_token);
  assert.notEqual(second.refresh_token, first.refresh_token);
  assert.equal(second.owner_id, user.id);
  assert.equal(second.scope, first.scope);

  assert.equal((await service.authenticate(bearer(second.access_token), undefined)).extensionId, user.id);
  await rejects401(service.authenticate(bearer(first.access_token), undefined));

  const third = await refresh(second.refresh_token!);
  assert.equal((await service.authenticate(bearer(third.access_token), undefined)).extensionId, user.id);
});

// Fails before 0005-hardening: the reuse was refused but the session that continued from it stayed alive.
test('reusing a rotated refresh token revokes the whole family (the session that continued from it)', async () => {
  const first = await passwordLogin();
  const second = await refresh(first.refresh_token!);
  const third = await refresh(second.refresh_token!);
  const other = await passwordLogin();
  await rejectsOAuth(refresh(first.refresh_token!), 'invalid_grant', 'OAU-211');
  await rejects401(service.authenticate(bearer(third.access_token), undefined), 'OAU-213');
  await rejectsOAuth(refresh(third.refresh_token!), 'invalid_grant');
  // Another session of the same user is not part of the family.
  assert.equal((await service.authenticate(bearer(other.access_token), undefined)).extensionId, user.id);
});

test('a refresh keeps the scope of the session', async () => {
  const t = await passwordLogin({ scope: 'ReadCallLog' });
  const next = await refresh(t.refresh_token!);
  assert.equal(next.scope, 'ReadCallLog');
});

test('concurrent refreshes with the same token: exactly one succeeds', async () => {
  const t = await passwordLogin();
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => refresh(t.refresh_token!)));
  const ok = results.filter((r) => r.status === 'fulfilled');
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.equal(ok.length, 1);
  for (const f of failed) {
    assert.ok(f.reason instanceof OAuthError);
    assert.equal(f.reason.error, 'invalid_grant');
  }
});

test('an unknown refresh token, or an access token sent as one, is refused with invalid_grant', async () => {
  await rejectsOAuth(refresh('no-such-token'), 'invalid_grant');
  const t = await passwordLogin();
  await rejectsOAuth(refresh(t.access_token), 'invalid_grant');
  // The failed attempt did not spend the real refresh token.
  assert.ok((await refresh(t.refresh_token!)).access_token);
});

test("another app cannot use an app's refresh token", async () => {
  const t = await passwordLogin();
  await rejectsOAuth(
    service.token(
      { grant_type: 'refresh_token', refresh_token: t.refresh_token!, client_id: publicApp.clientId },
      undefined,
    ),
    'invalid_grant',
  );
  assert.ok((await refresh(t.refresh_token!)).access_token);
});

test('a missing refresh_token is an invalid_request', async () => {
  await rejectsOAuth(service.token({ grant_type: 'refresh_token' }, confidentialAuth), 'invalid_request');
});

test('an expired refresh token is refused with OAU-210', async () => {
  let clock = Date.UTC(2024, 5, 1, 12);
  const svc = new TokenService(store, undefined, () => clock);
  const t = await passwordLogin({ refresh_token_ttl: '3600' }, svc);
  clock += 3600 * 1000;
  await rejectsOAuth(refresh(t.refresh_token!, {}, svc), 'invalid_grant', 'OAU-210');
});

// ---- revoke ----

test('revoking the access token kills the access and refresh tokens of the session', async () => {
  const t = await passwordLogin();
  await service.revoke({ token: t.access_token }, confidentialAuth);
  await rejects401(service.authenticate(bearer(t.access_token), undefined), 'OAU-213');
  await rejectsOAuth(refresh(t.refresh_token!), 'invalid_grant');
});

test('revoking the refresh token kills the access token too', async () => {
  const t = await passwordLogin();
  await service.revoke({ token: t.refresh_token! }, confidentialAuth);
  await rejects401(service.authenticate(bearer(t.access_token), undefined), 'OAU-213');
  await rejectsOAuth(refresh(t.refresh_token!), 'invalid_grant');
});

test("revoking one session leaves the user's other sessions alive", async () => {
  const a = await passwordLogin();
  const b = await passwordLogin();
  await service.revoke({ token: a.access_token }, confidentialAuth);
  assert.equal((await service.authenticate(bearer(b.access_token), undefined)).extensionId, user.id);
});

test('revoking an unknown or missing token is not an error', async () => {
  await service.revoke({ token: 'no-such-token' }, confidentialAuth);
  await service.revoke({}, confidentialAuth);
  await service.revoke({ token: '' }, confidentialAuth);
});

// ---- authenticate ----

test('authenticate returns who is calling and what the token allows', async () => {
  const t = await service.token(
    { grant_type: 'password', username: `${MAIN_NUMBER}*101`, password: ADMIN_PASSWORD },
    confidentialAuth,
  );
  assert.deepEqual(await service.authenticate(bearer(t.access_token), undefined), {
    accountId: ACCOUNT_ID,
    extensionId: admin.id,
    owner: admin,
    role: 'admin',
    scope: ['ReadCallLog', 'ReadCallRecording'],
    clientId: confidential.clientId,
  });
});

test('a missing Authorization header is 401 AGW-401', async () => {
  await rejects401(service.authenticate(undefined, undefined), 'AGW-401');
  await rejects401(service.authenticate('', undefined), 'AGW-401');
  await rejects401(service.authenticate(undefined, ''), 'AGW-401');
});

test('a 401 carries the WWW-Authenticate header', async () => {
  await assert.rejects(service.authenticate(undefined, undefined), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.headers['WWW-Authenticate'], 'Bearer realm="RingCentral REST API"');
    return true;
  });
});

test('a Basic Authorization header on an API call is 401', async () => {
  await rejects401(service.authenticate(confidentialAuth, undefined));
  await rejects401(service.authenticate('Basic xxx', undefined));
});

test('a malformed Authorization header is 401 AGW-402', async () => {
  await rejects401(service.authenticate('garbage', undefined), 'AGW-402');
  await rejects401(service.authenticate('Bearer', undefined), 'AGW-402');
  await rejects401(service.authenticate('Bearer two tokens', undefined), 'AGW-402');
});

test('an unknown token is 401 OAU-213 with top-level TokenInvalid', async () => {
  await assert.rejects(service.authenticate('Bearer not-a-real-token', undefined), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 401);
    assert.equal(err.detail.errorCode, 'OAU-213');
    assert.equal(err.body().errorCode, 'TokenInvalid');
    return true;
  });
});

test('a refresh token is not accepted as an access token', async () => {
  const t = await passwordLogin();
  await rejects401(service.authenticate(bearer(t.refresh_token!), undefined), 'OAU-213');
});

test('an expired access token is 401 OAU-128', async () => {
  let clock = Date.UTC(2024, 5, 1, 12);
  const svc = new TokenService(store, undefined, () => clock);
  const t = await passwordLogin({}, svc);
  clock += 3600 * 1000;
  await rejects401(svc.authenticate(bearer(t.access_token), undefined), 'OAU-128', 'TokenInvalid');
});

test('the bearer scheme is case-insensitive (@ringcentral/sdk sends lowercase)', async () => {
  const t = await passwordLogin();
  assert.equal((await service.authenticate(`bearer ${t.access_token}`, undefined)).extensionId, user.id);
  assert.equal((await service.authenticate(`BEARER ${t.access_token}`, undefined)).extensionId, user.id);
});

test('the access token may come as ?access_token=', async () => {
  const t = await passwordLogin();
  assert.equal((await service.authenticate(undefined, t.access_token)).extensionId, user.id);
  assert.equal((await service.authenticate('', t.access_token)).extensionId, user.id);
});

test('a token stops working when its extension is disabled', async () => {
  const temp = extension({ id: '400151114008', extensionNumber: '104' });
  await store.putExtensions([temp]);
  await store.setPasswordHash(temp.id, await hashPassword(USER_PASSWORD));
  const t = await passwordLogin({ username: `${MAIN_NUMBER}*104` });
  assert.equal((await service.authenticate(bearer(t.access_token), undefined)).extensionId, temp.id);
  await store.putExtensions([{ ...temp, status: 'Disabled' }]);
  await rejects401(service.authenticate(bearer(t.access_token), undefined));
  await rejectsOAuth(refresh(t.refresh_token!), 'invalid_grant');
});

// ---- failed authentication (0005-hardening) ----

/** Asserts that `promise` fails with 429 CMN-301 and returns its Retry-After. */
async function rejects429(promise: Promise<unknown>): Promise<number> {
  let retryAfter = 0;
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.status, 429);
    assert.equal(err.detail.errorCode, 'CMN-301');
    retryAfter = Number(err.headers['Retry-After']);
    return true;
  });
  return retryAfter;
}

// Fails before 0005-hardening: 50 wrong passwords in a row, then the right one logged in.
test('password guessing: after 5 wrong passwords the user must wait, even with the right password', async () => {
  let clock = Date.UTC(2024, 6, 1, 12);
  const svc = new TokenService(store, undefined, () => clock);
  const adminLogin = (password: string) =>
    svc.token({ grant_type: 'password', username: `${MAIN_NUMBER}*101`, password }, confidentialAuth);
  for (let i = 0; i < 5; i++) await rejectsOAuth(adminLogin(`guess-${i}`), 'invalid_grant', 'OAU-140');
  await rejectsOAuth(adminLogin('guess-5'), 'invalid_grant', 'OAU-140');
  const wait = await rejects429(adminLogin(ADMIN_PASSWORD));
  assert.ok(wait >= 1);
  for (let i = 0; i < 50; i++) await rejects429(adminLogin(`guess-more-${i}`));
  await rejects429(adminLogin(ADMIN_PASSWORD));
  // Another user is not affected.
  assert.ok((await passwordLogin({}, svc)).access_token);
  clock += wait * 1000;
  assert.ok((await adminLogin(ADMIN_PASSWORD)).access_token, 'the right password works once the wait is over');
  // Success forgets the failures: five more are free again.
  for (let i = 0; i < 5; i++) await rejectsOAuth(adminLogin(`again-${i}`), 'invalid_grant', 'OAU-140');
  assert.ok((await adminLogin(ADMIN_PASSWORD)).access_token);
});

test('each further failure doubles the wait, up to the cap', async () => {
  let clock = Date.UTC(2024, 6, 2, 12);
  const svc = new TokenService(store, undefined, () => clock);
  const adminLogin = (password: string) =>
    svc.token({ grant_type: 'password', username: `${MAIN_NUMBER}*101`, password }, confidentialAuth);
  for (let i = 0; i < 6; i++) await assert.rejects(adminLogin('wrong'));
  const waits: number[] = [];
  for (let i = 0; i < 4; i++) {
    const wait = await rejects429(adminLogin('wrong'));
    waits.push(wait);
    clock += wait * 1000;
    await rejectsOAuth(adminLogin('wrong'), 'invalid_grant');
  }
  assert.deepEqual(waits, [1, 2, 4, 8]);
  clock += 3600_000;
  assert.ok((await adminLogin(ADMIN_PASSWORD)).access_token);
});

// Fails before 0005-hardening: there was no count of wrong client secrets at all (and, with rate limits on, they
// spent the app's Auth quota: see test/hardening-auth.test.ts).
test('wrong client secrets are slowed down, but the right secret is never refused for them', async () => {
  let clock = Date.UTC(2024, 6, 3, 12);
  const svc = new TokenService(store, undefined, () => clock);
  const guarded = app({ clientId: 'guardedClientId', clientSecret: 'guarded-secret' });
  await store.putApp(guarded);
  const login = (secret: string) =>
    svc.token(
      { grant_type: 'password', username: `${MAIN_NUMBER}*102`, password: USER_PASSWORD },
      basic(guarded.clientId, secret),
    );
  for (let i = 0; i < 5; i++) await rejectsOAuth(login(`wrong-${i}`), 'invalid_client', 'OAU-146');
  await rejects429(login('wrong-5'));
  await rejects429(login('wrong-6'));
  assert.ok((await login(guarded.clientSecret)).access_token);
  clock += 3600_000;
  await rejectsOAuth(login('wrong-7'), 'invalid_client', 'OAU-146');
});

test('client secrets are stored hashed', async () => {
  const stored = await store.getApp(confidential.clientId);
  assert.ok(stored);
  assert.notEqual(stored.clientSecret, confidential.clientSecret);
  assert.ok(!stored.clientSecret.includes(confidential.clientSecret));
  assert.match(stored.clientSecret, /^sha256\$[0-9a-f]{64}$/);
});

test('an unknown client id is written back cut short', async () => {
  await assert.rejects(
    service.token({ grant_type: 'password', client_id: 'x'.repeat(100_000) }, undefined),
    (err: unknown) => {
      assert.ok(err instanceof OAuthError);
      assert.ok(JSON.stringify(err.body()).length < 1000);
      return true;
    },
  );
});

// Fails before 0005-hardening: revoke needed no client authentication.
test('revoke requires client authentication, and ignores tokens of other clients', async () => {
  const t = await passwordLogin();
  await rejectsOAuth(service.revoke({ token: t.access_token }, undefined), 'invalid_client', 'OAU-123');
  await rejectsOAuth(
    service.revoke({ token: t.access_token }, basic(confidential.clientId, 'wrong')),
    'invalid_client',
    'OAU-146',
  );
  await service.revoke({ token: t.access_token, client_id: publicApp.clientId }, undefined);
  assert.equal((await service.authenticate(bearer(t.access_token), undefined)).extensionId, user.id);
  await service.revoke({ token: t.access_token }, confidentialAuth);
  await rejects401(service.authenticate(bearer(t.access_token), undefined), 'OAU-213');
});
