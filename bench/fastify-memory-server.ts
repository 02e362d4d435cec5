// The list benchmark's ceiling: Fastify sending a ringlog response it holds in memory, bytes and headers as ringlog
// sent them, picked by the `x-bench-example` request header. Run as a child process:
// `node --import tsx bench/fastify-memory-server.ts EXAMPLES.json` prints its URL, then serves until killed.

import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

/** A captured response: its body and the headers ringlog sent with it. */
export interface CapturedResponse {
  body: string;
  headers: Record<string, string>;
}

/** Headers the HTTP layer writes for itself: not replayed. */
const OWN_HEADERS = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

async function main(file: string): Promise<void> {
  const captured = JSON.parse(readFileSync(file, 'utf8')) as Record<string, CapturedResponse>;
  const examples = new Map(
    Object.entries(captured).map(([key, c]) => [
      key,
      {
        body: Buffer.from(c.body),
        headers: Object.fromEntries(Object.entries(c.headers).filter(([name]) => !OWN_HEADERS.has(name))),
      },
    ]),
  );
  const app = Fastify({ logger: false });
  app.get('/*', (request, reply) => {
    const example = examples.get(String(request.headers['x-bench-example']));
    if (!example) return reply.code(404).send();
    return reply.headers(example.headers).send(example.body);
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${url}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv[2]);
