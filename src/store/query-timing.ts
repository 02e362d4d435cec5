// Time of every query the store runs, for whoever listens (the API's metrics): Kysely's log hook feeds it.

import type { LogEvent } from 'kysely';

type Listener = (seconds: number, failed: boolean) => void;
const listeners = new Set<Listener>();

/** Calls `listener` with the duration of every query of this thread's stores; returns the unsubscribe. */
export function onQueryTimed(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Kysely's `log` option for the stores. */
export function logQueryTime(event: LogEvent): void {
  if (!listeners.size) return;
  const seconds = event.queryDurationMillis / 1000;
  for (const listener of listeners) listener(seconds, event.level === 'error');
}
