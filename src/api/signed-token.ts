// The signed tokens of the sync resources (call-log-sync, call-log-extract-sync): a frame as base64url JSON, a dot,
// and a truncated HMAC-SHA256 of it under the server's secret and the resource's purpose, so one resource's
// token is never taken by another.

import { createHmac, timingSafeEqual } from 'node:crypto';

function sign(secret: string, purpose: string, payload: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${payload}`).digest('base64url').slice(0, 22);
}

export function encodeSignedToken(secret: string, purpose: string, frame: object): string {
  const payload = Buffer.from(JSON.stringify(frame)).toString('base64url');
  return `${payload}.${sign(secret, purpose, payload)}`;
}

/** The frame of a token signed for `purpose`, or null if it is not one (what follows a second dot is ignored). */
export function decodeSignedToken(secret: string, purpose: string, token: string): unknown {
  const [payload, signature] = token.split('.');
  if (!payload || !signature) return null;
  const expected = Buffer.from(sign(secret, purpose, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    return null;
  }
}
