// Runs decodeBatch in worker threads, so parsing and rendering (most of an import's work) go on beside the
// store's writes. Results come back in the order the batches went in; with no workers it decodes inline.

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/index.ts';
import type { SourceItem } from './import-sources.ts';
import { decodeBatch, type DecodeJob, type DecodedBatch } from './record-decoder.ts';

export interface DecoderPool {
  decode(job: DecodeJob, items: SourceItem[]): Promise<DecodedBatch>;
  close(): Promise<void>;
}

/** Workers worth starting: one per core beyond the one the main thread (and the store) uses, at least one. */
export function defaultDecoders(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * A batch allocates tens of MB that die at once; a young generation that holds a batch keeps them from being
 * copied into the old one (less GC time in the decoder thread: docs/benchmarks.md).
 */
const LIMITS = { maxYoungGenerationSizeMb: 96 };

function startDecoder(): Worker {
  return startWorker(new URL('./decode-worker', import.meta.url), { resourceLimits: LIMITS });
}

interface Pending {
  resolve(batch: DecodedBatch): void;
  reject(err: Error): void;
}

class WorkerPool implements DecoderPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const worker = startDecoder();
      worker.on('message', (m: { id: number; batch?: DecodedBatch; error?: string }) => {
        const waiting = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.batch) waiting?.resolve(m.batch);
        else waiting?.reject(new Error(m.error));
      });
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a decoder thread stopped with code ${code}`));
      });
      this.workers.push(worker);
    }
  }

  private fail(err: Error) {
    this.failure ??= err;
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }

  decode(job: DecodeJob, items: SourceItem[]): Promise<DecodedBatch> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Round robin: each worker answers in order, so batch n is done no later than the ones sent after it.
      this.workers[id % this.workers.length].postMessage({ id, job, items });
    });
  }

  async close() {
    this.failure ??= new Error('the decoder pool is closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A pool of `workers` threads decoding batches (0 = inline, on the calling thread). */
export function createDecoderPool(workers = defaultDecoders()): DecoderPool {
  if (workers <= 0) {
    return {
      decode: (job, items) => Promise.resolve(decodeBatch(job, items)),
      close: async () => {},
    };
  }
  return new WorkerPool(workers);
}
