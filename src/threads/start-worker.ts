// Starts a worker thread on a module of this package: its .js file once compiled, its .ts file under tsx.

import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * `module` is the worker's file without its extension, as a URL beside the caller
 * (`new URL('./decode-worker', import.meta.url)`).
 */
export function startWorker(module: URL, options: WorkerOptions = {}): Worker {
  if (import.meta.url.endsWith('.ts')) {
    // Running under tsx (tests, benchmarks): Node 20 gives workers no loader hooks, so the thread registers tsx
    // itself before it loads the TypeScript worker.
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const entry = JSON.stringify(`${module.href}.ts`);
    return new Worker(`import(${tsx}).then((m) => { m.register(); return import(${entry}); })`, {
      ...options,
      eval: true,
    });
  }
  return new Worker(new URL(`${module.href}.js`), options);
}
