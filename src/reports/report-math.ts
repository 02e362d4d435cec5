// The arithmetic every report shares, so each figure is rounded one way: seconds to the millisecond, rates to
// a hundredth of a percent, percentiles by nearest rank.

/** Milliseconds as seconds (exact to the millisecond). */
export const seconds = (ms: number): number => Math.round(ms) / 1000;

/** An average of milliseconds, as seconds rounded to the millisecond; null for no values. */
export const averageSeconds = (totalMs: number, n: number): number | null =>
  n === 0 ? null : Math.round(totalMs / n) / 1000;

/** A share as a percentage with two decimals; null when the whole is zero. */
export const percent = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 10000) / 100;

/** Nearest-rank percentile (p in 0..100) of values sorted ascending; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export type Rounding = 'second' | 'minute' | '6s';
export const ROUNDINGS: readonly Rounding[] = ['second', 'minute', '6s'];

export interface BillingRule {
  /** Per second (started seconds), per started minute, or in started 6-second increments. */
  rounding: Rounding;
  /** Least billable seconds of a billed call. */
  minimumSeconds: number;
  /** Price of a minute of billable time, if amounts are wanted. */
  ratePerMinute?: number;
}

export const DEFAULT_BILLING: BillingRule = { rounding: 'second', minimumSeconds: 0 };

/** Billable seconds of one call with `talkMs` of talk: 0 for no talk, else rounded up and at least the minimum. */
export function billableSeconds(talkMs: number, rule: BillingRule): number {
  if (talkMs <= 0) return 0;
  const unit = rule.rounding === 'minute' ? 60 : rule.rounding === '6s' ? 6 : 1;
  const billed = Math.ceil(talkMs / (unit * 1000)) * unit;
  return Math.max(billed, rule.minimumSeconds);
}

/** The amount for billable seconds at a per-minute rate, to a hundredth of a cent. */
export const billedAmount = (billable: number, ratePerMinute: number): number =>
  Math.round(((billable * ratePerMinute) / 60) * 10000) / 10000;
