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

/**
 * Reads an event for its notifications: parses the body once, however many filters read it (call-log records
 * become the Detailed wire record), and keeps each filter's match as JSON text, so a hundred subscribers of one
 * filter cost one match and one stringify.
 */
export interface EventReader {
  (): unknown;
  matches: Map<string, { json?: string; flat?: Record<string, unknown> } | null>;
}

export function eventReader(event: LoggedEvent, baseUrl: string): EventReader {
  let value: unknown;
  const read = () => {
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
  return Object.assign(read, { matches: new Map() });
}

/** The notifications (JSON text) an event makes for a subscription. */
export function notificationsFor(subscription: Deliverable, event: LoggedEvent, read: EventReader): string[] {
  const out: string[] = [];
  for (const filter of subscription.filters) {
    let match = read.matches.get(filter.filter);
    if (match === undefined) {
      const found = deliverable(filter, event, read);
      match = found && (found.flat ? { flat: found.flat } : { json: JSON.stringify(found.body) });
      read.matches.set(filter.filter, match);
    }
    if (!match) continue;
    const head = {
      uuid: notificationUuid(subscription.id, event.id, filter.filter),
      event: filter.filter,
      timestamp: isoDateTime(event.createdAt),
      subscriptionId: subscription.id,
      ownerId: subscription.ownerId,
    };
    if (match.flat) out.push(JSON.stringify({ ...head, ...match.flat, pn_ttl: 30 }));
    else out.push(`${JSON.stringify(head).slice(0, -1)},"body":${match.json}}`);
  }
  return out;
}
