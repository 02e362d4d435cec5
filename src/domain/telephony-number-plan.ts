// How ringlog rates a number the company calls or is called from: the call log's `internalType` and the
// per-minute cost of a call (international destinations are charged; the rest is included in the plan).

import type { Billing } from './call-log-record.ts';
import type { InternalType } from './enums.ts';

export const TOLL_FREE_PREFIXES = ['800', '888', '877', '866', '855'] as const;

/** International destinations: E.164 prefix, digits after it, and the per-minute rate charged. */
export const INTERNATIONAL_DESTINATIONS = [
  { prefix: '+4420', digits: 8, ratePerMinute: 0.029 },
  { prefix: '+4930', digits: 8, ratePerMinute: 0.035 },
  { prefix: '+331', digits: 8, ratePerMinute: 0.032 },
  { prefix: '+5255', digits: 8, ratePerMinute: 0.09 },
  { prefix: '+9122', digits: 8, ratePerMinute: 0.05 },
  { prefix: '+8133', digits: 7, ratePerMinute: 0.07 },
  { prefix: '+612', digits: 8, ratePerMinute: 0.04 },
] as const;

/** Area codes rated `Local` (the Bay Area, where the generated companies sit); other US numbers are LongDistance. */
export const LOCAL_AREA_CODES: readonly string[] = ['650', '415', '408', '510', '669'];

export const NO_BILLING: Billing = Object.freeze({ costIncluded: 0, costPurchased: 0 });

export interface NumberPlan {
  /** undefined for numbers that are not E.164 (extension numbers). */
  internalType(phoneNumber: string): InternalType | undefined;
  /** Cost of `talkMs` of talk to this number: whole minutes started, at the destination's rate. */
  billing(phoneNumber: string, talkMs: number): Billing;
  tollFree(phoneNumber: string): boolean;
}

/** ringlog's number plan, with `localAreaCodes` rated Local. */
export function numberPlan(localAreaCodes: readonly string[] = LOCAL_AREA_CODES): NumberPlan {
  const local = new Set(localAreaCodes);
  const tollFreeCodes = new Set<string>(TOLL_FREE_PREFIXES);
  const tollFree = (n: string) => n.startsWith('+1') && tollFreeCodes.has(n.slice(2, 5));
  const rate = (n: string) => INTERNATIONAL_DESTINATIONS.find((d) => n.startsWith(d.prefix))?.ratePerMinute ?? 0;
  return {
    tollFree,
    internalType(n) {
      if (!n.startsWith('+')) return undefined;
      if (!n.startsWith('+1')) return 'International';
      if (tollFree(n)) return 'TollFreeNumber';
      return local.has(n.slice(2, 5)) ? 'Local' : 'LongDistance';
    },
    billing(n, talkMs) {
      const perMinute = rate(n);
      if (perMinute === 0) return NO_BILLING;
      const cost = Math.ceil(talkMs / 60_000) * perMinute;
      return { costIncluded: 0, costPurchased: Math.round(cost * 1000) / 1000 };
    },
  };
}
