// The backoff after failed authentication: a few failures are free, then each one makes the next attempt wait
// twice as long (up to a cap); failures are forgotten after a quiet spell. Counted apart from rate-limit groups.

export interface BackoffRule {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** The first wait, seconds; each further failure doubles it. */
  baseDelaySec: number;
  maxDelaySec: number;
  /** Failures older than this (since the last one) are forgotten, seconds. */
  forgetAfterSec: number;
}

/** Per user (password grant): 5 free failures, then 1 s, 2 s, 4 s … up to 5 minutes. */
export const LOGIN_BACKOFF: BackoffRule = { freeFailures: 5, baseDelaySec: 1, maxDelaySec: 300, forgetAfterSec: 900 };

/** Per client id (wrong client secrets): the same steps. */
export const CLIENT_BACKOFF: BackoffRule = LOGIN_BACKOFF;

export interface FailureState {
  failures: number;
  lastFailure: number;
  blockedUntil: number;
}

/** The state after one more failure at `now`. */
export function addFailure(state: FailureState | null, rule: BackoffRule, now: number): FailureState {
  const forgotten = !state || state.lastFailure < now - rule.forgetAfterSec * 1000;
  const failures = (forgotten ? 0 : state.failures) + 1;
  const over = failures - rule.freeFailures;
  const delaySec = over > 0 ? Math.min(rule.baseDelaySec * 2 ** Math.min(over - 1, 30), rule.maxDelaySec) : 0;
  return { failures, lastFailure: now, blockedUntil: delaySec ? now + delaySec * 1000 : 0 };
}

/** Whole seconds until the next attempt is allowed (0: now). */
export function waitSeconds(state: FailureState | null, now: number): number {
  return state && state.blockedUntil > now ? Math.ceil((state.blockedUntil - now) / 1000) : 0;
}
