// Failed authentication, counted apart from the rate-limit groups and whether or not they are on: per user (wrong
// passwords), whose backoff refuses every attempt until it has passed, and per client id (wrong client secrets),
// whose backoff refuses only further wrong secrets, so a stranger who knows an app's client id cannot lock the app
// out. Only known users and clients are counted: unknown names leave nothing in the store.

import { CLIENT_BACKOFF, errors, LOGIN_BACKOFF, waitSeconds, type BackoffRule } from '../domain/index.ts';
import type { Store } from '../store/index.ts';

export class LoginBackoff {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly userRule: BackoffRule = LOGIN_BACKOFF,
    private readonly clientRule: BackoffRule = CLIENT_BACKOFF,
  ) {}

  /** Refuses (429 with Retry-After) while the user's backoff runs, before the password is even checked. */
  async checkUser(extensionId: string): Promise<void> {
    const wait = waitSeconds(await this.store.security.authFailures(`user:${extensionId}`), this.now());
    if (wait > 0) throw errors.rateLimited(wait);
  }

  async userFailed(extensionId: string): Promise<void> {
    await this.store.security.addAuthFailure(`user:${extensionId}`, this.userRule, this.now());
  }

  async userSucceeded(extensionId: string): Promise<void> {
    if (await this.store.security.authFailures(`user:${extensionId}`)) {
      await this.store.security.clearAuthFailures(`user:${extensionId}`);
    }
  }

  /**
   * Counts a wrong secret for a known client; past the free failures the answer is 429 with Retry-After instead of
   * `refusal` (a request with the right secret is never refused by this).
   */
  async clientFailed(clientId: string, refusal: Error): Promise<never> {
    const key = `client:${clientId}`;
    const before = waitSeconds(await this.store.security.authFailures(key), this.now());
    if (before > 0) throw errors.rateLimited(before);
    const state = await this.store.security.addAuthFailure(key, this.clientRule, this.now());
    const wait = waitSeconds(state, this.now());
    if (wait > 0) throw errors.rateLimited(wait);
    throw refusal;
  }
}
