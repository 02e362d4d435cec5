// What the commands share in reading their options: the --db option, and one parser per kind of value (whole
// numbers, positive numbers, dates), each a zod schema so that option values and JSON settings files agree.

import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { DAY_MS, parseDateTime } from '../domain/index.ts';

/** A zod error as one line: each problem with the field it is in. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** A JSON settings file read with `schema`; an error names the file (after `label`) and each bad field. */
export function readSettingsFile<T>(path: string, schema: z.ZodType<T>, label = ''): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${label}${path}: ${(err as Error).message}`);
  }
  const result = schema.safeParse(json);
  if (!result.success) throw new Error(`${label}${path}: ${describeIssues(result.error)}`);
  return result.data;
}

/** A commander argParser that reads a value with `schema` (commander names the option in its message). */
export function parsedBy<T>(schema: z.ZodType<T, string>): (value: string) => T {
  return (value) => {
    const result = schema.safeParse(value);
    if (!result.success) throw new InvalidArgumentError(describeIssues(result.error));
    return result.data;
  };
}

/** A commander argParser from a parsing function that throws: its message becomes commander's, which names the option. */
export function checked<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

/** A whole number written in digits, from `min` (0) up to `max`. */
export const wholeNumber = (min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const positiveNumber = z
  .string()
  .transform(Number)
  .pipe(z.number({ error: 'must be a number' }).positive('must be a positive number').finite());

/** A date (YYYY-MM-DD, midnight UTC) or an ISO 8601 date-time, as epoch ms; `endOfDay` reads a date as its last ms. */
export function dateTime({ endOfDay = false } = {}) {
  return z.string().transform((value, ctx) => {
    const ms = parseDateTime(value);
    if (ms === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a date like 2026-11-20 or a date-time like 2026-11-20T08:00:00Z',
      });
      return z.NEVER;
    }
    return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(value) ? ms + DAY_MS - 1 : ms;
  });
}

/** The one option every command that opens the store has. */
export function dbOption(): Option {
  return new Option('--db <location>', 'SQLite file or postgres:// URL').env('RINGLOG_DB').default('./ringlog.db');
}
