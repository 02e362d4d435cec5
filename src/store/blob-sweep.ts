// Removes temporary blob files (`.tmp-…`, see blob-store) that a killed writer left behind: a kill -9 during
// `sync --recordings` or an import. Only files untouched for a while go, so a live writer's file is kept.

import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Deletes `.tmp-` files under `dir` not modified for `olderThanMs`; returns how many. */
export async function sweepTemporaryBlobs(dir: string, now: number, olderThanMs = 15 * 60_000): Promise<number> {
  let shards: string[];
  try {
    shards = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let removed = 0;
  for (const shard of shards) {
    let names: string[];
    try {
      names = await readdir(join(dir, shard));
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.includes('.tmp-')) continue;
      const path = join(dir, shard, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < now - olderThanMs) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
  }
  return removed;
}
