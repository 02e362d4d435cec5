// Third-party apps that sign users in through the authorization code flow (/restapi/oauth/authorize), registered
// by name with their redirect URIs (`ringlog app`). Client id and secret derive from the database's secret and the
// name, so registering the same name again gives the same app with the new redirect URIs.

import { GRANT_TYPES } from '../domain/index.ts';
import type { Store } from '../store/index.ts';
import { DEMO_APP_PERMISSIONS } from './demo-credentials.ts';
import { derive } from './secrets.ts';
import type { TokenService } from './token-service.ts';

export interface ThirdPartyApp {
  name: string;
  clientId: string;
  /** Empty for a public app (a browser or mobile app without a secret: PKCE is then required). */
  clientSecret: string;
  redirectUris: string[];
}

/** Schemes a redirect URI may never use: they would run or read something in the user's browser. */
const UNSAFE_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:']);

/**
 * A redirect URI as it is stored and compared (exactly, as RingCentral does): an absolute URI without a fragment,
 * http(s) or an app's private-use scheme (`com.example.app:/oauth`, RFC 8252). Throws an Error saying what is wrong.
 */
export function checkRedirectUri(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error(`redirect URI "${uri}" is not an absolute URI (e.g. https://crm.example.com/oauth/callback)`);
  }
  if (UNSAFE_SCHEMES.has(url.protocol)) throw new Error(`redirect URI "${uri}" may not use ${url.protocol}`);
  if (uri.includes('#')) throw new Error(`redirect URI "${uri}" may not have a fragment (#...)`);
  if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname)
    throw new Error(`redirect URI "${uri}" has no host`);
  return uri;
}

/** Creates or updates the third-party app called `name` with these redirect URIs; returns its credentials. */
export async function registerThirdPartyApp(
  store: Store,
  tokens: TokenService,
  options: { name: string; redirectUris: string[]; public?: boolean },
): Promise<ThirdPartyApp> {
  const name = options.name.trim();
  if (!name) throw new Error('the app needs a name (shown to users on the consent page)');
  if (options.redirectUris.length === 0) throw new Error('the app needs at least one redirect URI');
  const redirectUris = [...new Set(options.redirectUris.map(checkRedirectUri))];
  const secret = await tokens.secret();
  const clientId = derive(secret, `app-client-id:${name}`, 22);
  const clientSecret = options.public ? '' : derive(secret, `app-client-secret:${name}`, 40);
  await store.putApp({
    clientId,
    clientSecret,
    name,
    permissions: DEMO_APP_PERMISSIONS,
    grantTypes: [GRANT_TYPES.authorizationCode, GRANT_TYPES.refresh],
    issueRefreshTokens: true,
  });
  await tokens.codes.register({ clientId, redirectUris, firstParty: false });
  return { name, clientId, clientSecret, redirectUris };
}
