// The notification service's periodic cleanup: forgets what nobody can still use (WebHook subscriptions that
// expired, WebSocket sessions past recovery) and prunes the event log behind everyone still owed an event.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { SubscriptionsStore } from '../store/index.ts';

/**
 * How long events are kept in the log once delivered to everyone who may still ask for them. A WebHook receiver
 * that is down keeps its events however long it is down, as long as its subscription lives: its cursor holds them.
 */
export const EVENT_RETENTION_MS = 3600_000;
/** How often every server runs housekeep. */
export const HOUSEKEEPING_MS = 60_000;
/** Events deleted per statement (a short transaction each, however big the backlog). */
const PRUNE_CHUNK = 1000;

export interface HousekeepingResult {
  expiredSubscriptions: number;
  abandonedSessions: number;
  prunedEvents: number;
}

/**
 * Removes expired WebHook subscriptions (their cursors with them) and WebSocket sessions that can no longer
 * recover (closed, or left open by a killed server, longer than `recoveryMs` ago), then deletes events older than
 * EVENT_RETENTION_MS below the lowest position still owed. Safe on several servers at once.
 */
export async function housekeep(
  store: SubscriptionsStore,
  now: number,
  recoveryMs: number,
): Promise<HousekeepingResult> {
  const expiredSubscriptions = await store.deleteExpiredWebhooks(now);
  const abandonedSessions = await store.giveUpWsSessions(now - recoveryMs);
  const upTo = (await store.lowestOwed(now, now - recoveryMs)) ?? Number.MAX_SAFE_INTEGER;
  let prunedEvents = 0;
  for (;;) {
    const pruned = await store.events.prune(now - EVENT_RETENTION_MS, upTo, PRUNE_CHUNK);
    prunedEvents += pruned;
    if (pruned < PRUNE_CHUNK) break;
    await yieldToEventLoop();
  }
  return { expiredSubscriptions, abandonedSessions, prunedEvents };
}
