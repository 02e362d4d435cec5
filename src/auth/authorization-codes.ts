// The authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636) as RingCentral runs it: checks of an authorize
// request, consent tickets, single-use codes, and their redemption at the token endpoint.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { GRANT_TYPES, OAuthError, oauthErrors, type App, type Extension, type TokenForm } from '../domain/index.ts';
import { AuthorizationStore, type AppAuthorization, type Store } from '../store/index.ts';
import { hashToken, randomToken } from './secrets.ts';

/** Seconds an authorization code lives (RingCentral's redirect says `expires_in=60`). */
export const CODE_TTL_SECONDS = 60;
/** Seconds a consent screen stays valid after the login. */
const CONSENT_TTL_SECONDS = 600;
const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

/** The parameters of GET/POST /restapi/oauth/authorize that ringlog acts on (others are accepted and ignored). */
export type AuthorizeParams = {
  response_type?: string;
  client_id?: string;
  redirect_uri?: string;
  state?: string;
  scope?: string;
  prompt?: string;
  login_hint?: string;
  code_challenge?: string;
  code_challenge_method?: string;
};

export const AUTHORIZE_PARAM_NAMES = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'scope',
  'prompt',
  'login_hint',
  'code_challenge',
  'code_challenge_method',
] as const;

/**
 * A failed authorize request. Without `redirectUri` the client or its redirect URI is in doubt, so the user sees an
 * error page (HTTP 400) and is not sent anywhere; with it, the error goes back to the app as `?error=...&state=...`.
 */
export class AuthorizeError extends Error {
  constructor(
    readonly error: OAuthError,
    readonly redirectUri?: string,
    readonly state?: string,
  ) {
    super(error.description);
  }
}

/** An authorize request that passed every check: who asks, where the answer goes, and what the code will carry. */
export interface CheckedAuthorization {
  app: App;
  settings: AppAuthorization;
  redirectUri: string;
  state?: string;
  scope: string[];
  codeChallenge: string | null;
  codeChallengeMethod: 'plain' | 'S256' | null;
  loginHint?: string;
}

/** What a consent ticket proves: this user logged in for this request. */
export interface ConsentClaims {
  clientId: string;
  extensionId: string;
  redirectUri: string;
  state?: string;
  scope: string[];
  codeChallenge: string | null;
  codeChallengeMethod: 'plain' | 'S256' | null;
  expiresAt: number;
}

export const authorizeErrors = {
  redirectMismatch: () => new OAuthError('invalid_grant', 'OAU-109', 'Redirect URIs do not match'),
  noRedirectRegistered: () =>
    new OAuthError('invalid_client', 'OAU-113', 'No redirect uri is registered for the client'),
  unsupportedResponseType: (type: string) =>
    new OAuthError('unsupported_response_type', 'OAU-118', `Unsupported response type: ${type}`),
  pkceRequired: () =>
    new OAuthError(
      'invalid_request',
      'OAU-101',
      'Parameter [code_challenge] is required for a client without secret',
      400,
      [{ parameterName: 'code_challenge' }],
    ),
  loginRequired: () => new OAuthError('login_required', 'OAU-120', 'User login is required'),
  accessDenied: () => new OAuthError('access_denied', 'OAU-121', 'The user denied access to the application'),
  consentExpired: () => new OAuthError('invalid_request', 'OAU-122', 'The consent request is invalid or expired'),
  codeInvalid: () => new OAuthError('invalid_grant', 'OAU-213', 'Authorization code is invalid or expired'),
  verifierInvalid: () => new OAuthError('invalid_grant', 'OAU-214', 'Code verifier does not match the code challenge'),
};

/** The scope a grant gets: the requested permissions the app has, or all of the app's. */
export function grantedScope(app: App, scope: string | undefined): string[] {
  const requested = scope?.split(/[\s,]+/).filter(Boolean);
  if (!requested?.length) return app.permissions;
  const granted = requested.filter((p) => app.permissions.includes(p));
  return granted.length ? granted : app.permissions;
}

