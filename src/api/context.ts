// What every resource handler is given: the store, the token service, the blob store, the live telephony and HTTP
// options.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext, TokenService } from '../auth/index.ts';
import type { RateGroup, RateLimits, RawQuery } from '../domain/index.ts';
import type { BlobStore, Store } from '../store/index.ts';
import type { Telephony } from '../telephony/index.ts';
import type { Notifications } from '../events/index.ts';
import type { HttpOptions } from './http-helpers.ts';
import { applyRateLimit } from './rate-limit.ts';

export interface ApiContext {
  store: Store;
  tokens: TokenService;
  blobs: BlobStore;
  http: HttpOptions;
  /** Limits per group; empty = no limits (the default of `serve`). */
  rateLimits: RateLimits;
  now: () => number;
  /**
   * Live telephony (ingest, active calls, sessions, presence). createApp makes one over `store` when none is given
   * and closes it with the app; one given here is the caller's to close.
   */
  telephony?: Telephony;
  /** Subscriptions, WebHook and WebSocket delivery; without it the subscription resources are not served. */
  notifications?: Notifications;
}

/** The context once createApp has made sure it has a Telephony. */
export type LiveApiContext = ApiContext & { telephony: Telephony };

/**
 * Authenticates an API request by its Bearer header or `access_token` query parameter, then counts it
 * in its rate-limit group for that user and app.
 */
export async function authenticate(
  ctx: ApiContext,
  request: FastifyRequest<{ Querystring: RawQuery }>,
  reply: FastifyReply,
  group: RateGroup,
): Promise<AuthContext> {
  const query = request.query;
  const queryToken = Array.isArray(query.access_token) ? query.access_token[0] : query.access_token;
  const auth = await ctx.tokens.authenticate(request.headers.authorization, queryToken);
  await applyRateLimit(ctx, reply, group, `${auth.extensionId}:${auth.clientId}`);
  return auth;
}
