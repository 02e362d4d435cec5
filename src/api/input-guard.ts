// Refuses path and query values no backend can store or compare: PostgreSQL rejects NUL (0x00) in text, so a NUL
// anywhere in a parameter is a 400 naming the parameter (without writing the value back) on every backend. The OAuth
// endpoints answer it in OAuth's own shape (`invalid_request`), as they answer any other malformed parameter.

import type { FastifyInstance } from 'fastify';
import { errors, oauthErrors } from '../domain/index.ts';

const NUL = String.fromCharCode(0);
const plain = (name: string) => name.split(NUL).join('').slice(0, 64);

function nulParameter(values: unknown): string | undefined {
  if (!values || typeof values !== 'object') return undefined;
  for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
    const list = Array.isArray(value) ? (value as unknown[]) : [value];
    if (name.includes(NUL) || list.some((v) => typeof v === 'string' && v.includes(NUL))) return plain(name);
  }
  return undefined;
}

export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => {
    const name = nulParameter(request.params) ?? nulParameter(request.query);
    if (name === undefined) return done();
    done(request.url.startsWith('/restapi/oauth/') ? oauthErrors.invalidRequest(name) : errors.invalidParameter(name));
  });
}
