// `ringlog serve` (and demo): runs the API server in a worker thread and stops it on SIGINT or SIGTERM.
//
// A thread because of garbage collection: a list page allocates 200-300 KB (its rows as strings, then the
// response) that lives as long as the request. Under load, in V8's default young generation (16 MB semi-spaces),
// most of it is still alive at the next scavenge and is copied into the old generation, which then needs a full
// collection every half second. A worker's young generation can be sized, the main thread's only by a node flag.

import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/index.ts';
import type { Config } from './config.ts';
import type { ServerMessage } from './server-worker.ts';

/**
 * 192 MB of young generation = 64 MB semi-spaces. Measured on 1M records in PostgreSQL with 10 connections, against
 * the same server on the main thread: list requests/s +12-17% (Simple pages) and +20-30% (Detailed); 96 MB did as
 * well within the noise. V8 grows the young generation only as far as the load needs: an idle server stays small,
 * a loaded one peaked at 250-350 MiB RSS instead of 190-230.
 */
const SERVER_LIMITS = { maxYoungGenerationSizeMb: 192 };

/** Starts the server thread; resolves with its base URL once it listens, rejects if it cannot start. */
function startServer(config: Config): Promise<{ worker: Worker; url: string }> {
  const worker = startWorker(new URL('./server-worker', import.meta.url), {
    workerData: config,
    resourceLimits: SERVER_LIMITS,
  });
  return new Promise((resolve, reject) => {
    const failed = (err: Error) => reject(err);
    const exited = (code: number) => reject(new Error(`the server stopped before listening (exit code ${code})`));
    const listening = (message: ServerMessage) => {
      if (message.type !== 'listening') return;
      worker.off('message', listening);
      worker.off('error', failed);
      worker.off('exit', exited);
      resolve({ worker, url: message.url });
    };
    worker.once('error', failed);
    worker.once('exit', exited);
    worker.on('message', listening);
  });
}

export async function serve(config: Config, afterStart?: (url: string) => void | Promise<void>): Promise<void> {
  const { worker, url } = await startServer(config);
  process.stdout.write(`${url}\n`);
  let stopping = false;
  // After the start, a failure of the server thread ends the command, as an uncaught error would.
  worker.on('error', (err) => {
    process.stderr.write(`ringlog: ${err.message}\n`);
    process.exit(1);
  });
  worker.on('exit', (code) => process.exit(stopping ? 0 : code || 1));
  worker.on('message', (message: ServerMessage) => {
    if (message.type === 'stopped') void worker.terminate();
  });
  const stop = () => {
    stopping = true;
    worker.postMessage('stop');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (afterStart) await afterStart(url);
}
