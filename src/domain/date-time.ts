// Parses the date-time forms RingCentral accepts in query parameters (YYYY, YYYY-MM, YYYY-MM-DD, and
// YYYY-MM-DDThh:mm[:ss[.s]][TZD]); a missing zone means UTC. Returns epoch milliseconds or null.

const PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+\- ]\d{2}(?::?\d{2})?)?)?)?)?$/;

export function parseDateTime(input: string): number | null {
  const common = parseCommonForm(input);
  if (common !== undefined) return common;
  const m = PATTERN.exec(input);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (day > daysInMonth(year, month)) return null;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let offsetMin = 0;
  if (zone !== 'Z' && zone !== 'z') {
    // A '+' in an unencoded query string arrives as a space.
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return null;
    offsetMin = sign * (oh * 60 + om);
  }
  return utcMs(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000;
}

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Date.UTC without its mapping of years 0–99 to 1900–1999. */
function utcMs(year: number, monthIndex: number, day: number, h: number, mi: number, s: number, ms: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  d.setUTCHours(h, mi, s, ms);
  return d.getTime();
}

/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;

/** The day of the last `YYYY-MM-DD` read by parseCommonForm (records come in runs of the same day). */
let lastDate = '';
let lastDayMs: number | null = null;

/** A digit's value at `i`, or NaN. */
function digit(input: string, i: number): number {
  const d = input.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

/**
 * The form RingCentral (and ringlog) write, YYYY-MM-DDThh:mm:ss[.sss]Z, read without the general pattern: imports
 * read millions of these. Undefined when `input` has another form (parseDateTime then reads it).
 */
function parseCommonForm(input: string): number | null | undefined {
  const n = input.length;
  if ((n !== 20 && n !== 24) || input[10] !== 'T' || input[13] !== ':' || input[16] !== ':' || input[n - 1] !== 'Z') {
    return undefined;
  }
  if (n === 24 && input[19] !== '.') return undefined;
  const date = input.slice(0, 10);
  if (date !== lastDate) {
    lastDayMs = parseDateTime(date);
    lastDate = date;
  }
  const hour = digit(input, 11) * 10 + digit(input, 12);
  const minute = digit(input, 14) * 10 + digit(input, 15);
  const second = digit(input, 17) * 10 + digit(input, 18);
  const ms = n === 24 ? digit(input, 20) * 100 + digit(input, 21) * 10 + digit(input, 22) : 0;
  // NaN (a non-digit) fails these comparisons too.
  if (!(hour <= 23 && minute <= 59 && second <= 59 && ms >= 0)) return lastDayMs === null ? null : undefined;
  if (lastDayMs === null) return null;
  return lastDayMs + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

let isoDay = Number.NaN;
let isoDate = '';

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** `new Date(ms).toISOString()`, with the date part kept from the previous call of the same day. */
export function isoDateTime(ms: number): string {
  if (!Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== isoDay) {
    const full = new Date(day * DAY_MS).toISOString();
    isoDate = full.slice(0, full.indexOf('T') + 1);
    isoDay = day;
  }
  const t = ms - day * DAY_MS;
  const hour = Math.floor(t / 3_600_000);
  const minute = Math.floor(t / 60_000) % 60;
  const second = Math.floor(t / 1000) % 60;
  return `${isoDate}${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${pad3(t % 1000)}Z`;
}
