// Turning an event-log row into the notifications one subscription receives (reference §11.3 envelope:
// uuid, event, timestamp, subscriptionId, ownerId, body), one per matching filter.

import { hash } from 'node:crypto';
import { isoDateTime, prepareRecordJson, withBase, type CallLogRecord } from '../domain/index.ts';
import type { LoggedEvent } from '../store/index.ts';
import { deliverable, type EventFilter } from './event-filters.ts';

/** What delivery needs of a subscription. */
export interface Deliverable {
  id: string;
  ownerId: string;
  filters: EventFilter[];
}

const key64 = (text: string): bigint => hash('sha256', text, 'buffer').readBigUInt64BE(0);

/** Per subscription, the half of its notifications' uuids that is its own (one hash per subscription). */
const subscriptionKeys = new WeakMap<Deliverable, bigint>();

/**
 * A notification's uuid: the same for the same event, subscription and filter on every server and every retry,
 * so a receiver can drop duplicates of at-least-once delivery. Numeric, as RingCentral's are. A hash of the event
 * and filter (computed once for all subscribers) combined with a hash of the subscription: a hundred subscribers
 * of an event cost one hash, not a hundred.
 */
export function notificationUuid(subscription: Deliverable, eventFilterKey: bigint): string {
  let key = subscriptionKeys.get(subscription);
  if (key === undefined) subscriptionKeys.set(subscription, (key = key64(subscription.id)));
  return (key ^ eventFilterKey).toString().slice(0, 19);
}

/**
 * Reads an event for its notifications: parses the body once, however many filters read it (call-log records
 * become the Detailed wire record), and keeps each filter's match as JSON text, so a hundred subscribers of one
 * filter cost one match and one stringify; each subscriber's notification is its envelope's few fields around it.
 */
export interface EventReader {
  (): unknown;
  /**
   * By filter text: the JSON of what it delivers (`body`, or the flat fields of missed calls) and the event and
   * filter's half of the notifications' uuids; null when the filter does not match.
   */
  matches: Map<string, { tail: NotificationTail; key: bigint } | null>;
  /** The notifications' `timestamp`, as a JSON string. */
  timestamp: string;
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
  return Object.assign(read, { matches: new Map(), timestamp: JSON.stringify(isoDateTime(event.createdAt)) });
}

/** What every subscriber of a filter receives of an event: the notification's JSON after the envelope's fields. */
export interface NotificationTail {
  /** `,"body":{…}}`, or the flat fields of a missed call with `,"pn_ttl":30}`. */
  text: string;
  /** The end of a WebSocket frame carrying it (`text` and `]`), encoded once for all the sockets. */
  frameEnd?: Buffer;
}

/** A notification: its subscriber's own envelope (`head`: uuid, event, timestamp, subscriptionId, ownerId) and the shared tail. */
export interface Notification {
  head: string;
  tail: NotificationTail;
}

/** A notification's JSON text. */
export const notificationText = (n: Notification): string => n.head + n.tail.text;

/**
 * The notifications an event makes for a subscription: RingCentral's envelope (uuid, event, timestamp,
 * subscriptionId, ownerId, in that order) with `body`, or with the flat fields of a missed call and `pn_ttl`.
 */
export function notificationsFor(subscription: Deliverable, event: LoggedEvent, read: EventReader): Notification[] {
  const out: Notification[] = [];
  for (const filter of subscription.filters) {
    let match = read.matches.get(filter.filter);
    if (match === undefined) {
      const found = deliverable(filter, event, read);
      match = found && {
        tail: {
          text: found.flat
            ? `,${JSON.stringify(found.flat).slice(1, -1)},"pn_ttl":30}`
            : `,"body":${JSON.stringify(found.body)}}`,
        },
        key: key64(`${event.id}\n${filter.filter}`),
      };
      read.matches.set(filter.filter, match);
    }
    if (!match) continue;
    const head =
      `{"uuid":"${notificationUuid(subscription, match.key)}","event":${JSON.stringify(filter.filter)},` +
      `"timestamp":${read.timestamp},"subscriptionId":${JSON.stringify(subscription.id)},` +
      `"ownerId":${JSON.stringify(subscription.ownerId)}`;
    out.push({ head, tail: match.tail });
  }
  return out;
}
