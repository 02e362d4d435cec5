// Active calls (reference §6): the company's and an extension's calls in progress and those ended in the last
// 120 s, from the live telephony, as call-log Simple records, newest first, with the documented filters
// (direction, type, transport, conferenceType) and paging. `view` is accepted but always Simple, as RingCentral does.

import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  CALL_TYPES,
  DIRECTIONS,
  enumValue,
  enumValues,
  pageValue,
  perPageValue,
  prepareRecordJson,
  TRANSPORTS,
  VIEWS,
  type CallLogRecord,
  type RawQuery,
} from '../domain/index.ts';
import { authenticate, type LiveApiContext } from './context.ts';
import { readableCallLog } from './access.ts';
import { baseUrl, sendRecordsJson, serializeQuery } from './http-helpers.ts';
import { logPath, logResource, type LogLevel, type LogParams, type ApiRequest } from './resource.ts';

const CONFERENCE_TYPES = ['AudioConferencing', 'Meetings'] as const;
/** The call-log action a conference type's records carry. */
const CONFERENCE_ACTION: Record<(typeof CONFERENCE_TYPES)[number], string> = {
  AudioConferencing: 'Conference Call',
  Meetings: 'RC Meetings',
};

interface ActiveCallFilter {
  direction?: string[];
  type?: string[];
  transport?: string[];
  conferenceType?: (typeof CONFERENCE_TYPES)[number][];
}

/** Parses the filters; unknown values are 400 CMN-101 naming the parameter. */
export function parseActiveCallFilter(raw: RawQuery): ActiveCallFilter {
  enumValue(raw, 'view', VIEWS); // accepted (and checked), the answer is Simple regardless
  return {
    direction: enumValues(raw, 'direction', DIRECTIONS),
    type: enumValues(raw, 'type', CALL_TYPES),
    transport: enumValues(raw, 'transport', TRANSPORTS),
    conferenceType: enumValues(raw, 'conferenceType', CONFERENCE_TYPES),
  };
}

export function matchesActiveCallFilter(r: CallLogRecord, f: ActiveCallFilter): boolean {
  return (
    (!f.direction || f.direction.includes(r.direction)) &&
    (!f.type || f.type.includes(r.type)) &&
    (!f.transport || f.transport.includes(r.transport)) &&
    (!f.conferenceType || f.conferenceType.some((c) => CONFERENCE_ACTION[c] === r.action))
  );
}

async function list(ctx: LiveApiContext, request: ApiRequest<LogParams>, reply: FastifyReply, level: LogLevel) {
  const auth = await authenticate(ctx, request, reply, 'Heavy');
  const { accountId, extensionId } = await readableCallLog(ctx.store, auth, request.params, level);
  const raw = request.query;
  const filter = parseActiveCallFilter(raw);
  const page = pageValue(raw);
  const perPage = perPageValue(raw);

  const calls = (await ctx.telephony.activeCalls(accountId, extensionId, ctx.now())).filter((r) =>
    matchesActiveCallFilter(r, filter),
  );
  const first = (page - 1) * perPage;
  const records = calls.slice(first, first + perPage);

  const base = baseUrl(request, ctx.http);
  const path = logPath(accountId, extensionId, 'active-calls');
  const rest = serializeQuery(raw, ['page', 'perPage', 'access_token']);
  const pageUri = (n: number) => `${base}${path}?${rest ? `${rest}&` : ''}page=${n}&perPage=${perPage}`;
  const totalPages = Math.max(1, Math.ceil(calls.length / perPage));
  const paging = {
    page,
    perPage,
    totalPages,
    totalElements: calls.length,
    ...(records.length ? { pageStart: first, pageEnd: first + records.length - 1 } : {}),
  };
  const navigation: Record<string, { uri: string }> = { firstPage: { uri: pageUri(1) } };
  if (page < totalPages) navigation.nextPage = { uri: pageUri(page + 1) };
  if (page > 1) navigation.previousPage = { uri: pageUri(page - 1) };
  return sendRecordsJson(
    reply,
    `{"uri":${JSON.stringify(pageUri(page))},"records":[`,
    records.map((r) => prepareRecordJson(r).simple),
    `],"paging":${JSON.stringify(paging)},"navigation":${JSON.stringify(navigation)}}`,
    base,
  );
}

export function activeCallRoutes(app: FastifyInstance, ctx: LiveApiContext): void {
  logResource(app, 'active-calls', (request, reply, level) => list(ctx, request, reply, level));
}
