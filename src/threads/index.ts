// Starting worker threads from this package's own modules, compiled or not.

export { startWorker } from './start-worker.ts';
