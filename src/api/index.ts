// What other modules may use from the API: building the HTTP app and running it.

import type { FastifyInstance } from 'fastify';
import { createApp, type AppOptions } from './app.ts';
import type { ApiContext } from './context.ts';

export { createApp, type AppOptions } from './app.ts';
export { NO_FAULTS, type FaultConfig } from '../domain/index.ts';
export type { ApiContext } from './context.ts';

/** Starts listening; resolves with the running app and its base URL (`http://host:port`). */
export async function listen(
  ctx: ApiContext,
  host: string,
  port: number,
  options: AppOptions = {},
): Promise<{ app: FastifyInstance; url: string }> {
  const app = await createApp(ctx, options);
  await app.listen({ host, port });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shownHost}:${actualPort}` };
}
