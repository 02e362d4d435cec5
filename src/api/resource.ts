// Registers a resource's methods; every other method on the same path answers 405 with an Allow header.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors, type RawQuery } from '../domain/index.ts';

/**
 * What a resource handler is given: its path parameters, the query as Fastify parses it (no schema coerces it, so a
 * repeated name arrives as an array) and a body the handler validates itself.
 */
export interface ApiRoute<Params = Record<string, never>> {
  Params: Params;
  Querystring: RawQuery;
  Body: unknown;
}
export type ApiRequest<Params = Record<string, never>> = FastifyRequest<ApiRoute<Params>>;
/** Path parameters: an account; a log kept per account and per extension; an extension. */
export interface AccountParams {
  accountId: string;
}
export interface LogParams extends AccountParams {
  extensionId?: string;
}
export interface ExtensionParams extends AccountParams {
  extensionId: string;
}

/** Which call log a path names: the company's (`/account/{id}/…`) or an extension's (`/extension/{id}/…`). */
export type LogLevel = 'account' | 'extension';

/** The route of a company's and of an extension's log resource named `name` (call-log, call-log-sync, …). */
export function logRoute(level: LogLevel, name: string): string {
  return level === 'account' ? `/account/:accountId/${name}` : `/account/:accountId/extension/:extensionId/${name}`;
}

/** The API path of the log resource `name` of a company (extensionId null) or of an extension. */
export function logPath(accountId: string, extensionId: string | null, name: string): string {
  const log = extensionId === null ? '' : `/extension/${extensionId}`;
  return `/restapi/v1.0/account/${accountId}${log}/${name}`;
}

/** Registers GET on the company's and on each extension's log resource `name`, telling `get` which log it serves. */
export function logResource(
  app: FastifyInstance,
  name: string,
  get: (request: ApiRequest<LogParams>, reply: FastifyReply, level: LogLevel) => unknown,
): void {
  for (const level of ['account', 'extension'] as const) {
    resource<LogParams>(app, logRoute(level, name), { GET: (request, reply) => get(request, reply, level) });
  }
}

type Handler<Params> = (request: ApiRequest<Params>, reply: FastifyReply) => unknown;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

export function resource<Params = Record<string, never>>(
  app: FastifyInstance,
  url: string,
  handlers: Partial<Record<Method, Handler<Params>>>,
): void {
  const allowed = Object.keys(handlers) as Method[];
  for (const method of allowed)
    app.route<ApiRoute<Params>>({ method, url, handler: handlers[method] as Handler<Params> });
  const others = METHODS.filter((m) => !allowed.includes(m));
  if (!others.length) return;
  const allow = allowed.includes('GET') ? ['GET', 'HEAD', ...allowed.filter((m) => m !== 'GET')] : allowed;
  app.route({
    method: others,
    url,
    handler: (request) => {
      throw errors.methodNotAllowed(request.method, allow);
    },
  });
}
