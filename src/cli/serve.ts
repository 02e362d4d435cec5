// `ringlog serve` (and demo): runs the API server in a worker thread and stops it on SIGINT or SIGTERM.
//
// A thread because of garbage collection: a worker's young generation can be sized, the main thread's only by a
// node flag. List pages no longer pass through the server thread as strings (a SQLite reader thread writes a page's
// JSON bytes and hands the buffer over: sqlite-readers.ts), so what it allocates per request is small and dies young.

import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/index.ts';
import type { Config } from './config.ts';
import type { ServerMessage } from './server-worker.ts';

/**
 * 16 MB of young generation (96 MB was set while the server thread still built every page from strings): young-
 * generation pages stay resident once grown, so its cap is RSS; 96 MB cost no less CPU a request with pages built on
 * the reader threads (docs/benchmarks.md, issue 16).
 */
const SERVER_LIMITS = { maxYoungGenerationSizeMb: 16 };

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
