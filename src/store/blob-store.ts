// The on-disk blob store for real recording content (imported or synced audio): one file per key,
// written atomically, read whole or by byte range.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

export interface BlobStore {
  /** Stores `data` under `key`, replacing any previous blob; readers see the old or the new blob, never a part. */
  put(key: string, data: Buffer | AsyncIterable<Buffer | Uint8Array>): Promise<{ size: number }>;
  /** Size of the blob, or null when there is none. */
  stat(key: string): Promise<{ size: number } | null>;
  /** Bytes [start, endInclusive] of the blob (the whole blob by default); the stream errors with ENOENT if it is missing. */
  read(key: string, start?: number, endInclusive?: number): Readable;
  /** Removes the blob; no error if it does not exist. */
  delete(key: string): Promise<void>;
}

// Longest encoded key kept as a readable file name; longer ones are named by their hash (NAME_MAX is 255).
const MAX_READABLE_NAME = 200;

/**
 * A blob store under `dir`. Each key becomes one file in a subfolder chosen by its hash
 * (`dir/3f/k-recording%2F123456`); subfolders are created on first write.
 */
export function createDiskBlobStore(dir: string): BlobStore {
  return {
    async put(key, data) {
      const path = blobPath(dir, key);
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
      try {
        const size = await writeFileSynced(temp, data);
        await rename(temp, path);
        return { size };
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },

    async stat(key) {
      try {
        const info = await stat(blobPath(dir, key));
        return { size: info.size };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },

    read(key, start, endInclusive) {
      return createReadStream(blobPath(dir, key), { start, end: endInclusive });
    },

    async delete(key) {
      await rm(blobPath(dir, key), { force: true });
    },
  };
}

/** Writes `data` to a new file and flushes it to disk; returns the number of bytes written. */
async function writeFileSynced(path: string, data: Buffer | AsyncIterable<Buffer | Uint8Array>): Promise<number> {
  const file = await open(path, 'wx');
  try {
    let size = 0;
    for await (const chunk of Buffer.isBuffer(data) ? [data] : data) {
      for (let done = 0; done < chunk.length;) {
        done += (await file.write(chunk, done, chunk.length - done)).bytesWritten;
      }
      size += chunk.length;
    }
    await file.sync();
    return size;
  } finally {
    await file.close();
  }
}

/**
 * The file of `key`: `dir/<first two hex digits of sha256(key)>/<name>`. The name is `k-` and the key
 * with every byte other than [a-z0-9_-] written `%XX` (so no separators or dots, and distinct
 * even on case-insensitive file systems), or `h-` and the full hash when that would be too long
 * or the key is not well-formed UTF-16. Temporary files have a dot (`.tmp-…`), which no name has.
 */
function blobPath(dir: string, key: string): string {
  const hash = createHash('sha256').update(key, 'utf16le').digest('hex');
  const utf8 = Buffer.from(key, 'utf8');
  const encoded = utf8.toString('utf8') === key ? escapeName(utf8) : undefined;
  const name = encoded !== undefined && encoded.length <= MAX_READABLE_NAME ? `k-${encoded}` : `h-${hash}`;
  return join(dir, hash.slice(0, 2), name);
}

function escapeName(bytes: Buffer): string {
  let name = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    name += /[a-z0-9_-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return name;
}
