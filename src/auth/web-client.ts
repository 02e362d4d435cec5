// The web app's OAuth client: a first-party public app (no secret, PKCE) that signs users in through
// /restapi/oauth/authorize like any third-party app would, redirecting back to the server's own /callback.

import { GRANT_TYPES } from '../domain/index.ts';
import type { Store } from '../store/index.ts';
import { DEMO_APP_PERMISSIONS } from './demo-credentials.ts';
import { derive } from './secrets.ts';
import type { TokenService } from './token-service.ts';

/** The web app's redirect URI: a path, matched on the server's own origin. */
export const WEB_CLIENT_REDIRECT_PATH = '/callback';

/** What the web app reads: the call log, recordings, active calls and the Business Analytics reports. */
const WEB_CLIENT_PERMISSIONS = [...new Set([...DEMO_APP_PERMISSIONS, 'Analytics'])];

/** Makes sure the web app's client exists; returns its client id (stable per database). */
export async function ensureWebClient(store: Store, tokens: TokenService): Promise<string> {
  const clientId = derive(await tokens.secret(), 'web-client-id', 22);
  await store.putApp({
    clientId,
    clientSecret: '',
    name: 'ringlog web',
    permissions: WEB_CLIENT_PERMISSIONS,
    grantTypes: [GRANT_TYPES.authorizationCode, GRANT_TYPES.refresh],
    issueRefreshTokens: true,
  });
  await tokens.codes.register({ clientId, redirectUris: [WEB_CLIENT_REDIRECT_PATH], firstParty: true });
  return clientId;
}
