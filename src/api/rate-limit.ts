// Rate-limit groups on the wire: counts the caller's request in its group, sets the X-Rate-Limit-*
// headers, and refuses with 429 CMN-301 and Retry-After while the caller is over the limit or penalised.

import type { FastifyReply } from 'fastify';
import { errors, type RateGroup } from '../domain/index.ts';
import type { ApiContext } from './context.ts';

export async function applyRateLimit(ctx: ApiContext, reply: FastifyReply, group: RateGroup, caller: string) {
  const rule = ctx.rateLimits[group];
  if (!rule) return;
  const decision = await ctx.store.countRateLimited(`${group}:${caller}`, rule, ctx.now());
  reply.headers({
    'X-Rate-Limit-Group': group,
    'X-Rate-Limit-Limit': String(rule.requests),
    'X-Rate-Limit-Remaining': String(decision.remaining),
    'X-Rate-Limit-Window': String(rule.windowSec),
  });
  if (!decision.allowed) throw errors.rateLimited(decision.retryAfterSec);
}
