// OAuth token endpoint (password, JWT bearer and refresh grants), revocation, and access-token checks.
// Tokens are opaque random strings stored hashed; a refresh rotates the pair and kills the used one.

import { randomUUID } from 'node:crypto';
import {
  errors,
  GRANT_TYPES,
  oauthErrors,
  phoneDigits,
  RINGCENTRAL_TOKEN_CONFIG,
  type App,
  type Extension,
  type GrantType,
  type Role,
  type TokenConfig,
  type TokenForm,
} from '../domain/index.ts';
import { clientSecretMatches, type Store, type StoredToken } from '../store/index.ts';
import { AuthorizationCodes } from './authorization-codes.ts';
import { verifyJwtCredential } from './jwt-credential.ts';
import { LoginBackoff } from './login-backoff.ts';
import { hashToken, randomToken, verifyPassword } from './secrets.ts';

export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  scope: string;
  owner_id: string;
  endpoint_id: string;
  session_id: string;
}

/** Who is calling: the token owner and what the token allows. */
export interface AuthContext {
  accountId: string;
  extensionId: string;
  /** The token owner's extension, as read when the token was checked. */
  owner: Extension;
  role: Role;
  scope: string[];
  clientId: string;
}

export const JWT_SECRET_SETTING = 'jwt-secret';

/**
 * Called once the caller is authenticated, before anything is issued or revoked: counts the request (app and user)
 * in the Auth rate-limit group, and throws to refuse it.
 */
export type Admit = (clientId: string, extensionId: string | null) => Promise<void>;

const admitAll: Admit = async () => {};

/** Longest client id written back in an error: the value comes from the caller. */
const SHOWN_CLIENT_ID = 64;

export class TokenService {
  constructor(
    private readonly store: Store,
    private readonly config: TokenConfig = RINGCENTRAL_TOKEN_CONFIG,
    private readonly now: () => number = Date.now,
  ) {
    this.backoff = new LoginBackoff(store, now);
  }

  private readonly backoff: LoginBackoff;
  private secretInForce: Promise<string> | undefined;
  private codesInForce: AuthorizationCodes | undefined;

  /** The authorization code flow (authorization-codes.ts). */
  get codes(): AuthorizationCodes {
    this.codesInForce ??= new AuthorizationCodes(this.store, () => this.secret(), this.now);
    return this.codesInForce;
  }

  /**
   * The database's signing secret (created on first use, shared by every server on the database). Once set
   * it never changes, so it is read once per process.
   */
  secret(): Promise<string> {
    this.secretInForce ??= this.store.initSetting(JWT_SECRET_SETTING, randomToken(48)).catch((err) => {
      this.secretInForce = undefined;
      throw err;
    });
    return this.secretInForce;
  }

  /** Answers POST /restapi/oauth/token. Throws OAuthError. */
  async token(form: TokenForm, authorization: string | undefined, admit: Admit = admitAll): Promise<TokenResponse> {
    const app = await this.authenticateClient(form, authorization);
    const grant = form.grant_type;
    if (!grant) throw oauthErrors.invalidRequest('grant_type');
    if (!Object.values(GRANT_TYPES).includes(grant as GrantType)) throw oauthErrors.unsupportedGrant(grant);
    if (!app.grantTypes.includes(grant as GrantType)) throw oauthErrors.unauthorizedGrant();

    if (grant === GRANT_TYPES.refresh) return this.refresh(app, form, admit);
    if (grant === GRANT_TYPES.authorizationCode) {
      const { owner, scope } = await this.codes.redeem(app, form);
      await admit(app.clientId, owner.id);
      return this.issue(app, owner, scope, randomUUID(), form);
    }
    const owner = grant === GRANT_TYPES.password ? await this.passwordOwner(form) : await this.jwtOwner(form);
    await admit(app.clientId, owner.id);
    const scope = requestedScope(app, form.scope);
    return this.issue(app, owner, scope, randomUUID(), form);
  }

  /**
   * Answers POST /restapi/oauth/revoke (RFC 7009): the client authenticates as at the token endpoint; a token of
   * that client has its whole session killed; unknown tokens, and other clients' tokens, are ignored.
   */
  async revoke(form: TokenForm, authorization: string | undefined, admit: Admit = admitAll): Promise<void> {
    const app = await this.authenticateClient(form, authorization);
    const token = form.token;
    const found = token ? await this.store.getToken(hashToken(token)) : null;
    const own = found && found.clientId === app.clientId ? found : null;
    await admit(app.clientId, own?.extensionId ?? null);
    if (own) await this.store.revokeSession(own.sessionId);
  }

