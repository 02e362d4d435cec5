// The API server's thread (see serve.ts): opens the store, listens, runs the retention job and the token sweep,
// and closes them all when the main thread says stop.

import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { listen } from '../api/index.ts';
import { warmRecordingAudioOnThread } from './audio-warm-up.ts';
import { LOGIN_BACKOFF } from '../domain/index.ts';
import { startRetentionJob, sweepTemporaryBlobs, defaultBlobDir } from '../store/index.ts';
import type { Config } from './config.ts';
import { openRuntime } from './runtime.ts';
import { startSimulation } from './simulation.ts';

export type ServerMessage = { type: 'listening'; url: string } | { type: 'stopped' };

const port = parentPort!;
const config = workerData as Config;
const audio = warmRecordingAudioOnThread();
// Two reader threads: a slow search holds one, cheap requests still find a connection (issue 11).
const runtime = await openRuntime(config, { readers: 2 });
await audio;
const { app, url } = await listen(runtime.ctx, config.host, config.port, {
  logger: config.logger,
  faults: config.faults,
  corsOrigins: config.corsOrigins,
});
// Blobs half-written by a writer that was killed (kill -9 during `sync --recordings`) are removed on start.
await sweepTemporaryBlobs(defaultBlobDir(config.db), Date.now()).catch((err: Error) => {
  process.stderr.write(`blob sweep: ${err.message}\n`);
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

const stopSimulation = config.simulate ? await startSimulation(runtime.store, config.simulate) : null;

port.postMessage({ type: 'listening', url } satisfies ServerMessage);

// The main thread's one message is "stop".
await once(port, 'message');
clearInterval(tokenSweep);
await stopSimulation?.();
await retention.stop();
await app.close();
await runtime.close();
port.postMessage({ type: 'stopped' } satisfies ServerMessage);
