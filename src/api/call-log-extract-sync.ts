// call-log-extract-sync (what @rc-ex/core's callLogExtractSync() calls): the company log's records in the order
// they were written, oldest first, behind a signed cursor token. FSync starts at `dateFrom` (default an hour ago),
// ISync continues after the last record sent; `newerRecordsExist` says whether to call again.
// How it relates to call-log-sync: docs/compatibility.md.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { positiveIntValue, type RawQuery, type View } from '../domain/index.ts';
import { listWrittenAfter } from '../store/index.ts';
import { authenticate, type ApiContext } from './context.ts';
import { readableCallLog } from './access.ts';
import {
  sendSyncAnswer,
  SYNC_SAFETY_MS,
  syncDateFromValue,
  syncTokenError,
  syncTokenValue,
  syncTypeValue,
  syncViewValue,
} from './call-log-sync.ts';
import { decodeSignedToken, encodeSignedToken } from './signed-token.ts';
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

function encodeToken(secret: string, frame: ExtractFrame): string {
  return encodeSignedToken(secret, 'extract-sync', frame);
}

/** The frame of an extract-sync token (one dot only, and the cursor's fields present), or null. */
function decodeToken(secret: string, token: string): ExtractFrame | null {
  if (token.split('.').length > 2) return null;
  const frame = decodeSignedToken(secret, 'extract-sync', token) as ExtractFrame | null;
  return frame && typeof frame.t === 'number' && typeof frame.i === 'string' ? frame : null;
}

function recordCountValue(raw: RawQuery): number {
  return Math.min(positiveIntValue(raw, 'recordCount') ?? DEFAULT_EXTRACT_COUNT, MAX_EXTRACT_COUNT);
}

async function extractSync(ctx: ApiContext, request: ApiRequest<AccountParams>, reply: FastifyReply) {
  const auth = await authenticate(ctx, request, reply, 'Heavy');
  const { accountId } = await readableCallLog(ctx.store, auth, request.params, 'account');
  const raw = request.query;
  const syncType = syncTypeValue(raw);
  const secret = await ctx.tokens.secret();
  const now = ctx.now();

  let frame: ExtractFrame;
  if (syncType === 'FSync') {
    const dateFrom = syncDateFromValue(raw, now, now - HOUR_MS);
    frame = { a: accountId, v: syncViewValue(raw), n: recordCountValue(raw), t: dateFrom, i: '' };
  } else {
    const previous = decodeToken(secret, syncTokenValue(raw));
    if (!previous || previous.a !== accountId) throw syncTokenError('account');
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

  const path = `/restapi/v1.0/account/${accountId}/call-log-extract-sync`;
  const syncInfo = { syncType, syncToken: encodeToken(secret, next), syncTime: now, newerRecordsExist: page.hasMore };
  return sendSyncAnswer(
    reply,
    request,
    ctx,
    path,
    page.records.map((r) => r.json),
    syncInfo,
  );
}

export function callLogExtractSyncRoutes(app: FastifyInstance, ctx: ApiContext): void {
  resource<AccountParams>(app, '/account/:accountId/call-log-extract-sync', {
    GET: (req, reply) => extractSync(ctx, req, reply),
  });
}
