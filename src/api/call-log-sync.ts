// call-log-sync: FSync defines a sync frame (the newest records) and issues a token; ISync returns what the
// server wrote since the token's time, plus older records that extend the frame. Tokens are signed, carry
// the frame (log, view, statusGroup, time, oldest start), and are bound to the log they were issued for.

import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  ApiError,
  booleanValue,
  dateValue,
  enumValue,
  enumValues,
  errors,
  isoDateTime,
  positiveIntValue,
  singleValue,
  VIEWS,
  type RawQuery,
  type View,
} from '../domain/index.ts';
import type { ListedRecord } from '../store/index.ts';
import { authenticate, type ApiContext } from './context.ts';
import { readableCallLog } from './access.ts';
import { baseUrl, sendRecordsJson, serializeQuery } from './http-helpers.ts';
import { decodeSignedToken, encodeSignedToken } from './signed-token.ts';
import { logPath, logResource, type LogLevel, type LogParams, type ApiRequest } from './resource.ts';

/** At most this many records per sync answer; more changes than this since a token → FSync again. */
export const MAX_SYNC_RECORDS = 250;
/** Writes this recent may still be committing: the next ISync reads them again (records are idempotent). */
export const SYNC_SAFETY_MS = 5000;
const MISSED_RESULTS = ['Missed', 'Voicemail'];

interface SyncFrame {
  a: string;
  /** '' for the company log. */
  e: string;
  v: View;
  missed: boolean;
  /** Changes after this time (epoch ms) are new to the holder of the token. */
  t: number;
  /** The oldest startTime the frame covers (0 = the whole history). */
  f: number;
  /** The id of the oldest record sent at `f` ('' = none yet), so records of the same second are not lost. */
  i?: string;
}

export function encodeSyncToken(secret: string, frame: SyncFrame): string {
  return encodeSignedToken(secret, 'sync', frame);
}

/** The 400 of a sync token that is not (or no longer) good for this log: CLG-101 for the company's, CLG-104 else. */
export function syncTokenError(level: LogLevel, message = 'Sync token expired, call log was reset') {
  return new ApiError({
    status: 400,
    detail: {
      errorCode: level === 'account' ? 'CLG-101' : 'CLG-104',
      message: `Parameter [syncToken] is invalid [${message}]`,
      parameterName: 'syncToken',
    },
  });
}

/** The syncType parameter; FSync when absent. */
export function syncTypeValue(raw: RawQuery): 'FSync' | 'ISync' {
  return enumValue(raw, 'syncType', ['FSync', 'ISync'] as const) ?? 'FSync';
}

/** An FSync's view (Simple when absent). */
export function syncViewValue(raw: RawQuery): View {
  return enumValue(raw, 'view', VIEWS) ?? 'Simple';
}

/** Where an FSync starts: `dateFrom`, else `whenAbsent`; a time after `now` is refused (400 CMN-101). */
export function syncDateFromValue(raw: RawQuery, now: number, whenAbsent: number): number {
  const dateFrom = dateValue(raw, 'dateFrom') ?? whenAbsent;
  if (dateFrom > now) throw errors.invalidParameter('dateFrom', singleValue(raw, 'dateFrom'));
  return dateFrom;
}

/** The token an ISync continues from (400 CMN-101 when the request has none). */
export function syncTokenValue(raw: RawQuery): string {
  const token = singleValue(raw, 'syncToken');
  if (token === undefined) throw errors.invalidParameter('syncToken');
  return token;
}

/** What a sync answer says besides its records (syncTime in epoch ms, sent as ISO). */
interface SyncInfo {
  syncType: 'FSync' | 'ISync';
  syncToken: string;
  syncTime: number;
  newerRecordsExist?: boolean;
}

/** Sends a sync answer: the request's URI at `path` (without access_token), the records' JSON, and syncInfo. */
export function sendSyncAnswer(
  reply: FastifyReply,
  request: ApiRequest<LogParams>,
  ctx: ApiContext,
  path: string,
  records: readonly string[],
  info: SyncInfo,
): FastifyReply {
  const base = baseUrl(request, ctx.http);
  const query = serializeQuery(request.query, ['access_token']);
  const syncInfo = { ...info, syncTime: isoDateTime(info.syncTime) };
  const head = `{"uri":${JSON.stringify(`${base}${path}${query ? `?${query}` : ''}`)},"records":[`;
  return sendRecordsJson(reply, head, records, `],"syncInfo":${JSON.stringify(syncInfo)}}`, base);
}

