// A value that changes over time, kept in the store's write-once settings: each write adds `key#n` with the next
// n, and the highest n holds the current value. Writes never overwrite, so a kill -9 leaves the last whole value.

import type { Store } from '../store/index.ts';

export type SettingsStore = Pick<Store, 'getSetting' | 'initSetting'>;

export interface Register {
  /** The newest value written, or null when none was. */
  read(): Promise<string | null>;
  write(value: string): Promise<void>;
}

export function settingsRegister(store: SettingsStore, key: string): Register {
  /** Highest index known to exist (0 = none); null until first looked up. */
  let known: number | null = null;
  const slot = (n: number) => `${key}#${n}`;
  const exists = async (n: number) => (await store.getSetting(slot(n))) !== null;

  /** Indices are contiguous from 1: find the last by doubling then bisecting, then step past later writers. */
  async function latest(): Promise<number> {
    let found = known ?? 0;
    if (known === null) {
      let missing = 1;
      while (await exists(missing)) {
        found = missing;
        missing *= 2;
      }
      while (missing - found > 1) {
        const mid = Math.floor((found + missing) / 2);
        if (await exists(mid)) found = mid;
        else missing = mid;
      }
    }
    while (await exists(found + 1)) found += 1;
    known = found;
    return found;
  }

  return {
    async read() {
      const n = await latest();
      return n === 0 ? null : store.getSetting(slot(n));
    },
    async write(value) {
      // Another process may take the next slot first: initSetting keeps its value and we move one further.
      for (let n = (await latest()) + 1; ; n += 1) {
        if ((await store.initSetting(slot(n), value)) === value) {
          known = n;
          return;
        }
      }
    },
  };
}
