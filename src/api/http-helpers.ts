// Small HTTP helpers shared by the resource files: the base URL of a request, query re-serialisation,
// and sending prepared JSON.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { finishRecordsJson, recordsJsonBytes, withBase, type RawQuery } from '../domain/index.ts';

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
 * in one buffer (records-json.ts).
 */
export function recordsJsonBuffer(head: string, records: readonly string[], tail: string, base: string): Buffer {
  return finishRecordsJson(recordsJsonBytes(head, records, base, Buffer.byteLength(tail)), tail);
}

/** Sends a JSON object around a `records` array of prepared JSON (see recordsJsonBuffer). */
export function sendRecordsJson(
  reply: FastifyReply,
  head: string,
  records: readonly string[],
  tail: string,
  base: string,
): FastifyReply {
  return sendJsonBytes(reply, recordsJsonBuffer(head, records, tail, base));
}

/** Sends a 200 JSON body already written as bytes. */
export function sendJsonBytes(reply: FastifyReply, bytes: Buffer): FastifyReply {
  return reply.code(200).type('application/json; charset=utf-8').send(bytes);
}

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
