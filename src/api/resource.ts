// Registers a resource's methods; every other method on the same path answers 405 with an Allow header.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../domain/index.ts';

type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

export function resource(app: FastifyInstance, url: string, handlers: Partial<Record<Method, Handler>>): void {
  const allowed = Object.keys(handlers) as Method[];
  for (const method of allowed) app.route({ method, url, handler: handlers[method] as Handler });
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
