// HTTP load with autocannon's programmatic API: a fixed number of connections for a duration, each request's
// path drawn from a generator.

import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  nextPath: () => string;
  connections: number;
  seconds: number;
}

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Average response body + headers, bytes. */
  responseBytes: number;
  requests: number;
  /** Responses other than 2xx, connection errors and timeouts. */
  failures: number;
}

export async function runLoad(o: LoadOptions): Promise<LoadFigures> {
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    headers: o.headers,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: o.nextPath() }) }],
  });
  const requests = result.requests.total;
  return {
    requestsPerSecond: requests / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    responseBytes: requests ? result.throughput.total / requests : 0,
    requests,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
