// OAuth resources: POST /restapi/oauth/token and /restapi/oauth/revoke (form-encoded, RingCentral's shapes).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { oauthErrors } from '../domain/index.ts';
import type { Admit } from '../auth/index.ts';
import type { ApiContext } from './context.ts';
import { sendJson } from './http-helpers.ts';
import { applyRateLimit } from './rate-limit.ts';
import { resource } from './resource.ts';

/**
 * The form fields of a token or revoke request, from the body only (a form, or a JSON object): credentials in the
 * query string would land in proxies' and servers' access logs, so they are not read from there.
 */
function formOf(request: FastifyRequest): Record<string, string> {
  const fields: Record<string, string> = {};
  const body = request.body;
  if (!body || typeof body !== 'object') return fields;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const value = Array.isArray(v) ? (v as unknown[])[0] : v;
    if (typeof value === 'string') fields[k] = value;
    else if (typeof value === 'number') fields[k] = String(value);
  }
  for (const [name, value] of Object.entries(fields)) {
    // PostgreSQL refuses NUL in text: answer as for any other malformed field, on every backend.
    if (value.includes('\u0000')) throw oauthErrors.invalidRequest(name.slice(0, 64));
  }
  return fields;
}

function isForm(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return type === undefined || /application\/(x-www-form-urlencoded|json)/i.test(type);
}

/** Counts an authenticated token or revoke request in the Auth group, per app and user (as RingCentral does). */
function admitter(ctx: ApiContext, reply: FastifyReply): Admit {
  return (clientId, extensionId) => applyRateLimit(ctx, reply, 'Auth', `${clientId}:${extensionId ?? '-'}`);
}

export function oauthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  resource(app, '/restapi/oauth/token', {
    POST: async (request, reply) => {
      if (!isForm(request)) throw oauthErrors.unsupportedMediaType();
      const token = await ctx.tokens.token(formOf(request), request.headers.authorization, admitter(ctx, reply));
      reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
      return sendJson(reply, 200, token);
    },
  });
  resource(app, '/restapi/oauth/revoke', {
    POST: async (request, reply) => {
      if (!isForm(request)) throw oauthErrors.unsupportedMediaType();
      await ctx.tokens.revoke(formOf(request), request.headers.authorization, admitter(ctx, reply));
      return reply.code(200).send();
    },
  });
}
