// Token requests as a second client makes them: straight to the token endpoint with the test app's Basic auth.

import assert from 'node:assert/strict';

interface TokenTarget {
  url: string;
  credentials: { clientId: string; clientSecret: string };
}

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** POSTs `form` to /restapi/oauth/token with Basic client auth (the server's demo app unless `client` is given). */
export function tokenRequest(
  server: TokenTarget,
  form: Record<string, string>,
  client: { clientId: string; clientSecret: string } = server.credentials,
): Promise<Response> {
  return fetch(`${server.url}/restapi/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form),
  });
}

/** An access token for the JWT credential; fails the test unless the login succeeds. */
export async function jwtAccessToken(
  server: TokenTarget,
  jwt: string,
  client: { clientId: string; clientSecret: string } = server.credentials,
): Promise<string> {
  const response = await tokenRequest(server, { grant_type: JWT_GRANT, assertion: jwt }, client);
  const body = (await response.json()) as { access_token: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.access_token;
}
