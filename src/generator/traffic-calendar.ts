// When a generated company's calls happen: its clock (America/Los_Angeles, US daylight-saving rules), the
// hour-of-day and weekday curves, and the drawing of call start times for a span of time.

import { DAY_MS, type SeededRandom } from '../domain/index.ts';

export const COMPANY_TIME_ZONE = 'America/Los_Angeles';

const HOUR_MS = 3_600_000;

/** Relative call intensity per local hour 0..23 (normalised to shares in HOUR_SHARES). */
const HOUR_WEIGHTS = [
  0.05,
  0.05,
  0.05,
  0.05,
  0.05,
  0.05,
  0.2,
  0.5, // 00-07
  1.2,
  2.2,
  2.6,
  2.5,
  1.8,
  2.2,
  2.5,
  2.4,
  2.1,
  1.4, // 08-17
  0.6,
  0.3,
  0.2,
  0.12,
  0.08,
  0.06, // 18-23
];
const HOUR_WEIGHT_TOTAL = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);

/** Share of a day's calls that start in each local hour (sums to 1). */
export const HOUR_SHARES: readonly number[] = HOUR_WEIGHTS.map((w) => w / HOUR_WEIGHT_TOTAL);

/** Day volume relative to an average weekday, Sunday first (Monday..Friday average exactly 1). */
export const WEEKDAY_WEIGHTS: readonly number[] = [0.06, 1.0, 1.05, 1.02, 1.0, 0.93, 0.12];

/** Local business hours: Monday to Friday, 08:00 to 18:00. */
export const BUSINESS_HOURS = { open: 8, close: 18 } as const;

const dstCache = new Map<number, readonly [number, number]>();

/** UTC instants where daylight saving starts (2nd Sunday of March, 10:00 UTC) and ends (1st Sunday of November, 09:00 UTC). */
function dstSpan(year: number): readonly [number, number] {
  let span = dstCache.get(year);
  if (!span) {
    const march1 = new Date(Date.UTC(year, 2, 1)).getUTCDay();
    const nov1 = new Date(Date.UTC(year, 10, 1)).getUTCDay();
    const start = Date.UTC(year, 2, 1 + ((7 - march1) % 7) + 7, 10);
    const end = Date.UTC(year, 10, 1 + ((7 - nov1) % 7), 9);
    span = [start, end];
    dstCache.set(year, span);
  }
  return span;
}

/** The company clock's offset from UTC at instant `t` (ms): -7 h in summer, -8 h in winter. */
export function utcOffsetMs(t: number): number {
  const [start, end] = dstSpan(new Date(t).getUTCFullYear());
  return t >= start && t < end ? -7 * HOUR_MS : -8 * HOUR_MS;
}

/** Local hour 0..23 and weekday 0..6 (Sunday = 0) of instant `t` on the company clock. */
export function localClock(t: number): { hour: number; weekday: number } {
  const local = t + utcOffsetMs(t);
  const hour = Math.floor(local / HOUR_MS) % 24;
  const weekday = (Math.floor(local / DAY_MS) + 4) % 7; // 1970-01-01 was a Thursday
  return { hour: hour < 0 ? hour + 24 : hour, weekday: weekday < 0 ? weekday + 7 : weekday };
}

/** Whether the company is open at `t` (callers then reach people rather than voicemail). */
export function isBusinessTime(t: number): boolean {
  const { hour, weekday } = localClock(t);
  return weekday >= 1 && weekday <= 5 && hour >= BUSINESS_HOURS.open && hour < BUSINESS_HOURS.close;
}

interface Segment {
  start: number;
  end: number;
  cumulative: number;
}

/** Splits [from, to) at UTC hour boundaries (local hours too: the offsets are whole hours), weighted by intensity. */
function segments(from: number, to: number): Segment[] {
  const out: Segment[] = [];
  let cumulative = 0;
  for (let t = from; t < to;) {
    const end = Math.min(to, (Math.floor(t / HOUR_MS) + 1) * HOUR_MS);
    const { hour, weekday } = localClock(t);
    cumulative += (HOUR_SHARES[hour] * WEEKDAY_WEIGHTS[weekday] * (end - t)) / HOUR_MS;
    out.push({ start: t, end, cumulative });
    t = end;
  }
  return out;
}

/**
 * Start times (whole seconds, ascending) of the calls in [from, to): a Poisson count whose mean is
 * `callsPerWeekday` times the span's share of an average weekday, spread along the hour and weekday curves.
 */
export function callStartTimes(rng: SeededRandom, from: number, to: number, callsPerWeekday: number): Float64Array {
  const parts = segments(from, to);
  const total = parts.length ? parts[parts.length - 1].cumulative : 0;
  const times = new Float64Array(rng.poisson(callsPerWeekday * total));
  for (let i = 0; i < times.length; i++) {
    const x = rng.next() * total;
    let k = 0;
    while (k < parts.length - 1 && parts[k].cumulative <= x) k++;
    const { start, end } = parts[k];
    const t = Math.floor((start + rng.next() * (end - start)) / 1000) * 1000;
    times[i] = t < from ? from : t;
  }
  return times.sort();
}
