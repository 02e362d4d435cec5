// The API server's thread (see serve.ts): opens the store, listens, runs the retention job and the token sweep,
// and closes them all when the main thread says stop.

import { parentPort, workerData } from 'node:worker_threads';
import { listen } from '../api/index.ts';
import { warmRecordingAudio } from '../generator/index.ts';
import { LOGIN_BACKOFF } from '../domain/index.ts';
import { startRetentionJob } from '../store/index.ts';
import type { Config } from './config.ts';
import { openRuntime } from './runtime.ts';

export type ServerMessage = { type: 'listening'; url: string } | { type: 'stopped' };

const port = parentPort!;
const config = workerData as Config;
const runtime = await openRuntime(config);
warmRecordingAudio();
const { app, url } = await listen(runtime.ctx, config.host, config.port, {
  logger: config.logger,
  faults: config.faults,
});
const retention = startRetentionJob(runtime.store, runtime.ctx.blobs, config.retention, {
  intervalMs: 3600_000,
  onError: (err) => process.stderr.write(`retention: ${(err as Error).message}\n`),
});
// Expired tokens, spent rate-limit windows and forgotten failure counts are useless; sweep them hourly so their
// tables do not grow without end.
const tokenSweep = setInterval(() => {
  const now = Date.now();
  Promise.all([
    runtime.store.deleteExpiredTokens(now),
    runtime.store.security.purgeExpired(now, Object.values(config.rateLimits), LOGIN_BACKOFF),
  ]).catch((err) => {
    process.stderr.write(`token sweep: ${(err as Error).message}\n`);
  });
}, 3600_000);
tokenSweep.unref();

port.once('message', async () => {
  clearInterval(tokenSweep);
  await retention.stop();
  await app.close();
  await runtime.close();
  port.postMessage({ type: 'stopped' } satisfies ServerMessage);
});
port.postMessage({ type: 'listening', url } satisfies ServerMessage);
