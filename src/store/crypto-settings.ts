// Secrets kept in the store's settings (the upstream admin's tokens of `ringlog sync`) are encrypted at rest with
// AES-256-GCM under a key that is not in the database: RINGLOG_SECRET_KEY (64 hex digits or 32 bytes base64), or
// a key file beside the SQLite file (`<db>.key`; for PostgreSQL `./ringlog-secret.key`), created on first use with
// mode 0600. Whoever has the database and the key has the tokens; the database alone no longer does.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const PREFIX = 'enc1:';
const isPostgresUrl = (location: string) => /^postgres(ql)?:\/\//.test(location);

/** Where the key file of a store location lives. */
export function secretKeyFile(location: string): string {
  return isPostgresUrl(location) || location === ':memory:' ? resolve('ringlog-secret.key') : `${location}.key`;
}

function parseKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error(`${source} must hold a 256-bit key (64 hex digits or 32 bytes base64)`);
  return key;
}

/** The key for `location`: from `envKey` when given, else its key file (created when missing). */
export function loadSecretKey(location: string, envKey: string | undefined): Buffer {
  if (envKey) return parseKey(envKey, 'RINGLOG_SECRET_KEY');
  const file = secretKeyFile(location);
  try {
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseKey(readFileSync(file, 'utf8'), file);
}

export function encryptSetting(value: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The plain value; a value written before encryption is returned as it is; null when the key does not open it. */
export function decryptSetting(stored: string, key: Buffer): string | null {
  if (!stored.startsWith(PREFIX)) return stored;
  const bytes = Buffer.from(stored.slice(PREFIX.length), 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