  /** Ends an access token before its time (fault injection); its refresh token keeps working. */
  async expireAccessToken(token: string): Promise<void> {
    await this.store.deleteToken(hashToken(token));
  }

  /** Checks the access token of an API request. Throws ApiError (401). */
  async authenticate(authorization: string | undefined, queryToken: string | undefined): Promise<AuthContext> {
    let token: string | undefined;
    if (authorization !== undefined && authorization !== '') {
      const match = /^(\S+)\s+(\S+)\s*$/.exec(authorization);
      if (!match) throw errors.authHeaderInvalid();
      if (match[1].toLowerCase() !== 'bearer') throw errors.authMethodNotSupported();
      token = match[2];
    } else if (queryToken) {
      token = queryToken;
    } else {
      throw errors.authHeaderMissing();
    }
    const found = await this.store.getTokenWithOwner(hashToken(token));
    if (!found || found.token.kind !== 'access') throw errors.tokenNotFound();
    const { token: stored, owner } = found;
    if (stored.expiresAt <= this.now()) throw errors.tokenExpired();
    if (!owner || owner.status === 'Disabled') throw errors.tokenNotFound();
    return {
      accountId: stored.accountId,
      extensionId: stored.extensionId,
      owner,
      role: owner.role,
      scope: stored.scope,
      clientId: stored.clientId,
    };
  }

