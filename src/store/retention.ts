// Applies a retention policy in small batches, yielding between them so the API is never blocked;
// run once (applyRetention) or on a timer (startRetentionJob).

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DAY_MS, type RetentionPolicy } from '../domain/index.ts';
import type { BlobStore } from './blob-store.ts';
import type { Store } from './store.ts';

export interface RetentionResult {
  records: number;
  recordings: number;
}

export async function applyRetention(
  store: Store,
  blobs: BlobStore,
  policy: RetentionPolicy,
  now: number,
  batchSize = 500,
): Promise<RetentionResult> {
  const result = { records: 0, recordings: 0 };
  if (policy.recordingDays !== null) {
    const before = now - policy.recordingDays * DAY_MS;
    for (;;) {
      const expired = await store.expireRecordings(before, batchSize);
      for (const recording of expired) if (recording.blobKey) await blobs.delete(recording.blobKey);
      result.recordings += expired.length;
      if (expired.length < batchSize) break;
      await yieldToEventLoop();
    }
  }
  if (policy.logDays !== null) {
    const before = now - policy.logDays * DAY_MS;
    for (const log of await store.listLogs()) {
      for (;;) {
        const purged = await store.purgeLog(log, before, batchSize);
        result.records += purged;
        if (purged < batchSize) break;
        await yieldToEventLoop();
      }
    }
  }
  return result;
}

/** Runs the policy now and then every `intervalMs`; errors are reported, never thrown into the server. */
export function startRetentionJob(
  store: Store,
  blobs: BlobStore,
  policy: RetentionPolicy,
  options: { intervalMs: number; now?: () => number; onError?: (err: unknown) => void },
): { stop(): Promise<void> } {
  if (policy.logDays === null && policy.recordingDays === null) return { stop: async () => {} };
  const now = options.now ?? Date.now;
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = applyRetention(store, blobs, policy, now()).catch((err) => options.onError?.(err));
  };
  run();
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
