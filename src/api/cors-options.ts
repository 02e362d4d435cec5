// CORS for browser apps: the API's real methods (DELETE included), its headers, and the allowed origins: any origin
// by default, or the configured list. Never with credentials: bearer tokens travel in a header, not a cookie, so no
// origin is ever given a browser's cookies or auth state.

import type { FastifyCorsOptions } from '@fastify/cors';

export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function corsOptions(origins: string[] | undefined): FastifyCorsOptions {
  return {
    origin: origins && origins.length && !origins.includes('*') ? origins : '*',
    credentials: false,
    methods: CORS_METHODS,
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'Client-Id',
      'X-User-Agent',
      'Range',
      'Accept',
      'RCRequestId',
      'X-Request-Id',
    ],
    exposedHeaders: [
      'Retry-After',
      'X-Rate-Limit-Group',
      'X-Rate-Limit-Limit',
      'X-Rate-Limit-Remaining',
      'X-Rate-Limit-Window',
      'Content-Type',
      'Content-Length',
      'Content-Range',
      'Content-Disposition',
      'Accept-Ranges',
      'RCRequestId',
    ],
    maxAge: 600,
  };
}
