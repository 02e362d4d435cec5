// RingCentral's rate-limit groups and the sliding-window-with-penalty rule they follow.

export const RATE_GROUPS = ['Light', 'Medium', 'Heavy', 'Auth'] as const;
export type RateGroup = (typeof RATE_GROUPS)[number];

export interface RateRule {
  /** Requests allowed per window. */
  requests: number;
  windowSec: number;
  /** How long a caller is refused after exceeding the limit; every refused request restarts it. */
  penaltySec: number;
}

/** Limits in force per group; a group left out is not limited. */
export type RateLimits = Partial<Record<RateGroup, RateRule>>;

export const RINGCENTRAL_RATE_LIMITS: RateLimits = {
  Light: { requests: 50, windowSec: 60, penaltySec: 60 },
  Medium: { requests: 40, windowSec: 60, penaltySec: 60 },
  Heavy: { requests: 10, windowSec: 60, penaltySec: 60 },
  Auth: { requests: 5, windowSec: 60, penaltySec: 60 },
};

export interface RateWindow {
  /** Times (epoch ms) of the requests counted in the window. */
  hits: number[];
  penaltyUntil: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Requests left in the window after this one. */
  remaining: number;
  /** Seconds until requests are accepted again (when refused). */
  retryAfterSec: number;
}

/** Counts one request at `now` against `rule`; returns the decision and the window to store. */
export function countRequest(
  window: RateWindow,
  rule: RateRule,
  now: number,
): { decision: RateDecision; window: RateWindow } {
  const hits = window.hits.filter((t) => t > now - rule.windowSec * 1000);
  if (window.penaltyUntil > now || hits.length >= rule.requests) {
    const penaltyUntil = now + rule.penaltySec * 1000;
    // Without a penalty the caller may retry when the oldest counted request leaves the window.
    const windowFrees = hits.length ? Math.ceil((hits[0] + rule.windowSec * 1000 - now) / 1000) : 1;
    return {
      decision: { allowed: false, remaining: 0, retryAfterSec: Math.max(rule.penaltySec, windowFrees, 1) },
      window: { hits, penaltyUntil },
    };
  }
  hits.push(now);
  return {
    decision: { allowed: true, remaining: rule.requests - hits.length, retryAfterSec: 0 },
    window: { hits, penaltyUntil: window.penaltyUntil },
  };
}

/** Parses a rate-limit file: `{ "Heavy": { "requests": 10, "windowSec": 6, "penaltySec": 6 }, ... }`. */
export function parseRateLimits(json: unknown): RateLimits {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('rate limits must be a JSON object');
  const limits: RateLimits = {};
  for (const [group, value] of Object.entries(json)) {
    if (!(RATE_GROUPS as readonly string[]).includes(group)) {
      throw new Error(`unknown rate-limit group "${group}" (expected ${RATE_GROUPS.join(', ')})`);
    }
    if (value === null || value === false) continue;
    const rule = value as Record<string, unknown>;
    for (const field of ['requests', 'windowSec', 'penaltySec']) {
      const n = rule[field];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < (field === 'penaltySec' ? 0 : 1)) {
        throw new Error(`rate limit ${group}.${field} must be a positive whole number`);
      }
    }
    limits[group as RateGroup] = {
      requests: rule.requests as number,
      windowSec: rule.windowSec as number,
      penaltySec: rule.penaltySec as number,
    };
  }
  return limits;
}
