// The request log (`--log`): structured JSON lines (pino) on stderr, so stdout keeps only what the command prints,
// each with a request id (`reqId`) that the response carries as RCRequestId; secrets never reach a log line.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyServerOptions } from 'fastify';

/** Query parameters and form fields whose values are credentials. */
const SECRET_NAMES = new Set([
  'access_token',
  'refresh_token',
  'client_secret',
  'password',
  'assertion',
  'token',
  'code',
  'code_verifier',
  'jwt',
]);

/** The URL with the value of every credential parameter replaced by `[REDACTED]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: judge the raw name.
      }
      return SECRET_NAMES.has(name.toLowerCase()) && eq >= 0 ? `${rawName}=[REDACTED]` : pair;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

/** A request id: the caller's RCRequestId or X-Request-Id when it is short and plain, else a new UUID. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['rcrequestid'] ?? request.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
}

/** Fastify's logger options: JSON on stderr at info level, URLs redacted, no headers. */
export function loggerOptions(enabled: boolean): Pick<FastifyServerOptions, 'logger' | 'genReqId'> {
  return {
    genReqId: requestId,
    logger: enabled
      ? {
          level: 'info',
          stream: process.stderr,
          serializers: {
            req: (req: { method: string; url: string; ip?: string }) => ({
              method: req.method,
              url: redactUrl(req.url),
              remoteAddress: req.ip,
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        }
      : false,
  };
}
