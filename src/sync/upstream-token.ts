// The upstream access token: JWT login, refresh shortly before expiry, and the token kept in the local store so
// the next run (or a restart after kill -9) goes on with the same OAuth session instead of logging in again.

import type { Register } from './state-register.ts';

/** What the token endpoint answers (RingCentral's TokenInfo, the fields used here). */
export interface TokenResponse {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  owner_id?: string;
}

export interface UpstreamToken {
  accessToken: string;
  /** Epoch ms at which to refresh: about 60 s before the access token expires. */
  refreshAt: number;
  accessExpiresAt: number;
  refreshToken: string | null;
  refreshExpiresAt: number;
  ownerId: string | null;
}

/** Raised by the token endpoint exchange: `status` is the HTTP status of the refusal. */
export class TokenRefused extends Error {
  override readonly name = 'TokenRefused';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type TokenRequest = (form: Record<string, string>) => Promise<TokenResponse>;

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Refresh this long before expiry: 60 s as the official SDK does, less for short-lived test tokens. */
export const refreshLead = (expiresInSec: number) => Math.min(60_000, expiresInSec * 250);

export function tokenFrom(response: TokenResponse, now: number): UpstreamToken {
  const expiresIn = Number(response.expires_in) || 3600;
  return {
    accessToken: response.access_token,
    accessExpiresAt: now + expiresIn * 1000,
    refreshAt: now + expiresIn * 1000 - refreshLead(expiresIn),
    refreshToken: response.refresh_token ?? null,
    refreshExpiresAt: response.refresh_token ? now + (Number(response.refresh_token_expires_in) || 0) * 1000 : 0,
    ownerId: response.owner_id === undefined ? null : String(response.owner_id),
  };
}

export class TokenKeeper {
  private token: UpstreamToken | null = null;
  private loaded = false;
  /** One renewal at a time: a refresh token works once, so concurrent refreshes would kill the session. */
  private renewal: Promise<UpstreamToken> | null = null;
  readonly stats = { logins: 0, refreshes: 0 };

  constructor(
    private readonly jwt: string,
    private readonly register: Register,
    private readonly request: TokenRequest,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid access token, refreshed or obtained first when needed. */
  async accessToken(): Promise<string> {
    if (!this.loaded) await this.load();
    const token = this.token;
    if (token && this.now() < token.refreshAt) return token.accessToken;
    return (await this.renew(token?.accessToken ?? null)).accessToken;
  }

  /** The extension the token belongs to (known after the first login). */
  get ownerId(): string | null {
    return this.token?.ownerId ?? null;
  }

  /**
   * Replaces `stale` (the token a request was refused with): refresh, or log in again when refreshing is not
   * possible or refused. When another caller already replaced it, that token is used.
   */
  renew(stale: string | null, forceLogin = false): Promise<UpstreamToken> {
    if (this.token && this.token.accessToken !== stale && this.now() < this.token.refreshAt) {
      return Promise.resolve(this.token);
    }
    this.renewal ??= this.exchange(forceLogin).finally(() => (this.renewal = null));
    return this.renewal;
  }

  private async load(): Promise<void> {
    this.loaded = true;
    const saved = await this.register.read();
    if (saved) this.token = JSON.parse(saved) as UpstreamToken;
  }

  private async exchange(forceLogin: boolean): Promise<UpstreamToken> {
    const current = this.token;
    if (!forceLogin && current?.refreshToken && this.now() < current.refreshExpiresAt - 10_000) {
      try {
        const response = await this.request({ grant_type: 'refresh_token', refresh_token: current.refreshToken });
        this.stats.refreshes += 1;
        return await this.keep(response, current.ownerId);
      } catch (err) {
        if (!(err instanceof TokenRefused)) throw err;
        // Refused (expired, revoked, used by another process): the JWT logs in afresh.
      }
    }
    const response = await this.request({ grant_type: JWT_GRANT, assertion: this.jwt });
    this.stats.logins += 1;
    return this.keep(response, null);
  }

  /** Saves a new token before it is used: the refresh token it replaces is already dead. */
  private async keep(response: TokenResponse, ownerId: string | null): Promise<UpstreamToken> {
    if (typeof response.access_token !== 'string' || !response.access_token) {
      throw new Error('the upstream token endpoint answered without an access_token');
    }
    const token = tokenFrom(response, this.now());
    token.ownerId ??= ownerId;
    await this.register.write(JSON.stringify(token));
    this.token = token;
    return token;
  }
}
