// Prometheus metrics at GET /metrics (prom-client): requests by route, method and status, latency histograms,
// rate-limit refusals, store query time, the sync runs' progress and lag, and the process's own (memory, CPU,
// event-loop lag). One registry per app, so several apps in one process keep their own counts.

import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { onQueryTimed, type Store } from '../store/index.ts';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Registers the metrics and the /metrics route (the store listener ends when the app closes). */
export function installMetrics(app: FastifyInstance, store: Store, now: () => number): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'ringlog_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'ringlog_http_request_duration_seconds',
    help: 'Time from request to response, by route pattern and method',
    labelNames: ['route', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'ringlog_rate_limit_refusals_total',
    help: 'Requests refused with 429, by rate-limit group (backoff: failed-authentication backoff; fault: injected)',
    labelNames: ['group'] as const,
    registers: [registry],
  });
  const queries = new Histogram({
    name: 'ringlog_store_query_duration_seconds',
    help: 'Time of each store query',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: 'ringlog_sync_runs',
    help: 'Upstream logins of `ringlog sync` by the state of their last run (running or finished)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const run of await store.operator.syncRuns()) this.inc({ state: run.state });
    },
  });
  new Gauge({
    name: 'ringlog_sync_lag_seconds',
    help: 'Seconds since the newest progress of any `ringlog sync` run (absent before the first run)',
    registers: [registry],
    async collect() {
      this.reset();
      const runs = await store.operator.syncRuns();
      if (runs.length) this.set(Math.max(0, (now() - Math.max(...runs.map((r) => r.at))) / 1000));
    },
  });

  const stop = onQueryTimed((seconds, failed) => queries.observe({ outcome: failed ? 'error' : 'ok' }, seconds));
  app.addHook('onClose', (_instance, done) => {
    stop();
    done();
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    requests.inc({ route, method: request.method, status: String(status) });
    latency.observe({ route, method: request.method }, reply.elapsedTime / 1000);
    if (status === 429) {
      const group = reply.getHeader('x-rate-limit-group');
      refusals.inc({
        group: typeof group === 'string' ? group : request.url.startsWith('/restapi/oauth') ? 'backoff' : 'fault',
      });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}
