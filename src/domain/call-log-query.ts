// The call-log list query: parses and validates RingCentral's list parameters into a CallLogQuery
// (the store's SQL does the matching; test/support/call-log-reference.ts holds the plain reference semantics).

import { CALL_TYPES, DIRECTIONS, RECORDING_TYPE_FILTERS, RESULTS, TRANSPORTS, VIEWS } from './enums.ts';
import type { CallType, Direction, RecordingTypeFilter, Transport, View } from './enums.ts';
import { errors } from './errors.ts';
import { DAY_MS, parseDateTime } from './date-time.ts';
import { phoneDigits } from './call-log-record.ts';

export type RawQuery = Record<string, string | string[] | undefined>;

export const MAX_PER_PAGE = 1000;
export const DEFAULT_PER_PAGE = 100;

export interface CallLogFilter {
  accountId: string;
  /** The extension whose log is read; null reads the company log. */
  extensionId: string | null;
  /** Inclusive bounds on startTime, epoch ms. */
  dateFrom: number;
  dateTo: number;
  direction?: Direction[];
  type?: CallType[];
  transport?: Transport[];
  /** Only calls in which this extension took part (from `extensionNumber`). */
  extensionNumber?: string;
  /** Digits only; matches `from` or `to`. */
  phoneNumber?: string;
  /** `All` = any recording. */
  recordingType?: RecordingTypeFilter;
  sessionId?: string;
  telephonySessionId?: string;
  /** Only these results (the list's `result`, a ringlog extension; call-log-sync's statusGroup). */
  results?: string[];
  showBlocked: boolean;
  showDeleted: boolean;
}

export interface CallLogQuery extends CallLogFilter {
  view: View;
  page: number;
  perPage: number;
  /** Keyset paging: only records after this one in newest-first order (older, or as old with a smaller id). */
  before?: { startTime: number; id: string };
}

/** The values of a parameter: repeated keys and comma-joined values both count; empty values are absent. */
export function multiValue(raw: RawQuery, name: string): string[] | undefined {
  const v = raw[name];
  if (v === undefined) return undefined;
  const values = (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  return values.length ? values : undefined;
}

/** A single-valued parameter (the first when repeated); empty values are absent. */
export function singleValue(raw: RawQuery, name: string): string | undefined {
  const v = raw[name];
  const first = Array.isArray(v) ? v.find((s) => s !== '') : v;
  return first === undefined || first === '' ? undefined : first;
}

/** An enumerated parameter; values compare case-insensitively and come back in their canonical spelling. */
export function enumValues<T extends string>(raw: RawQuery, name: string, allowed: readonly T[]): T[] | undefined {
  const values = multiValue(raw, name);
  if (!values) return undefined;
  return [...new Set(values.map((v) => canonical(name, v, allowed)))];
}

export function enumValue<T extends string>(raw: RawQuery, name: string, allowed: readonly T[]): T | undefined {
  const v = singleValue(raw, name);
  return v === undefined ? undefined : canonical(name, v, allowed);
}

function canonical<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!found) throw errors.invalidParameter(name, value);
  return found;
}

export function booleanValue(raw: RawQuery, name: string, fallback: boolean): boolean {
  const v = singleValue(raw, name);
  if (v === undefined) return fallback;
  const lower = v.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw errors.invalidParameter(name, v);
}

export function dateValue(raw: RawQuery, name: string): number | undefined {
  const v = singleValue(raw, name);
  if (v === undefined) return undefined;
  const ms = parseDateTime(v);
  if (ms === null) throw errors.invalidParameter(name, v);
  return ms;
}

