// createTelephony: the facade over the durable intake and the live views kept in the store.

import { errors } from '../domain/index.ts';
import type { Store } from '../store/index.ts';
import type { Telephony, TelephonyOptions } from './telephony.ts';

export function createTelephony(store: Store, options: TelephonyOptions = {}): Telephony {
  void store;
  void options;
  const unavailable = () => Promise.reject(errors.serviceUnavailable());
  return {
    ingest: unavailable,
    activeCalls: unavailable,
    session: unavailable,
    presence: unavailable,
    close: () => Promise.resolve(),
  };
}
