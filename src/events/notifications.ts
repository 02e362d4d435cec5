// Turning an event-log row into the notifications one subscription receives (reference §11.3 envelope:
// uuid, event, timestamp, subscriptionId, ownerId, body), one per matching filter.

import { createHash } from 'node:crypto';
import { isoDateTime, prepareRecordJson, withBase, type CallLogRecord } from '../domain/index.ts';
import type { LoggedEvent } from '../store/index.ts';
import { deliverable, type EventFilter } from './event-filters.ts';

/** What delivery needs of a subscription. */
export interface Deliverable {
  id: string;
  ownerId: string;
  filters: EventFilter[];
}

/**
 * A notification's uuid: the same for the same event, subscription and filter on every server and every retry,
 * so a receiver can drop duplicates of at-least-once delivery. Numeric, as RingCentral's are.
 */
export function notificationUuid(subscriptionId: string, eventId: number, filter: string): string {
  const digest = createHash('sha256').update(`${subscriptionId}\n${eventId}\n${filter}`).digest();
  return digest.readBigUInt64BE(0).toString().slice(0, 19);
}

/** Parses an event body once, however many filters read it; call-log records become the Detailed wire record. */
export function eventReader(event: LoggedEvent, baseUrl: string): () => unknown {
  let value: unknown;
  return () => {
    if (value === undefined) {
      if (event.topic === 'call-log-record') {
        const record = JSON.parse(event.body) as CallLogRecord;
        value = JSON.parse(withBase(prepareRecordJson(record).detailed, baseUrl));
      } else {
        value = JSON.parse(event.body);
      }
    }
    return value;
  };
}

/** The notifications (JSON text) an event makes for a subscription. */
export function notificationsFor(subscription: Deliverable, event: LoggedEvent, read: () => unknown): string[] {
  const out: string[] = [];
  for (const filter of subscription.filters) {
    const match = deliverable(filter, event, read);
    if (!match) continue;
    const head = {
      uuid: notificationUuid(subscription.id, event.id, filter.filter),
      event: filter.filter,
      timestamp: isoDateTime(event.createdAt),
      subscriptionId: subscription.id,
      ownerId: subscription.ownerId,
    };
    out.push(JSON.stringify(match.flat ? { ...head, ...match.flat, pn_ttl: 30 } : { ...head, body: match.body }));
  }
  return out;
}