/** PKCE S256: base64url(SHA-256(verifier)). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class AuthorizationCodes {
  private readonly db: AuthorizationStore;

  constructor(
    private readonly store: Store,
    private readonly secret: () => Promise<string>,
    private readonly now: () => number = Date.now,
  ) {
    this.db = new AuthorizationStore(store);
  }

  /** Registers how an app uses the flow (redirect URIs, first-party). */
  register(settings: AppAuthorization): Promise<void> {
    return this.db.putAppAuthorization(settings);
  }

  /**
   * Checks an authorize request. `origin` is the server's own base URL, against which registered redirect URIs
   * that are paths (`/callback`) are matched. Throws AuthorizeError.
   */
  async check(params: AuthorizeParams, origin: string): Promise<CheckedAuthorization> {
    const clientId = params.client_id;
    if (!clientId) throw new AuthorizeError(oauthErrors.invalidRequest('client_id'));
    const app = await this.store.getApp(clientId);
    if (!app) throw new AuthorizeError(oauthErrors.invalidClient(clientId));
    const settings = await this.db.getAppAuthorization(clientId);
    const registered = (settings?.redirectUris ?? []).map((uri) => (uri.startsWith('/') ? `${origin}${uri}` : uri));
    if (!settings || registered.length === 0) throw new AuthorizeError(authorizeErrors.noRedirectRegistered());
    let redirectUri = params.redirect_uri;
    if (!redirectUri) {
      if (registered.length !== 1) throw new AuthorizeError(oauthErrors.invalidRequest('redirect_uri'));
      redirectUri = registered[0];
    } else if (!registered.includes(redirectUri)) {
      throw new AuthorizeError(authorizeErrors.redirectMismatch());
    }

    // From here on the app is known and the redirect URI is its own: errors go back to the app.
    const fail = (error: OAuthError) => new AuthorizeError(error, redirectUri, params.state);
    const responseType = params.response_type ?? '';
    if (responseType !== 'code') {
      throw fail(
        responseType
          ? authorizeErrors.unsupportedResponseType(responseType)
          : oauthErrors.invalidRequest('response_type'),
      );
    }
    if (!app.grantTypes.includes(GRANT_TYPES.authorizationCode)) throw fail(oauthErrors.unauthorizedGrant());
    let codeChallenge: string | null = null;
    let codeChallengeMethod: 'plain' | 'S256' | null = null;
    if (params.code_challenge) {
      const method = params.code_challenge_method || 'plain';
      if (method !== 'plain' && method !== 'S256') throw fail(oauthErrors.invalidRequest('code_challenge_method'));
      if (!PKCE_VALUE.test(params.code_challenge)) throw fail(oauthErrors.invalidRequest('code_challenge'));
      codeChallenge = params.code_challenge;
      codeChallengeMethod = method;
    } else if (app.clientSecret === '') {
      throw fail(authorizeErrors.pkceRequired());
    }
    // ringlog keeps no login session of its own, so "no interaction" can never be honoured.
    if ((params.prompt ?? '').split(/\s+/).includes('none')) throw fail(authorizeErrors.loginRequired());
    return {
      app,
      settings,
      redirectUri,
      state: params.state,
      scope: grantedScope(app, params.scope),
      codeChallenge,
      codeChallengeMethod,
      loginHint: params.login_hint,
    };
  }

  /** Issues a single-use code for the user; returns the redirect URL carrying it. */
  async issue(request: CheckedAuthorization | ConsentClaims, owner: Extension): Promise<string> {
    const code = randomToken(24);
    const clientId = 'app' in request ? request.app.clientId : request.clientId;
    await this.db.putCode({
      hash: hashToken(code),
      clientId,
      accountId: owner.accountId,
      extensionId: owner.id,
      redirectUri: request.redirectUri,
      scope: request.scope,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      expiresAt: this.now() + CODE_TTL_SECONDS * 1000,
    });
    return redirectWith(request.redirectUri, { code, state: request.state, expires_in: String(CODE_TTL_SECONDS) });
  }

  /** A signed, short-lived ticket the consent page posts back: proof that this user logged in for this request. */
  async consentTicket(request: CheckedAuthorization, owner: Extension): Promise<string> {
    const claims: ConsentClaims = {
      clientId: request.app.clientId,
      extensionId: owner.id,
      redirectUri: request.redirectUri,
      state: request.state,
      scope: request.scope,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      expiresAt: this.now() + CONSENT_TTL_SECONDS * 1000,
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${await this.sign(body)}`;
  }

  /** The claims of a consent ticket, or null if it is forged or expired. */
  async readConsentTicket(ticket: string | undefined): Promise<ConsentClaims | null> {
    const [body, signature] = (ticket ?? '').split('.');
    if (!body || !signature || !equalText(signature, await this.sign(body))) return null;
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ConsentClaims;
    return claims.expiresAt > this.now() ? claims : null;
  }

  /**
   * The authorization_code grant: takes the code (it is gone whatever happens next), then checks client, expiry,
   * redirect URI and PKCE verifier. Returns the user and scope to issue tokens for. Throws OAuthError.
   */
  async redeem(app: App, form: TokenForm): Promise<{ owner: Extension; scope: string[] }> {
    if (!form.code) throw oauthErrors.invalidRequest('code');
    const code = await this.db.takeCode(hashToken(form.code));
    if (!code || code.clientId !== app.clientId || code.expiresAt <= this.now()) throw authorizeErrors.codeInvalid();
    if (form.redirect_uri !== undefined && form.redirect_uri !== code.redirectUri) {
      throw authorizeErrors.redirectMismatch();
    }
    if (code.codeChallenge !== null) {
      const verifier = form.code_verifier;
      if (!verifier || !PKCE_VALUE.test(verifier)) throw authorizeErrors.verifierInvalid();
      const expected = code.codeChallengeMethod === 'S256' ? s256(verifier) : verifier;
      if (!equalText(expected, code.codeChallenge)) throw authorizeErrors.verifierInvalid();
    }
    const owner = await this.store.getExtension(code.extensionId);
    if (!owner || owner.accountId !== code.accountId || owner.status === 'Disabled')
      throw authorizeErrors.codeInvalid();
    return { owner, scope: code.scope };
  }

  deleteExpiredCodes(): Promise<number> {
    return this.db.deleteExpiredCodes(this.now());
  }

  private async sign(body: string): Promise<string> {
    return createHmac('sha256', await this.secret())
      .update(`consent:${body}`)
      .digest('base64url');
  }
}

/** The redirect URI with these query parameters added (undefined ones left out). */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}