/** A whole number from 1 to 999,999,999, or undefined when absent. */
export function positiveIntValue(raw: RawQuery, name: string): number | undefined {
  const v = singleValue(raw, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw errors.invalidParameter(name, v);
  return Number(v);
}

/** `perPage`: 1..1000 or `max`; larger numbers are clamped to 1000 as RingCentral does. */
export function perPageValue(raw: RawQuery): number {
  const v = singleValue(raw, 'perPage');
  if (v === undefined) return DEFAULT_PER_PAGE;
  if (v.toLowerCase() === 'max') return MAX_PER_PAGE;
  if (!/^\d{1,15}$/.test(v) || Number(v) < 1) throw errors.invalidParameter('perPage', v);
  return Math.min(Number(v), MAX_PER_PAGE);
}

export function pageValue(raw: RawQuery): number {
  return positiveIntValue(raw, 'page') ?? 1;
}

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

function idValue(raw: RawQuery, name: string): string | undefined {
  const v = singleValue(raw, name);
  if (v !== undefined && !ID_PATTERN.test(v)) throw errors.invalidParameter(name, v);
  return v;
}

/**
 * Parses a list request. `level` says whether the company log or an extension's log is read;
 * `now` is the server's clock (dateTo's default).
 */
export function parseCallLogQuery(
  raw: RawQuery,
  target: { accountId: string; extensionId: string | null },
  now: number,
): CallLogQuery {
  const view = enumValue(raw, 'view', VIEWS) ?? 'Simple';
  const direction = enumValues(raw, 'direction', DIRECTIONS);
  const type = enumValues(raw, 'type', CALL_TYPES);
  const transport = enumValues(raw, 'transport', TRANSPORTS);
  // Not one of RingCentral's list parameters: ringlog's own, so a result filter pages correctly on the server.
  const results = enumValues(raw, 'result', RESULTS);
  const recordingTypeParam = enumValue(raw, 'recordingType', RECORDING_TYPE_FILTERS);
  const withRecording = booleanValue(raw, 'withRecording', false);
  const showBlocked = booleanValue(raw, 'showBlocked', true);
  const showDeleted = booleanValue(raw, 'showDeleted', false);

  const extensionNumber = singleValue(raw, 'extensionNumber');
  if (extensionNumber !== undefined && !/^\d{1,10}$/.test(extensionNumber)) {
    throw errors.invalidParameter('extensionNumber', extensionNumber);
  }
  const phoneParam = singleValue(raw, 'phoneNumber');
  let phoneNumber: string | undefined;
  if (phoneParam !== undefined) {
    if (!/^\+?[\d\s().-]{1,40}$/.test(phoneParam)) throw errors.invalidParameter('phoneNumber', phoneParam);
    phoneNumber = phoneDigits(phoneParam) ?? undefined;
    if (!phoneNumber) throw errors.invalidParameter('phoneNumber', phoneParam);
  }
  if (extensionNumber !== undefined && phoneNumber !== undefined) {
    throw errors.parametersConflict('phoneNumber', 'extensionNumber');
  }

  const dateToParam = dateValue(raw, 'dateTo');
  const dateFromParam = dateValue(raw, 'dateFrom');
  const dateTo = dateToParam ?? now;
  const dateFrom = dateFromParam ?? dateTo - DAY_MS;
  if (dateFrom > dateTo) throw errors.invalidParameter('dateFrom', singleValue(raw, 'dateFrom'));

  const query: CallLogQuery = {
    accountId: target.accountId,
    extensionId: target.extensionId,
    view,
    dateFrom,
    dateTo,
    showBlocked,
    showDeleted,
    page: pageValue(raw),
    perPage: perPageValue(raw),
  };
  if (direction) query.direction = direction;
  if (type) query.type = type;
  if (transport) query.transport = transport;
  if (results) query.results = results;
  if (extensionNumber !== undefined) query.extensionNumber = extensionNumber;
  if (phoneNumber !== undefined) query.phoneNumber = phoneNumber;
  const recordingType = recordingTypeParam ?? (withRecording ? 'All' : undefined);
  if (recordingType) query.recordingType = recordingType;
  const sessionId = idValue(raw, 'sessionId');
  if (sessionId !== undefined) query.sessionId = sessionId;
  const telephonySessionId = idValue(raw, 'telephonySessionId');
  if (telephonySessionId !== undefined) query.telephonySessionId = telephonySessionId;
  return query;
}
