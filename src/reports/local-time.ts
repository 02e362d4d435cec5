// Wall-clock time in a report's time zone: weekday, minute of day and the start of the hour/day/week/month bucket
// an instant falls in. Offsets come from Intl once per quarter hour of UTC (zones change offset on quarter hours).

import { DAY_MS, errors } from '../domain/index.ts';

export type Interval = 'hour' | 'day' | 'week' | 'month';
export const INTERVALS: readonly Interval[] = ['hour', 'day', 'week', 'month'];

const QUARTER_MS = 900_000;
const HOUR_MS = 3_600_000;

export interface BusinessHours {
  /** Weekdays that have business hours, 0 = Sunday. */
  days: readonly number[];
  /** Minutes after local midnight: open from `start` (inclusive) to `end` (exclusive). */
  start: number;
  end: number;
}

/** Monday to Friday, 08:00 to 18:00. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours = { days: [1, 2, 3, 4, 5], start: 8 * 60, end: 18 * 60 };

/** Parses `Mon-Fri 08:00-18:00` (days as a range or a comma list of Sun..Sat). */
export function parseBusinessHours(spec: string): BusinessHours {
  const names = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const m = /^\s*([A-Za-z,-]+)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(spec);
  if (!m) throw errors.invalidParameter('businessHours', spec);
  const day = (name: string) => {
    const i = names.indexOf(name.slice(0, 3).toLowerCase());
    if (i < 0) throw errors.invalidParameter('businessHours', spec);
    return i;
  };
  const days = new Set<number>();
  for (const part of m[1].split(',')) {
    const [a, b] = part.split('-');
    if (b === undefined) days.add(day(a));
    else
      for (let d = day(a); ; d = (d + 1) % 7) {
        days.add(d);
        if (d === day(b)) break;
      }
  }
  const start = Number(m[2]) * 60 + Number(m[3]);
  const end = Number(m[4]) * 60 + Number(m[5]);
  if (start >= end || end > 24 * 60) throw errors.invalidParameter('businessHours', spec);
  return { days: [...days].sort(), start, end };
}

export class LocalClock {
  private readonly offsets = new Map<number, number>();
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
    } catch {
      throw errors.invalidParameter('timeZone', timeZone);
    }
  }

  /** Local time minus UTC at `t`, in ms. */
  offset(t: number): number {
    const key = Math.floor(t / QUARTER_MS);
    let offset = this.offsets.get(key);
    if (offset === undefined) {
      const at = key * QUARTER_MS;
      const p: Record<string, number> = {};
      for (const part of this.format.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
      offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - at;
      this.offsets.set(key, offset);
    }
    return offset;
  }

  /** `t` shifted so its UTC fields read the local wall clock. */
  wall(t: number): number {
    return t + this.offset(t);
  }

  weekday(t: number): number {
    return new Date(this.wall(t)).getUTCDay();
  }

  minuteOfDay(t: number): number {
    const w = this.wall(t);
    return Math.floor((((w % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
  }

  isBusinessTime(t: number, hours: BusinessHours): boolean {
    const w = this.wall(t);
    const day = new Date(w).getUTCDay();
    const minute = Math.floor((((w % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
    return hours.days.includes(day) && minute >= hours.start && minute < hours.end;
  }

  /** The local wall-clock start of the bucket holding `t` (as a UTC-fields instant; see `label`, `instant`). */
  bucketWall(t: number, interval: Interval): number {
    return LocalClock.floorWall(this.wall(t), interval);
  }

  /** The start of the bucket holding the wall-clock time `w`. */
  static floorWall(w: number, interval: Interval): number {
    switch (interval) {
      case 'hour':
        return Math.floor(w / HOUR_MS) * HOUR_MS;
      case 'day':
        return Math.floor(w / DAY_MS) * DAY_MS;
      case 'week': {
        // Weeks start on Monday (ISO 8601).
        const day = Math.floor(w / DAY_MS) * DAY_MS;
        return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
      }
      case 'month': {
        const d = new Date(w);
        return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      }
    }
  }

  /**
   * The zone's UTC offsets over [from, to) as segments (each offset from an instant on), found by sampling every
   * 6 hours and searching the quarter hour where the offset changes (zones change offset on quarter hours).
   */
  segments(from: number, to: number): { from: number; offsetMs: number }[] {
    let q = Math.floor(from / QUARTER_MS);
    const last = Math.floor((to - 1) / QUARTER_MS);
    const out = [{ from, offsetMs: this.offset(q * QUARTER_MS) }];
    while (q < last) {
      const next = Math.min(q + 24, last);
      const current = out[out.length - 1].offsetMs;
      if (this.offset(next * QUARTER_MS) !== current) {
        let lo = q;
        let hi = next;
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (this.offset(mid * QUARTER_MS) === current) lo = mid;
          else hi = mid;
        }
        out.push({ from: hi * QUARTER_MS, offsetMs: this.offset(hi * QUARTER_MS) });
        q = hi;
      } else q = next;
    }
    return out;
  }

  /** The wall-clock start of the bucket after the one starting at `wall`. */
  nextBucketWall(wall: number, interval: Interval): number {
    switch (interval) {
      case 'hour':
        return wall + HOUR_MS;
      case 'day':
        return wall + DAY_MS;
      case 'week':
        return wall + 7 * DAY_MS;
      case 'month': {
        const d = new Date(wall);
        return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      }
    }
  }

  /** The UTC instant at which the local wall clock reads `wall` (the earlier one when a clock change repeats it). */
  instant(wall: number): number {
    let t = wall - this.offset(wall);
    t = wall - this.offset(t);
    return t;
  }

  /** A readable label of a bucket: `2025-01-06` (day, week = its Monday), `2025-01-06 09:00` (hour), `2025-01` (month). */
  static label(wall: number, interval: Interval): string {
    const iso = new Date(wall).toISOString();
    if (interval === 'hour') return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
    if (interval === 'month') return iso.slice(0, 7);
    return iso.slice(0, 10);
  }
}
