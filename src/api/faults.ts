// Fault injection for emulation: refuses or delays a configured share of requests (429, 5xx, latency) and
// kills access tokens early, so clients can be tested against a hostile upstream. Off unless configured.

import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors, SeededRandom, type FaultConfig } from '../domain/index.ts';
import type { ApiContext } from './context.ts';

export function hasFaults(f: FaultConfig): boolean {
  return f.rate429 > 0 || f.rate5xx > 0 || f.tokenExpiryRate > 0 || f.latencyMs > 0;
}

function bearerToken(request: FastifyRequest): string | undefined {
  return /^bearer\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '')?.[1];
}

export function installFaults(app: FastifyInstance, ctx: ApiContext, faults: FaultConfig): void {
  if (!hasFaults(faults)) return;
  const random = new SeededRandom(faults.seed);
  const next = () => random.next();
  app.addHook('onRequest', async (request) => {
    if (request.method === 'OPTIONS') return;
    if (faults.latencyMs > 0) await sleep(next() * faults.latencyMs);
    if (next() < faults.rate5xx) throw errors.serviceUnavailable();
    if (next() < faults.rate429) throw errors.rateLimited(1);
    const token = bearerToken(request);
    if (token && next() < faults.tokenExpiryRate) {
      await ctx.tokens.expireAccessToken(token);
    }
  });
}
