// The authorization code flow with PKCE, driven by @ringcentral/sdk (loginUrl, login({ code })) against a running
// ringlog: the sign-in and consent pages, redirect URI checks, single-use codes, verifier checks, state, errors.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SDK } from '@ringcentral/sdk';
import { checkRedirectUri, registerThirdPartyApp } from '../src/auth/index.ts';
import { GRANT_TYPES } from '../src/domain/index.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { backends } from './support/backends.ts';

const REDIRECT = 'http://localhost:5000/oauth';
const CLIENT_ID = 'thirdPartyPublicApp01';

let sdkCount = 0;

function publicSdk(server: TestServer): SDK {
  sdkCount += 1;
  return new SDK({
    server: server.url,
    clientId: CLIENT_ID,
    redirectUri: REDIRECT,
    cachePrefix: `authorize-test-${sdkCount}-`,
  });
}

/** The hidden fields of the page's form, as a browser would post them back. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]] = m[2].replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  }
  return fields;
}

function post(server: TestServer, path: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
}

/** Signs in on the login page of `loginUrl` as the server's admin (or `who`); returns the page that follows. */
async function signInAt(server: TestServer, loginUrl: string, who: 'admin' | 'user' = 'admin', password?: string) {
  const page = await fetch(loginUrl, { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<form method="post" action="\/restapi\/oauth\/authorize\/login">/);
  const credential = server.credentials[who];
  return post(server, '/restapi/oauth/authorize/login', {
    ...hiddenFields(html),
    username: credential.username,
    extension: credential.extensionNumber,
    password: password ?? credential.password,
  });
}

/** Signs in and allows the app on the consent page; returns the redirect URL. */
async function authorize(
  server: TestServer,
  loginUrl: string,
  decision = 'allow',
  appName = 'Third-party test app',
): Promise<URL> {
  const consent = await signInAt(server, loginUrl);
  assert.equal(consent.status, 200);
  const html = await consent.text();
  assert.ok(html.includes(`Authorize ${appName}`), html);
  assert.match(html, /ReadCallLog/);
  const answer = await post(server, '/restapi/oauth/authorize/consent', { ...hiddenFields(html), decision });
  assert.equal(answer.status, 302);
  return new URL(answer.headers.get('location')!);
}

for (const backend of await backends()) {
  describe(`authorization code flow with PKCE (${backend})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ backend });
      await server.store.putApp({
        clientId: CLIENT_ID,
        clientSecret: '',
        name: 'Third-party test app',
        permissions: ['ReadAccounts', 'ReadCallLog'],
        grantTypes: [GRANT_TYPES.authorizationCode, GRANT_TYPES.refresh],
        issueRefreshTokens: true,
      });
      await server.tokens.codes.register({ clientId: CLIENT_ID, redirectUris: [REDIRECT], firstParty: false });
    });
    after(() => server.close());

    test("@ringcentral/sdk's loginUrl and login({ code }) sign in; the code works once", async () => {
      const sdk = publicSdk(server);
      const platform = sdk.platform();
      const loginUrl = platform.loginUrl({ usePKCE: true, state: 'st-42' });
      assert.match(loginUrl, /code_challenge_method=S256/);
      const back = await authorize(server, loginUrl);
      assert.equal(back.origin + back.pathname, REDIRECT);
      assert.equal(back.searchParams.get('state'), 'st-42');
      assert.equal(back.searchParams.get('expires_in'), '60');
      const code = back.searchParams.get('code')!;
      assert.ok(code);

      await platform.login({ code });
      const me = (await (await platform.get('/restapi/v1.0/account/~/extension/~')).json()) as { id: number };
      assert.equal(String(me.id), server.credentials.admin.extensionId);
      const token = await platform.auth().data();
      assert.equal(token.scope, 'ReadAccounts ReadCallLog');

      // The same code again: refused, OAuth-style, HTTP 400.
      const again = await post(server, '/restapi/oauth/token', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: platform.codeVerifier,
        client_id: CLIENT_ID,
      });
      assert.equal(again.status, 400);
      const body = (await again.json()) as { error: string; errors: { errorCode: string }[] };
      assert.equal(body.error, 'invalid_grant');

      // Sign-out revokes: the access token stops working.
      const accessToken = token.access_token!;
      await platform.logout();
      const after = await fetch(`${server.url}/restapi/v1.0/account/~/extension/~`, {
        headers: { Authorization: `Bearer ${accessToken}` },
      });
      assert.equal(after.status, 401);
    });

    test('a wrong or missing code_verifier is refused and uses up the code', async () => {
      const platform = publicSdk(server).platform();
      const back = await authorize(server, platform.loginUrl({ usePKCE: true }));
      const code = back.searchParams.get('code')!;
      const wrong = await post(server, '/restapi/oauth/token', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: 'x'.repeat(43),
        client_id: CLIENT_ID,
      });
      assert.equal(wrong.status, 400);
      assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_grant');
      await assert.rejects(platform.login({ code }), /invalid|expired/i);
    });

    test('the redirect_uri of the token request must be the one the code was issued for', async () => {
      const platform = publicSdk(server).platform();
      const back = await authorize(server, platform.loginUrl({ usePKCE: true }));
      const response = await post(server, '/restapi/oauth/token', {
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        redirect_uri: 'http://localhost:5000/other',
        code_verifier: platform.codeVerifier,
        client_id: CLIENT_ID,
      });
      assert.equal(response.status, 400);
      const body = (await response.json()) as { errors: { errorCode: string }[] };
      assert.equal(body.errors[0].errorCode, 'OAU-109');
    });

    test('an unregistered redirect_uri or unknown client gets an error page and no redirect', async () => {
      const query = (extra: Record<string, string>) =>
        new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, code_challenge: 'a'.repeat(43), ...extra });
      const bad = await fetch(
        `${server.url}/restapi/oauth/authorize?${query({ redirect_uri: 'https://evil.example/cb' })}`,
        {
          headers: { Accept: 'text/html' },
          redirect: 'manual',
        },
      );
      assert.equal(bad.status, 400);
      assert.equal(bad.headers.get('location'), null);
      assert.match(await bad.text(), /Redirect URIs do not match/);
      const unknown = await fetch(
        `${server.url}/restapi/oauth/authorize?${query({ client_id: 'nope', redirect_uri: REDIRECT })}`,
        {
          redirect: 'manual',
        },
      );
      assert.equal(unknown.status, 400);
      assert.equal(((await unknown.json()) as { error: string }).error, 'invalid_client');
    });

    test('errors after the redirect URI is trusted go back to the app with state', async () => {
      const noPkce = await fetch(
        `${server.url}/restapi/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT, state: 's1' })}`,
        { redirect: 'manual' },
      );
      assert.equal(noPkce.status, 302);
      const location = new URL(noPkce.headers.get('location')!);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.equal(location.searchParams.get('state'), 's1');

      const implicit = await fetch(
        `${server.url}/restapi/oauth/authorize?${new URLSearchParams({ response_type: 'token', client_id: CLIENT_ID, redirect_uri: REDIRECT })}`,
        { redirect: 'manual' },
      );
      assert.equal(new URL(implicit.headers.get('location')!).searchParams.get('error'), 'unsupported_response_type');

      const denied = await authorize(
        server,
        publicSdk(server).platform().loginUrl({ usePKCE: true, state: 's2' }),
        'deny',
      );
      assert.equal(denied.searchParams.get('error'), 'access_denied');
      assert.equal(denied.searchParams.get('state'), 's2');
      assert.equal(denied.searchParams.get('code'), null);
    });

    test('a wrong password shows the sign-in page again with a message and issues nothing', async () => {
      const loginUrl = publicSdk(server).platform().loginUrl({ usePKCE: true });
      const response = await signInAt(server, loginUrl, 'admin', 'wrong-password');
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('location'), null);
      assert.match(await response.text(), /role="alert"[^>]*>Wrong phone number, extension or password/);
    });

    test('a forged consent ticket is refused', async () => {
      const response = await post(server, '/restapi/oauth/authorize/consent', {
        ticket: 'e30.forged',
        decision: 'allow',
      });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null);
    });

    test("an app registered with `ringlog app`'s redirect URIs signs in with @ringcentral/sdk; others are refused", async () => {
      const crm = await registerThirdPartyApp(server.store, server.tokens, {
        name: 'Acme CRM',
        redirectUris: ['https://crm.example.com/oauth/callback', 'http://localhost:7000/rc/callback'],
      });
      assert.ok(crm.clientSecret, 'a confidential app has a secret');
      const sdk = new SDK({
        server: server.url,
        clientId: crm.clientId,
        clientSecret: crm.clientSecret,
        redirectUri: 'http://localhost:7000/rc/callback',
        cachePrefix: `authorize-test-crm-`,
      });
      const platform = sdk.platform();
      const loginUrl = platform.loginUrl({ usePKCE: true, state: 'crm-1' });
      const back = await authorize(server, loginUrl, 'allow', 'Acme CRM');
      assert.equal(back.origin + back.pathname, 'http://localhost:7000/rc/callback');
      assert.equal(back.searchParams.get('state'), 'crm-1');
      await platform.login({ code: back.searchParams.get('code')!, code_verifier: platform.codeVerifier });
      const me = (await (await platform.get('/restapi/v1.0/account/~/extension/~')).json()) as { id: number };
      assert.equal(String(me.id), server.credentials.admin.extensionId);

      // A redirect URI the app did not register: RingCentral's OAuth error, and no redirect anywhere.
      const stray = platform.loginUrl({ usePKCE: true, redirectUri: 'https://crm.example.com/other' });
      const refused = await fetch(stray, { redirect: 'manual' });
      assert.equal(refused.status, 400);
      assert.equal(refused.headers.get('location'), null);
      const body = (await refused.json()) as { error: string; errors: { errorCode: string; message: string }[] };
      assert.equal(body.error, 'invalid_grant');
      assert.equal(body.errors[0].errorCode, 'OAU-109');
      assert.equal(body.errors[0].message, 'Redirect URIs do not match');

      // Registering the name again keeps the app and replaces its redirect URIs: the old one is refused now.
      const again = await registerThirdPartyApp(server.store, server.tokens, {
        name: 'Acme CRM',
        redirectUris: ['https://crm.example.com/oauth/callback'],
      });
      assert.equal(again.clientId, crm.clientId);
      assert.equal(again.clientSecret, crm.clientSecret);
      const old = await fetch(platform.loginUrl({ usePKCE: true }), { redirect: 'manual' });
      assert.equal(old.status, 400);
      await old.arrayBuffer();
    });

    test('a public app registered with its redirect URI signs in with PKCE and no secret', async () => {
      const spa = await registerThirdPartyApp(server.store, server.tokens, {
        name: 'Wallboard SPA',
        redirectUris: ['http://127.0.0.1:9000/'],
        public: true,
      });
      assert.equal(spa.clientSecret, '');
      const platform = new SDK({
        server: server.url,
        clientId: spa.clientId,
        redirectUri: 'http://127.0.0.1:9000/',
        cachePrefix: 'authorize-test-spa-',
      }).platform();
      const back = await authorize(server, platform.loginUrl({ usePKCE: true }), 'allow', 'Wallboard SPA');
      await platform.login({ code: back.searchParams.get('code')!, code_verifier: platform.codeVerifier });
      assert.ok((await platform.auth().data()).access_token);
      // Without PKCE a public app is turned back to its redirect URI with the error.
      const noPkce = await fetch(platform.loginUrl({ state: 'np' }), { redirect: 'manual' });
      assert.equal(noPkce.status, 302);
      assert.equal(new URL(noPkce.headers.get('location')!).searchParams.get('error'), 'invalid_request');
    });

    test('a redirect URI that is not an absolute URI, has a fragment or runs script cannot be registered', async () => {
      for (const bad of ['/relative', 'javascript:alert(1)', 'https://crm.example.com/cb#x', 'data:text/html,x']) {
        assert.throws(() => checkRedirectUri(bad), /redirect URI/, bad);
        await assert.rejects(
          registerThirdPartyApp(server.store, server.tokens, { name: 'Bad', redirectUris: [bad] }),
          /redirect URI/,
        );
      }
      assert.equal(checkRedirectUri('com.example.app:/oauth2redirect'), 'com.example.app:/oauth2redirect');
      await assert.rejects(
        registerThirdPartyApp(server.store, server.tokens, { name: 'None', redirectUris: [] }),
        /at least one redirect URI/,
      );
    });

    test('the web app signs in as a first-party public client without a consent screen', async () => {
      const page = await fetch(`${server.url}/`);
      const clientId = /name="ringlog-client-id" content="([^"]+)"/.exec(await page.text())?.[1];
      assert.ok(clientId, 'the page names its client id');
      const verifier = 'v'.repeat(50);
      const { s256 } = await import('../src/auth/authorization-codes.ts');
      const loginUrl = `${server.url}/restapi/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: `${server.url}/callback`,
        code_challenge: s256(verifier),
        code_challenge_method: 'S256',
        state: 'w',
      })}`;
      const answer = await signInAt(server, loginUrl, 'user');
      assert.equal(answer.status, 302);
      const back = new URL(answer.headers.get('location')!);
      assert.equal(back.pathname, '/callback');
      const token = await post(server, '/restapi/oauth/token', {
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        redirect_uri: `${server.url}/callback`,
        code_verifier: verifier,
        client_id: clientId,
      });
      assert.equal(token.status, 200);
      const body = (await token.json()) as { owner_id: string; refresh_token: string };
      assert.equal(body.owner_id, server.credentials.user.extensionId);
      assert.ok(body.refresh_token);
    });
  });
}
