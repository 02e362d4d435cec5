// Client secrets are kept as a SHA-256 hash (they are long random strings, so a fast hash suffices) and compared in
// constant time. An empty secret marks a public app and stays empty.

import { createHash, timingSafeEqual } from 'node:crypto';

const SCHEME = 'sha256$';

/** The stored form of a client secret ('' stays '': a public app; an already hashed value is kept). */
export function hashClientSecret(secret: string): string {
  if (secret === '' || secret.startsWith(SCHEME)) return secret;
  return `${SCHEME}${createHash('sha256').update(secret, 'utf8').digest('hex')}`;
}

/** Whether `presented` is the secret whose stored form is `stored`, in time independent of where they differ. */
export function clientSecretMatches(presented: string, stored: string): boolean {
  if (!stored.startsWith(SCHEME)) return false;
  const expected = Buffer.from(stored.slice(SCHEME.length), 'hex');
  const actual = createHash('sha256').update(presented, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
