// RingCentral's rate-limit groups, the sliding-window-with-penalty rule they follow, and the file of custom limits.

import { z } from 'zod';

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

const rateRule = z.strictObject({
  requests: z.int().min(1),
  windowSec: z.int().min(1),
  penaltySec: z.int().min(0),
});

/**
 * A rate-limit file: `{ "Heavy": { "requests": 10, "windowSec": 6, "penaltySec": 6 }, ... }`; a group set to null
 * or false, or left out, is not limited.
 */
export const rateLimitsFile = z
  .strictObject(
    Object.fromEntries(
      RATE_GROUPS.map((g) => [g, z.preprocess((v) => (v === false ? null : v), rateRule.nullable().optional())]),
    ),
  )
  .transform((groups): RateLimits => {
    const limits: RateLimits = {};
    for (const group of RATE_GROUPS) {
      const rule = groups[group];
      if (rule) limits[group] = rule;
    }
    return limits;
  });