  private async authenticateClient(form: TokenForm, authorization: string | undefined): Promise<App> {
    let clientId = form.client_id;
    let secret: string | undefined = form.client_secret;
    if (authorization) {
      const match = /^basic\s+(\S+)$/i.exec(authorization.trim());
      if (!match) throw oauthErrors.clientAuthRequired();
      const decoded = Buffer.from(match[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw oauthErrors.clientAuthRequired();
      clientId = decoded.slice(0, colon);
      secret = decoded.slice(colon + 1);
      if (form.client_id && form.client_id !== clientId) throw oauthErrors.invalidClientCredentials();
    }
    if (!clientId) throw oauthErrors.clientAuthRequired();
    if (clientId.includes('\u0000')) throw oauthErrors.invalidRequest('client_id');
    const app = await this.store.getApp(clientId);
    if (!app) throw oauthErrors.invalidClient(shortened(clientId));
    if (app.clientSecret !== '') {
      if (secret === undefined) throw oauthErrors.clientAuthRequired();
      if (!clientSecretMatches(secret, app.clientSecret)) {
        return this.backoff.clientFailed(app.clientId, oauthErrors.invalidClientCredentials());
      }
    }
    return app;
  }

  /** The user a login page's number, extension and password name (as the password grant checks them). */
  authenticateUser(username: string, extension: string, password: string): Promise<Extension> {
    return this.passwordOwner({ username, extension, password });
  }

  private async passwordOwner(form: TokenForm): Promise<Extension> {
    const { password } = form;
    if (!form.username) throw oauthErrors.invalidRequest('username');
    if (!password) throw oauthErrors.invalidRequest('password');
    // @ringcentral/sdk sends `number*extension`; others send `extension` separately.
    const [numberPart, starExtension] = form.username.split('*', 2);
    const extensionNumber = starExtension || form.extension || undefined;
    const digits = phoneDigits(numberPart);
    const owner = digits ? await this.findLoginExtension(digits, extensionNumber) : null;
    if (!owner || owner.status === 'Disabled') throw oauthErrors.invalidOwnerCredentials();
    await this.backoff.checkUser(owner.id);
    const hash = await this.store.getPasswordHash(owner.id);
    if (!hash || !(await verifyPassword(password, hash))) {
      await this.backoff.userFailed(owner.id);
      throw oauthErrors.invalidOwnerCredentials();
    }
    await this.backoff.userSucceeded(owner.id);
    return owner;
  }

  /** The extension a phone number (+ optional extension number) logs in as. */
  private async findLoginExtension(digits: string, extensionNumber: string | undefined): Promise<Extension | null> {
    const account = await this.store.findAccountByMainNumber(digits);
    if (account) {
      if (extensionNumber) return this.store.findExtensionByNumber(account.id, extensionNumber);
      // A company number without an extension logs in as the main (first) administrator.
      const extensions = await this.store.listExtensions(account.id);
      return extensions.find((e) => e.role === 'admin') ?? null;
    }
    const direct = await this.store.findExtensionByDirectNumber(digits);
    if (direct && extensionNumber && direct.extensionNumber !== extensionNumber) return null;
    return direct;
  }

  private async jwtOwner(form: TokenForm): Promise<Extension> {
    if (!form.assertion) throw oauthErrors.invalidRequest('assertion');
    const claims = await verifyJwtCredential(await this.secret(), form.assertion);
    if (!claims) throw oauthErrors.invalidAssertion();
    const credential = await this.store.getJwtCredential(claims.credentialId);
    if (!credential || credential.revoked || credential.extensionId !== claims.extensionId) {
      throw oauthErrors.invalidAssertion();
    }
    const owner = await this.store.getExtension(claims.extensionId);
    if (!owner || owner.accountId !== claims.accountId || owner.status === 'Disabled') {
      throw oauthErrors.invalidAssertion();
    }
    return owner;
  }

  private async refresh(app: App, form: TokenForm, admit: Admit): Promise<TokenResponse> {
    if (!form.refresh_token) throw oauthErrors.invalidRequest('refresh_token');
    const hash = hashToken(form.refresh_token);
    const peek = await this.store.getToken(hash);
    if (!peek || peek.kind !== 'refresh' || peek.clientId !== app.clientId) throw oauthErrors.refreshTokenInvalid();
    await admit(app.clientId, peek.extensionId);
    // Taking the token is atomic: of two concurrent refreshes (on any server) only one succeeds. A token used
    // before is a reuse (stolen, or replayed): the session that continued from it is revoked (OAuth BCP).
    const used = await this.store.security.takeRefreshToken(hash, this.now());
    if (used.outcome !== 'taken') throw oauthErrors.refreshTokenInvalid();
    if (used.expiresAt <= this.now()) {
      await this.store.revokeSession(used.sessionId);
      throw oauthErrors.refreshTokenExpired();
    }
    const owner = await this.store.getExtension(used.extensionId);
    if (!owner || owner.status === 'Disabled') throw oauthErrors.refreshTokenInvalid();
    return this.issue(app, owner, used.scope, used.sessionId, form, used.endpointId);
  }

  private async issue(
    app: App,
    owner: Extension,
    scope: string[],
    sessionId: string,
    form: TokenForm,
    endpointId = form.endpoint_id || randomToken(16),
  ): Promise<TokenResponse> {
    const now = this.now();
    const accessTtl = clampTtl(form.access_token_ttl, this.config.minAccessTtl, this.config.accessTtl);
    const refreshTtl = clampTtl(form.refresh_token_ttl, 1, this.config.refreshTtl);
    const access = randomToken();
    const base = {
      sessionId,
      clientId: app.clientId,
      accountId: owner.accountId,
      extensionId: owner.id,
      scope,
      issuedAt: now,
      endpointId,
    };
    const tokens: StoredToken[] = [
      { ...base, hash: hashToken(access), kind: 'access', expiresAt: now + accessTtl * 1000 },
    ];
    const response: TokenResponse = {
      access_token: access,
      token_type: 'bearer',
      expires_in: accessTtl,
      scope: scope.join(' '),
      owner_id: owner.id,
      endpoint_id: endpointId,
      session_id: sessionId,
    };
    if (app.issueRefreshTokens) {
      const refresh = randomToken();
      tokens.push({ ...base, hash: hashToken(refresh), kind: 'refresh', expiresAt: now + refreshTtl * 1000 });
      response.refresh_token = refresh;
      response.refresh_token_expires_in = refreshTtl;
    }
    await this.store.putTokens(tokens);
    return response;
  }
}

/** A caller's value cut to a length fit to write back in an error. */
function shortened(value: string): string {
  return value.length > SHOWN_CLIENT_ID ? `${value.slice(0, SHOWN_CLIENT_ID)}…` : value;
}

/** RingCentral's rule: below the minimum → the minimum; above the maximum or not a number → the default. */
export function clampTtl(requested: string | undefined, min: number, max: number): number {
  const n = requested === undefined || requested === '' ? NaN : Number(requested);
  if (!Number.isFinite(n) || n > max) return max;
  return Math.max(Math.floor(n), min);
}

/** The scope a token gets: the requested permissions the app has, or all of the app's. */
function requestedScope(app: App, scope: string | undefined): string[] {
  const requested = scope?.split(/[\s,]+/).filter(Boolean);
  if (!requested?.length) return app.permissions;
  const granted = requested.filter((p) => app.permissions.includes(p));
  return granted.length ? granted : app.permissions;
}
