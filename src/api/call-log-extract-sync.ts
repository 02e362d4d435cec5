// call-log-extract-sync (what @rc-ex/core's callLogExtractSync() calls): the company log's records in the order
// they were written, oldest first, behind a signed cursor token. FSync starts at `dateFrom` (default an hour ago),
// ISync continues after the last record sent; `newerRecordsExist` says whether to call again.
// How it relates to call-log-sync: docs/compatibility.md.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  ApiError,
  dateValue,
  enumValue,
  errors,
  isoDateTime,
  singleValue,
  VIEWS,
  type RawQuery,
  type View,
} from '../domain/index.ts';
import { listWrittenAfter } from '../store/index.ts';
import { authenticate, type ApiContext } from './context.ts';
import {
  COMPANY_CALL_LOG_PERMISSION,
  requireAppPermission,
  requireUserPermission,
  resolveAccountId,
} from './access.ts';
import { SYNC_SAFETY_MS } from './call-log-sync.ts';
import { baseUrl, sendRecordsJson, serializeQuery } from './http-helpers.ts';
import { resource, type AccountParams, type ApiRequest } from './resource.ts';

export const DEFAULT_EXTRACT_COUNT = 250;
export const MAX_EXTRACT_COUNT = 1000;
const HOUR_MS = 3600_000;

/** What an extract-sync token carries: the account, view, page size and the cursor after the last record sent. */
interface ExtractFrame {
  a: string;
  v: View;
  n: number;
  /** changed_at of the last record sent (epoch ms). */
  t: number;
  /** Its id ('' = none sent at `t` yet). */
  i: string;
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`extract-sync:${payload}`).digest('base64url').slice(0, 22);
}

function encodeToken(secret: string, frame: ExtractFrame): string {
  const payload = Buffer.from(JSON.stringify(frame)).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

function decodeToken(secret: string, token: string): ExtractFrame | null {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const frame = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ExtractFrame;
    return typeof frame.t === 'number' && typeof frame.i === 'string' ? frame : null;
  } catch {
    return null;
  }
}

const tokenError = () =>
  new ApiError({
    status: 400,
    detail: {
      errorCode: 'CLG-101',
      message: 'Parameter [syncToken] is invalid [Sync token expired, call log was reset]',
      parameterName: 'syncToken',
    },
  });

function recordCountValue(raw: RawQuery): number {
  const v = singleValue(raw, 'recordCount');
  if (v === undefined) return DEFAULT_EXTRACT_COUNT;
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw errors.invalidParameter('recordCount', v);
  return Math.min(Number(v), MAX_EXTRACT_COUNT);
}

async function extractSync(ctx: ApiContext, request: ApiRequest<AccountParams>, reply: FastifyReply) {
  const auth = await authenticate(ctx, request, reply, 'Heavy');
  requireAppPermission(auth, 'ReadCallLog');
  const accountId = resolveAccountId(auth, request.params.accountId);
  requireUserPermission(auth, COMPANY_CALL_LOG_PERMISSION);
  const raw = request.query;
  const syncType = enumValue(raw, 'syncType', ['FSync', 'ISync'] as const) ?? 'FSync';
  const secret = await ctx.tokens.secret();
  const now = ctx.now();

  let frame: ExtractFrame;
  if (syncType === 'FSync') {
    const dateFrom = dateValue(raw, 'dateFrom') ?? now - HOUR_MS;
    if (dateFrom > now) throw errors.invalidParameter('dateFrom', singleValue(raw, 'dateFrom'));
    frame = {
      a: accountId,
      v: enumValue(raw, 'view', VIEWS) ?? 'Simple',
      n: recordCountValue(raw),
      t: dateFrom,
      i: '',
    };
  } else {
    const token = singleValue(raw, 'syncToken');
    if (token === undefined) throw errors.invalidParameter('syncToken');
    const previous = decodeToken(secret, token);
    if (!previous || previous.a !== accountId) throw tokenError();
    frame = previous;
  }

  // Writes younger than the safety margin may still be committing: they are handed out on a later call.
  const page = await listWrittenAfter(ctx.store, {
    accountId,
    after: { changedAt: frame.t, id: frame.i },
    writtenUntil: now - SYNC_SAFETY_MS,
    view: frame.v,
    limit: frame.n,
  });
  const last = page.records.at(-1);
  const next: ExtractFrame = last ? { ...frame, t: last.cursor.changedAt, i: last.cursor.id } : frame;

  const base = baseUrl(request, ctx.http);
  const query = serializeQuery(raw, ['access_token']);
  const uri = `${base}/restapi/v1.0/account/${accountId}/call-log-extract-sync${query ? `?${query}` : ''}`;
  const syncInfo = {
    syncType,
    syncToken: encodeToken(secret, next),
    syncTime: isoDateTime(now),
    newerRecordsExist: page.hasMore,
  };
  return sendRecordsJson(
    reply,
    `{"uri":${JSON.stringify(uri)},"records":[`,
    page.records.map((r) => r.json),
    `],"syncInfo":${JSON.stringify(syncInfo)}}`,
    base,
  );
}

export function callLogExtractSyncRoutes(app: FastifyInstance, ctx: ApiContext): void {
  resource<AccountParams>(app, '/account/:accountId/call-log-extract-sync', {
    GET: (req, reply) => extractSync(ctx, req, reply),
  });
}
