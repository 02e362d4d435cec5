// A decoder thread (decoder-pool.ts): decodes each batch it is sent.

import { parentPort } from 'node:worker_threads';
import type { SourceItem } from './import-sources.ts';
import { decodeBatch, type DecodeJob } from './record-decoder.ts';

parentPort!.on('message', ({ id, job, items }: { id: number; job: DecodeJob; items: SourceItem[] }) => {
  try {
    parentPort!.postMessage({ id, batch: decodeBatch(job, items) });
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
