// Serves the web app (web/, built by `npm install`): its pages at /, /recordings, /live, /dashboards and /callback,
// its hashed assets under /assets/ (pre-compressed, cached for good). The API's paths are untouched.

import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureWebClient } from '../auth/index.ts';
import type { ApiContext } from './context.ts';
import { resource } from './resource.ts';

/** The pages of the single-page app; each answers with its index.html. */
export const WEB_PAGES = ['/', '/recordings', '/live', '/dashboards', '/callback'] as const;

const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>ringlog</title>
<p>The web app is not built. Run <code>npm run build</code> (npm install does it) and restart the server.</p>`;

export async function webAppRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const indexFile = `${DIST}index.html`;
  const built = existsSync(indexFile);
  if (built && existsSync(`${DIST}assets`)) {
    await app.register(fastifyStatic, {
      root: `${DIST}assets`,
      prefix: '/assets/',
      decorateReply: false,
      preCompressed: true,
      wildcard: true,
      index: false,
      setHeaders: (reply) => {
        reply.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    });
  }
  const template = built ? readFileSync(indexFile, 'utf8') : null;
  // The web app's OAuth client is created on first use, so `serve` on any database has one.
  let page: Promise<string> | undefined;
  const html = () => {
    page ??= ensureWebClient(ctx.store, ctx.tokens).then(
      (clientId) =>
        template!.replace('name="ringlog-client-id" content=""', `name="ringlog-client-id" content="${clientId}"`),
      (err: unknown) => {
        page = undefined;
        throw err;
      },
    );
    return page;
  };
  const send = async (_request: unknown, reply: FastifyReply) => {
    reply.header('Cache-Control', 'no-cache').header('X-Frame-Options', 'DENY').type('text/html; charset=utf-8');
    if (!template) return reply.code(503).send(NOT_BUILT);
    return reply
      .header('Content-Security-Policy', CSP)
      .code(200)
      .send(await html());
  };
  for (const path of WEB_PAGES) resource(app, path, { GET: send });
}
