// OAuth resources: POST /restapi/oauth/token and /restapi/oauth/revoke (form-encoded, RingCentral's shapes).

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { oauthErrors, type RawQuery } from '../domain/index.ts';
import type { ApiContext } from './context.ts';
import { sendJson } from './http-helpers.ts';
import { applyRateLimit } from './rate-limit.ts';
import { resource } from './resource.ts';

/** The form fields of a token request: a form body (or a JSON object), plus the query string. */
function formOf(request: FastifyRequest): Record<string, string> {
  const fields: Record<string, string> = {};
  const add = (source: unknown) => {
    if (!source || typeof source !== 'object') return;
    for (const [k, v] of Object.entries(source as RawQuery)) {
      const value = Array.isArray(v) ? v[0] : v;
      if (typeof value === 'string' && fields[k] === undefined) fields[k] = value;
      else if (typeof value === 'number' && fields[k] === undefined) fields[k] = String(value);
    }
  };
  add(request.body);
  add(request.query);
  return fields;
}

/** Whom the Auth group counts: the client id (Basic or form), else the remote address. */
function clientKey(request: FastifyRequest): string {
  const basic = /^basic\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '');
  if (basic) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
  return formOf(request).client_id ?? request.ip;
}

function isForm(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return type === undefined || /application\/(x-www-form-urlencoded|json)/i.test(type);
}

export function oauthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  resource(app, '/restapi/oauth/token', {
    POST: async (request, reply) => {
      if (!isForm(request)) throw oauthErrors.unsupportedMediaType();
      await applyRateLimit(ctx, reply, 'Auth', clientKey(request));
      const token = await ctx.tokens.token(formOf(request), request.headers.authorization);
      reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
      return sendJson(reply, 200, token);
    },
  });
  resource(app, '/restapi/oauth/revoke', {
    POST: async (request, reply) => {
      await applyRateLimit(ctx, reply, 'Auth', clientKey(request));
      await ctx.tokens.revoke(formOf(request).token);
      return reply.code(200).send();
    },
  });
}
