// Builds the HTTP server: RingCentral's paths (with and without /restapi/v1.0), body parsing, CORS, and the
// one error handler that turns every failure into RingCentral's envelope.

import cors from '@fastify/cors';
import { STATUS_CODES } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ApiError, NO_FAULTS, OAuthError, errors, type FaultConfig } from '../domain/index.ts';
import { createTelephony } from '../telephony/index.ts';
import type { ApiContext, LiveApiContext } from './context.ts';
import { activeCallRoutes } from './active-calls.ts';
import { callLogRoutes } from './call-log.ts';
import { callLogSyncRoutes } from './call-log-sync.ts';
import { callLogExtractSyncRoutes } from './call-log-extract-sync.ts';
import { directoryApiRoutes, directoryRoutes } from './directory.ts';
import { installFaults } from './faults.ts';
import { ingestRoutes } from './ingest.ts';
import { oauthRoutes } from './oauth.ts';
import { authorizeRoutes } from './oauth-authorize.ts';
import { recordingRoutes } from './recordings.ts';
import { analyticsRoutes } from './analytics.ts';
import { reportRoutes } from './reports.ts';
import { webAppRoutes } from './web-app.ts';
import { phoneNumberRoutes } from './phone-numbers.ts';
import { presenceRoutes } from './presence.ts';
import { telephonySessionRoutes } from './telephony-sessions.ts';
import { loggerOptions } from './request-log.ts';
import { corsOptions } from './cors-options.ts';
import { healthRoutes } from './health.ts';
import { installMetrics } from './metrics.ts';
import { installInputGuard } from './input-guard.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { wsTokenRoutes } from './wstoken.ts';

export interface AppOptions {
  logger?: boolean;
  faults?: FaultConfig;
  /** Origins allowed by CORS; default any origin (without credentials: bearer tokens need no cookies). */
  corsOrigins?: string[];
}

function sendError(reply: FastifyReply, err: ApiError | OAuthError): FastifyReply {
  if (err instanceof ApiError) reply.headers(err.headers);
  return reply.code(err.status).type('application/json; charset=utf-8').send(JSON.stringify(err.body()));
}

/** Maps Fastify's own errors (bad JSON, unsupported media type, body too large, bad URL) to the envelope. */
function frameworkError(err: FastifyError): ApiError {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.jsonUnparsable();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(String(err.message));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError({
        status: 413,
        detail: { errorCode: 'CMN-104', message: 'Cannot parse request: body too large' },
      });
    default:
      if ((err.statusCode ?? 500) < 500) {
        return new ApiError({
          status: err.statusCode ?? 400,
          detail: { errorCode: 'CMN-104', message: 'Cannot parse request' },
        });
      }
      return errors.internal();
  }
}

/** An unexpected failure (a 500) is always logged: through the request log with --log, else on stderr. */
function logUnexpected(request: FastifyRequest, err: unknown, logger: boolean): void {
  if (logger) {
    request.log.error({ err }, 'unexpected error');
    return;
  }
  // The path without the query, which may hold an access token.
  const path = request.url.split('?')[0];
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`ringlog: ${request.method} ${path} failed (500): ${detail}\n`);
}

export async function createApp(given: ApiContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const ownTelephony = given.telephony === undefined;
  const ctx: LiveApiContext = {
    ...given,
    telephony: given.telephony ?? createTelephony(given.store, { now: given.now }),
  };
  const app = Fastify({
    ...loggerOptions(options.logger ?? false),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 },
    bodyLimit: 1024 * 1024,
    // Requests Node cannot parse at all (bad request line, huge headers) still get RingCentral's envelope.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const body = JSON.stringify(
        new ApiError({ status: status, detail: { errorCode: 'CMN-104', message: 'Cannot parse request' } }).body(),
      );
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
    frameworkErrors: (err, _request, reply) => {
      sendError(reply, err.code === 'FST_ERR_BAD_URL' ? errors.routeNotFound() : frameworkError(err));
    },
  });

  await app.register(cors, corsOptions(options.corsOrigins));
  app.addHook('onRequest', async (request, reply) => {
    reply.header('RCRequestId', request.id);
  });
  installMetrics(app, ctx.store, ctx.now);
  healthRoutes(app, ctx.store);
  installInputGuard(app);

  // GET and DELETE bodies are ignored (the SDKs send `Content-Type: application/json` with no or `null` body).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body).trim();
    if (request.method === 'GET' || request.method === 'DELETE' || request.method === 'HEAD' || text === '') {
      return done(null, undefined);
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(errors.jsonUnparsable(), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));

  app.setErrorHandler((err: unknown, request, reply) => {
    if (err instanceof ApiError || err instanceof OAuthError) return sendError(reply, err);
    // PostgreSQL cancelled a statement past its statement_timeout: the server is busy, not broken.
    if ((err as { code?: unknown }).code === '57014') return sendError(reply, errors.serviceUnavailable());
    const fastifyError = err as FastifyError;
    // The client hung up before its body had all come (Node's "aborted"): nobody to answer, nothing broken here.
    if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' && request.raw.socket?.destroyed)
      return sendError(reply, errors.jsonUnparsable());
    if (fastifyError.code?.startsWith('FST_')) {
      const answer = frameworkError(fastifyError);
      if (answer.status >= 500) logUnexpected(request, err, options.logger ?? false);
      return sendError(reply, answer);
    }
    logUnexpected(request, err, options.logger ?? false);
    return sendError(reply, errors.internal());
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, errors.routeNotFound()));

  if (ownTelephony) app.addHook('onClose', () => ctx.telephony.close());

  installFaults(app, ctx, options.faults ?? NO_FAULTS);
  oauthRoutes(app, ctx);
  authorizeRoutes(app, ctx);
  await webAppRoutes(app, ctx);
  directoryRoutes(app, ctx);
  analyticsRoutes(app, ctx);
  reportRoutes(app, ctx);
  ingestRoutes(app, ctx);
  const notifications = ctx.notifications;
  if (notifications) {
    wsTokenRoutes(app, ctx, notifications);
    app.addHook('onListen', async () => {
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const bound = typeof address === 'object' && address ? address.address : '127.0.0.1';
      const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound.includes(':') ? `[${bound}]` : bound;
      notifications.setBaseUrl(ctx.http.publicUrl ?? `http://${host}:${port}`);
      await notifications.start(app.server, app);
    });
    app.addHook('preClose', (done) => {
      notifications.gateway.disconnect();
      done();
    });
    app.addHook('onClose', () => notifications.close());
  }
  // @rc-ex/core sends /restapi/v1.0/...; @ringcentral/sdk 4+ sends paths as written, often without the prefix.
  for (const prefix of ['/restapi/v1.0', '']) {
    await app.register(
      (scope, _options, done) => {
        directoryApiRoutes(scope, ctx);
        callLogRoutes(scope, ctx);
        callLogSyncRoutes(scope, ctx);
        recordingRoutes(scope, ctx);
        phoneNumberRoutes(scope, ctx);
        callLogExtractSyncRoutes(scope, ctx);
        activeCallRoutes(scope, ctx);
        telephonySessionRoutes(scope, ctx);
        presenceRoutes(scope, ctx);
        if (notifications) subscriptionRoutes(scope, ctx, notifications);
        done();
      },
      { prefix },
    );
  }
  return app;
}
