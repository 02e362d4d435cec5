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
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
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

/** Whether this machine stores integers little end first (how rankOrder writes 64-bit keys as two 32-bit words). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The indices 0…n−1 ordered by `first` (most first), then `second` (most first), then `text` (text order), e.g.
 * contacts by talk, calls and number. Each index becomes one unsigned 64-bit key (the pair's rank from the top, then
 * the index) sorted without a comparator, and only runs of equal pairs are sorted by their text (as numbers where
 * the texts are phone numbers: phoneTextKeys). The pair is the figures themselves where they are integers ≥ 0 that
 * fit, else their dense ranks (the whole range of the 10M set has a number with 9.4·10⁹ ms of talk in 47,749 calls:
 * past the 44 bits a million indices leave). A month's 54,677 numbers of the 1M seed took 21–44 ms with a comparator
 * of the three, 11–12 ms so; the 10M set's whole range (1,024,170 numbers) about 750 ms with the comparator.
 * The comparator only where even the ranks do not fit, for NaN, or on a big-endian machine.
 */
export function rankOrder(first: ArrayLike<number>, second: ArrayLike<number>, text: readonly string[]): number[] {
  const n = text.length;
  const order = new Array<number>(n);
  const byText = (x: number, y: number) => (text[x] < text[y] ? -1 : text[x] > text[y] ? 1 : 0);
  const indexBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const fits = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let maxA = 0;
    let maxB = 0;
    for (let i = 0; i < n; i++) {
      if (!(Number.isInteger(a[i]) && a[i] >= 0 && Number.isInteger(b[i]) && b[i] >= 0)) return null;
      if (a[i] > maxA) maxA = a[i];
      if (b[i] > maxB) maxB = b[i];
    }
    const top = maxA * (maxB + 1) + maxB;
    return top < 2 ** 53 && top < 2 ** (64 - indexBits) ? { top, pairs: maxB + 1 } : null;
  };
  let a: ArrayLike<number> = first;
  let b: ArrayLike<number> = second;
  let span = fits(a, b);
  // The second figure's ranks first (calls: a few hundred values, ranked by counting), then the first's too.
  const secondRanks = span || !LITTLE_ENDIAN || indexBits > 31 ? null : denseRanks(second);
  if (secondRanks) {
    b = secondRanks;
    span = fits(a, b);
    const firstRanks = span ? null : denseRanks(first);
    if (firstRanks) {
      a = firstRanks;
      span = fits(a, b);
    }
  }
  if (!span || !LITTLE_ENDIAN || indexBits > 31) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort((x, y) => first[y] - first[x] || second[y] - second[x] || byText(x, y));
  }
  const { top, pairs } = span;
  const keys = new BigUint64Array(n);
  const words = new Uint32Array(keys.buffer);
  // The key is (top − pair) · 2^indexBits + index: its low word holds the pair's low bits and the index.
  const lowSpan = 2 ** (32 - indexBits);
  for (let i = 0; i < n; i++) {
    const rank = top - (a[i] * pairs + b[i]);
    const high = Math.floor(rank / lowSpan);
    words[2 * i] = ((rank - high * lowSpan) * 2 ** indexBits + i) >>> 0;
    words[2 * i + 1] = high;
  }
  keys.sort();
  const mask = 2 ** indexBits - 1;
  for (let j = 0; j < n; j++) order[j] = words[2 * j] & mask;
  let textKeys: Float64Array | null | undefined;
  for (let j = 0; j < n;) {
    const a = order[j];
    let end = j + 1;
    while (end < n && first[order[end]] === first[a] && second[order[end]] === second[a]) end++;
    if (end - j > 1) {
      if (textKeys === undefined) textKeys = phoneTextKeys(text);
      const keys = textKeys;
      const run = order.slice(j, end);
      if (!(keys && run.length >= NATIVE_RUN && sortByDistinctKeys(run, keys))) {
        run.sort(keys ? (x, y) => keys[x] - keys[y] : byText);
      }
      for (let r = 0; r < run.length; r++) order[j + r] = run[r];
    }
    j = end;
  }
  return order;
}

/** Each value's place among the distinct values (0 for the smallest); null if one is NaN. */
function denseRanks(values: ArrayLike<number>): Float64Array | null {
  const ranks = new Float64Array(values.length);
  // Small integers ≥ 0 (counts): by a table of the values present.
  let max = 0;
  for (let i = 0; i < values.length && max >= 0; i++) {
    const v = values[i];
    max = Number.isInteger(v) && v >= 0 && v < 2 ** 22 ? Math.max(max, v) : -1;
  }
  if (max >= 0) {
    const rankOf = new Int32Array(max + 1);
    for (let i = 0; i < values.length; i++) rankOf[values[i]] = 1;
    for (let v = 0, r = 0; v <= max; v++) if (rankOf[v]) rankOf[v] = r++;
    for (let i = 0; i < values.length; i++) ranks[i] = rankOf[values[i]];
    return ranks;
  }
  const distinct = Float64Array.from(values).sort();
  let u = 0;
  for (let i = 0; i < distinct.length; i++) {
    if (Number.isNaN(distinct[i])) return null;
    if (u === 0 || distinct[i] !== distinct[u - 1]) distinct[u++] = distinct[i];
  }
  for (let i = 0; i < values.length; i++) ranks[i] = placeOf(distinct, u, values[i]);
  return ranks;
}

/** Where `value` is, or would go, among the first `length` values of `sorted` (ascending): a binary search. */
function placeOf(sorted: Float64Array, length: number, value: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Runs of tied pairs at least this long are ordered by a native sort of their text keys (sortByDistinctKeys), not a
 * comparator: over a long period most numbers share a few pairs (one call, no talk), so the runs are long.
 */
const NATIVE_RUN = 64;

/**
 * Orders `run` (indices) by `keys`, when no two of them are equal: the keys sorted natively, then each key's index.
 * False, and `run` as it was, when two are equal.
 */
function sortByDistinctKeys(run: number[], keys: Float64Array): boolean {
  const n = run.length;
  const sorted = new Float64Array(n);
  for (let r = 0; r < n; r++) sorted[r] = keys[run[r]];
  sorted.sort();
  for (let r = 1; r < n; r++) if (sorted[r] === sorted[r - 1]) return false;
  // Each index at its key's place, found by binary search (a Map from key to index took about half again as long).
  const placed = new Int32Array(n);
  for (let r = 0; r < n; r++) placed[placeOf(sorted, n, keys[run[r]])] = run[r];
  for (let r = 0; r < n; r++) run[r] = placed[r];
  return true;
}

/**
 * Where every text is `+` and 1–15 digits (contacts' numbers), a number per text in the texts' order: the digits
 * as base-11 places of 15 (a digit d as d + 1, an absent one as 0), below 2^53, so a shorter number sorts before
 * a longer one that starts with it, as its text does. Otherwise null.
 */
function phoneTextKeys(text: readonly string[]): Float64Array | null {
  const keys = new Float64Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const t = text[i];
    if (t.length < 2 || t.length > 16 || t.charCodeAt(0) !== 43) return null;
    let key = 0;
    for (let p = 1; p < 16; p++) {
      let place = 0;
      if (p < t.length) {
        const d = t.charCodeAt(p) - 48;
        if (d < 0 || d > 9) return null;
        place = d + 1;
      }
      key = key * 11 + place;
    }
    keys[i] = key;
  }
  return keys;
}
