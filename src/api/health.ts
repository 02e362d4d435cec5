// The operator's probes: GET /health (liveness: the process answers) and GET /ready (readiness: the database
// answers within a second). Neither needs a token; neither says anything about the data.

import type { FastifyInstance } from 'fastify';
import { errors } from '../domain/index.ts';
import type { Store } from '../store/index.ts';
import { sendJson } from './http-helpers.ts';

const READY_TIMEOUT_MS = 1000;

export function healthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/health', async (_request, reply) =>
    sendJson(reply.header('Cache-Control', 'no-store'), 200, { status: 'ok' }),
  );
  app.get('/ready', async (_request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('database did not answer in time')), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([store.operator.ping(), timeout]);
    } catch {
      throw errors.serviceUnavailable();
    } finally {
      clearTimeout(timer);
    }
    return sendJson(reply.header('Cache-Control', 'no-store'), 200, { status: 'ready' });
  });
}
