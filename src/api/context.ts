// What every resource handler is given: the store, the token service, the blob store and HTTP options.

import type { FastifyRequest } from 'fastify';
import type { AuthContext, TokenService } from '../auth/index.ts';
import type { RawQuery } from '../domain/index.ts';
import type { BlobStore, Store } from '../store/index.ts';
import type { HttpOptions } from './http-helpers.ts';

export interface ApiContext {
  store: Store;
  tokens: TokenService;
  blobs: BlobStore;
  http: HttpOptions;
  now: () => number;
}

/** Authenticates an API request by its Bearer header or `access_token` query parameter. */
export function authenticate(ctx: ApiContext, request: FastifyRequest): Promise<AuthContext> {
  const query = request.query as RawQuery;
  const queryToken = Array.isArray(query.access_token) ? query.access_token[0] : query.access_token;
  return ctx.tokens.authenticate(request.headers.authorization, queryToken);
}
