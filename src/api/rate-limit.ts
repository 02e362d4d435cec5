// Rate-limit groups on the wire: counts the caller's request in its group, sets the X-Rate-Limit-*
// headers, and refuses with 429 CMN-301 and Retry-After while the caller is over the limit or penalised.
// A group without limits still sends the headers (clients such as RingCentral's best-practice loop wait when
// X-Rate-Limit-Remaining is absent or zero), with counts no well-behaved client ever waits for.

import type { FastifyReply } from 'fastify';
import { errors, type RateGroup } from '../domain/index.ts';
import type { ApiContext } from './context.ts';

/**
 * What an unlimited group announces: a million requests a minute, a million minus one left after every request.
 * A pacer that spreads the remaining requests over the window waits 60 µs at most; a loop that waits at zero never
 * gets there.
 */
export const UNLIMITED_HEADERS = { limit: 1_000_000, remaining: 999_999, windowSec: 60 } as const;

export async function applyRateLimit(ctx: ApiContext, reply: FastifyReply, group: RateGroup, caller: string) {
  const rule = ctx.rateLimits[group];
  if (!rule) {
    reply.headers({
      'X-Rate-Limit-Group': group,
      'X-Rate-Limit-Limit': String(UNLIMITED_HEADERS.limit),
      'X-Rate-Limit-Remaining': String(UNLIMITED_HEADERS.remaining),
      'X-Rate-Limit-Window': String(UNLIMITED_HEADERS.windowSec),
    });
    return;
  }
  const decision = await ctx.store.countRateLimited(`${group}:${caller}`, rule, ctx.now());
  reply.headers({
    'X-Rate-Limit-Group': group,
    'X-Rate-Limit-Limit': String(rule.requests),
    'X-Rate-Limit-Remaining': String(decision.remaining),
    'X-Rate-Limit-Window': String(rule.windowSec),
  });
  if (!decision.allowed) throw errors.rateLimited(decision.retryAfterSec);
}
