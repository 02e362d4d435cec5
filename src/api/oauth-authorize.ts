// GET/POST /restapi/oauth/authorize (RingCentral's authorization code flow with PKCE): the sign-in page, the consent
// page for third-party apps, and the redirect back to the app with a single-use code or an OAuth error.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AUTHORIZE_PARAM_NAMES,
  AuthorizeError,
  redirectWith,
  type AuthorizeParams,
  type CheckedAuthorization,
} from '../auth/index.ts';
import { OAuthError, type RawQuery } from '../domain/index.ts';
import type { ApiContext } from './context.ts';
import { baseUrl } from './http-helpers.ts';
import { consentPage, errorPage, loginPage } from './oauth-pages.ts';
import { applyRateLimit } from './rate-limit.ts';
import { resource } from './resource.ts';

/** The request's fields: the form body first, then the query string (first value of repeated keys). */
function fieldsOf(request: FastifyRequest): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const source of [request.body, request.query]) {
    if (!source || typeof source !== 'object') continue;
    for (const [key, raw] of Object.entries(source as RawQuery)) {
      const value = Array.isArray(raw) ? raw[0] : raw;
      if (typeof value === 'string' && fields[key] === undefined) fields[key] = value;
    }
  }
  return fields;
}

/** The authorize parameters among the fields; empty values (as @ringcentral/sdk's loginUrl sends) count as absent. */
function authorizeParams(fields: Record<string, string>): AuthorizeParams {
  const params: Record<string, string> = {};
  for (const name of AUTHORIZE_PARAM_NAMES) if (fields[name]) params[name] = fields[name];
  return params;
}

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('Cache-Control', 'no-store')
    .header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    )
    .header('X-Frame-Options', 'DENY')
    .header('Referrer-Policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(html);
}

function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(302).header('Cache-Control', 'no-store').header('Location', location).send();
}

/** An authorize failure: back to the app when its redirect URI is trusted, else an error page (or JSON) with 400. */
function sendAuthorizeError(request: FastifyRequest, reply: FastifyReply, err: AuthorizeError): FastifyReply {
  if (err.redirectUri) {
    return redirect(
      reply,
      redirectWith(err.redirectUri, {
        error: err.error.error,
        error_description: err.error.description,
        state: err.state,
      }),
    );
  }
  if ((request.headers.accept ?? '').includes('text/html')) {
    return sendHtml(reply, 400, errorPage('Cannot sign in to this app', err.error.description, err.error.errorCode));
  }
  return reply.code(400).type('application/json; charset=utf-8').send(JSON.stringify(err.error.body()));
}

async function handle(
  ctx: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  step: (request: CheckedAuthorization, fields: Record<string, string>) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  const fields = fieldsOf(request);
  await applyRateLimit(ctx, reply, 'Auth', fields.client_id ?? request.ip);
  try {
    const checked = await ctx.tokens.codes.check(authorizeParams(fields), baseUrl(request, ctx.http));
    return await step(checked, fields);
  } catch (err) {
    if (err instanceof AuthorizeError) return sendAuthorizeError(request, reply, err);
    throw err;
  }
}

export function authorizeRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const showLogin = (request: FastifyRequest, reply: FastifyReply) =>
    handle(ctx, request, reply, async (checked, fields) =>
      sendHtml(
        reply,
        200,
        loginPage({ appName: checked.app.name, params: authorizeParams(fields), username: checked.loginHint }),
      ),
    );
  resource(app, '/restapi/oauth/authorize', { GET: showLogin, POST: showLogin });

  resource(app, '/restapi/oauth/authorize/login', {
    POST: (request, reply) =>
      handle(ctx, request, reply, async (checked, fields) => {
        const { username = '', extension = '', password = '' } = fields;
        let owner;
        try {
          owner = await ctx.tokens.authenticateUser(username, extension, password);
        } catch (err) {
          if (!(err instanceof OAuthError)) throw err;
          const error = 'Wrong phone number, extension or password.';
          const page = loginPage({
            appName: checked.app.name,
            params: authorizeParams(fields),
            username,
            extension,
            error,
          });
          return sendHtml(reply, 401, page);
        }
        if (checked.settings.firstParty) return redirect(reply, await ctx.tokens.codes.issue(checked, owner));
        const ticket = await ctx.tokens.codes.consentTicket(checked, owner);
        return sendHtml(reply, 200, consentPage(checked.app.name, owner.name, checked.scope, ticket));
      }),
  });

  resource(app, '/restapi/oauth/authorize/consent', {
    POST: async (request, reply) => {
      const fields = fieldsOf(request);
      const claims = await ctx.tokens.codes.readConsentTicket(fields.ticket);
      const owner = claims ? await ctx.store.getExtension(claims.extensionId) : null;
      if (!claims || !owner || owner.status === 'Disabled') {
        const error = new OAuthError('invalid_request', 'OAU-122', 'The sign-in has expired: start again from the app');
        return sendAuthorizeError(request, reply, new AuthorizeError(error));
      }
      await applyRateLimit(ctx, reply, 'Auth', claims.clientId);
      if (fields.decision !== 'allow') {
        const location = redirectWith(claims.redirectUri, {
          error: 'access_denied',
          error_description: 'The user denied access to the application',
          state: claims.state,
        });
        return redirect(reply, location);
      }
      return redirect(reply, await ctx.tokens.codes.issue(claims, owner));
    },
  });
}
