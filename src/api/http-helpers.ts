// Small HTTP helpers shared by the resource files: the base URL of a request, query re-serialisation,
// and sending prepared JSON.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { withBase, type RawQuery } from '../domain/index.ts';

export interface HttpOptions {
  /** Overrides the base URL derived from the request (e.g. behind a proxy). */
  publicUrl?: string;
}

export function baseUrl(request: FastifyRequest, options: HttpOptions): string {
  if (options.publicUrl) return options.publicUrl.replace(/\/$/, '');
  return `${request.protocol}://${request.host}`;
}

/** The query as RingCentral writes it back in `uri`s: repeated keys, empty values dropped, `skip` left out. */
export function serializeQuery(raw: RawQuery, skip: readonly string[] = []): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(raw)) {
    if (skip.includes(key) || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (v !== '') params.append(key, v);
  }
  return params.toString();
}

/** Sends JSON text prepared with the base-URL mark. */
export function sendPreparedJson(reply: FastifyReply, status: number, json: string, base: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(withBase(json, base));
}

/**
 * `head`, then `records` (JSON prepared with BASE_MARK) with the base URL put in and joined by commas, then `tail`,
 * written into one buffer: no page-sized strings (joined, base put in, concatenated, then encoded on the socket;
 * 80 KB for 100 Simple records, 200 KB Detailed), which weighed in the API's garbage collection. `head` and `tail`
 * are written as they are.
 */
export function recordsJsonBuffer(head: string, records: readonly string[], tail: string, base: string): Buffer {
  const texts = records.map((json) => withBase(json, base));
  let size = Buffer.byteLength(head) + Buffer.byteLength(tail) + Math.max(0, texts.length - 1);
  for (const text of texts) size += Buffer.byteLength(text);
  const out = Buffer.allocUnsafe(size);
  let at = out.write(head, 0);
  for (let r = 0; r < texts.length; r++) {
    if (r > 0) out[at++] = 0x2c; // ,
    at += out.write(texts[r], at);
  }
  out.write(tail, at);
  return out;
}

/** Sends a JSON object around a `records` array of prepared JSON (see recordsJsonBuffer). */
export function sendRecordsJson(
  reply: FastifyReply,
  head: string,
  records: readonly string[],
  tail: string,
  base: string,
): FastifyReply {
  return reply
    .code(200)
    .type('application/json; charset=utf-8')
    .send(recordsJsonBuffer(head, records, tail, base));
}

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