export function decodeSyncToken(secret: string, token: string): SyncFrame | null {
  return decodeSignedToken(secret, 'sync', token) as SyncFrame | null;
}

/** The frame's oldest edge after sending `records` (newest first) of a page that may have more. */
function frameEdge(records: ListedRecord[], hasMore: boolean, whenComplete: number): { f: number; i: string } {
  if (!hasMore || !records.length) return { f: whenComplete, i: '' };
  const last = records[records.length - 1];
  return { f: last.startTime, i: last.id };
}

function recordCountValue(raw: RawQuery, required: boolean): number | undefined {
  const n = positiveIntValue(raw, 'recordCount');
  if (n === undefined && required) throw errors.invalidParameter('recordCount');
  return n === undefined ? undefined : Math.min(n, MAX_SYNC_RECORDS);
}

async function sync(ctx: ApiContext, request: ApiRequest<LogParams>, reply: FastifyReply, level: LogLevel) {
  const auth = await authenticate(ctx, request, reply, 'Heavy');
  const { accountId, extensionId } = await readableCallLog(ctx.store, auth, request.params, level);
  const raw = request.query;
  const syncType = syncTypeValue(raw);
  const secret = await ctx.tokens.secret();
  const now = ctx.now();
  const log = { accountId, extensionId };

  let frame: SyncFrame;
  let records: ListedRecord[];
  if (syncType === 'FSync') {
    const recordCount = recordCountValue(raw, true) as number;
    const statusGroup = enumValues(raw, 'statusGroup', ['Missed', 'All'] as const);
    const missed = statusGroup !== undefined && !statusGroup.includes('All');
    const view = syncViewValue(raw);
    const dateFrom = syncDateFromValue(raw, now, 0);
    const page = await ctx.store.listRecords({
      ...log,
      view,
      dateFrom,
      dateTo: now,
      showBlocked: true,
      showDeleted: false,
      page: 1,
      perPage: recordCount,
      ...(missed ? { results: MISSED_RESULTS } : {}),
    });
    records = page.records;
    const edge = frameEdge(records, page.hasMore, dateFrom);
    frame = { a: accountId, e: extensionId ?? '', v: view, missed, t: now - SYNC_SAFETY_MS, ...edge };
  } else {
    const previous = decodeSyncToken(secret, syncTokenValue(raw));
    if (!previous || previous.a !== accountId || previous.e !== (extensionId ?? '')) throw syncTokenError(level);
    const showDeleted = booleanValue(raw, 'showDeleted', false);
    const recordCount = recordCountValue(raw, false);
    const results = previous.missed ? { results: MISSED_RESULTS } : {};
    const changed = await ctx.store.listChangedRecords({
      ...log,
      ...results,
      changedAfter: previous.t,
      showDeleted,
      view: previous.v,
      limit: MAX_SYNC_RECORDS + 1,
    });
    if (changed.length > MAX_SYNC_RECORDS) throw syncTokenError(level, 'max sync record number limit is exceeded');
    let edge = { f: previous.f, i: previous.i ?? '' };
    let older: ListedRecord[] = [];
    const room = Math.min(recordCount ?? 0, MAX_SYNC_RECORDS - changed.length);
    if (room > 0 && previous.f > 0) {
      const page = await ctx.store.listRecords({
        ...log,
        ...results,
        view: previous.v,
        dateFrom: 0,
        dateTo: previous.f,
        showBlocked: true,
        showDeleted: false,
        page: 1,
        perPage: room,
        ...(previous.i ? { before: { startTime: previous.f, id: previous.i } } : { dateTo: previous.f - 1 }),
      });
      edge = frameEdge(page.records, page.hasMore, 0);
      // A record older than the frame may also have changed since the token: send it once.
      const changedIds = new Set(changed.map((r) => r.id));
      older = page.records.filter((r) => !changedIds.has(r.id));
    }
    records = [...changed, ...older];
    frame = { ...previous, t: now - SYNC_SAFETY_MS, ...edge };
  }

  const path = logPath(accountId, extensionId, 'call-log-sync');
  const syncInfo = { syncType, syncToken: encodeSyncToken(secret, frame), syncTime: now };
  const texts = records.map((r) => r.json);
  return sendSyncAnswer(reply, request, ctx, path, texts, syncInfo);
}

export function callLogSyncRoutes(app: FastifyInstance, ctx: ApiContext): void {
  logResource(app, 'call-log-sync', (request, reply, level) => sync(ctx, request, reply, level));
}
