// Call-log resources: account- and extension-level list, single record and bulk (207) reads.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import {
  dateValue,
  enumValue,
  errors,
  finishRecordsJson,
  parseCallLogQuery,
  withBase,
  VIEWS,
  type CallLogQuery,
  type RawQuery,
} from '../domain/index.ts';
import { authenticate, type ApiContext } from './context.ts';
import {
  COMPANY_CALL_LOG_PERMISSION,
  confirmExtension,
  namedExtensionId,
  requireAppPermission,
  requireUserPermission,
  resolveAccountId,
  resolveExtension,
} from './access.ts';
import { baseUrl, sendJsonBytes, sendPreparedJson, serializeQuery } from './http-helpers.ts';
import { logPath, logRoute, resource, type ApiRequest, type LogLevel, type LogParams } from './resource.ts';

const BATCH_LIMIT = 50;
const RECORD_ID = /^[A-Za-z0-9_-]{1,64}$/;

interface Params extends LogParams {
  callRecordId?: string;
}

/**
 * The log a request names, after authentication and permission checks. `confirm` rejects with 404 when the path
 * names an extension the account does not have; it reads the directory only for another extension than the caller's.
 */
async function namedLog(ctx: ApiContext, request: ApiRequest<Params>, reply: FastifyReply, level: LogLevel) {
  const auth = await authenticate(ctx, request, reply, 'Heavy');
  requireAppPermission(auth, 'ReadCallLog');
  const params = request.params;
  const accountId = resolveAccountId(auth, params.accountId);
  if (level === 'account') {
    requireUserPermission(auth, COMPANY_CALL_LOG_PERMISSION);
    return {
      accountId,
      extensionId: null,
      path: logPath(accountId, null, 'call-log'),
      confirm: async () => {},
    };
  }
  requireUserPermission(auth, 'ReadCallLog');
  const extensionId = namedExtensionId(auth, params.extensionId ?? '~', 'ReadCallLog');
  return {
    accountId,
    extensionId,
    path: logPath(accountId, extensionId, 'call-log'),
    confirm: async () => {
      await confirmExtension(ctx.store, auth, accountId, extensionId);
    },
  };
}

/**
 * The list envelope around the records: paging and navigation with absolute URIs. The head is known before the
 * page is read; the tail needs how many records it has and whether more follow.
 */
export function listEnvelope(base: string, path: string, raw: RawQuery, q: CallLogQuery) {
  const rest = serializeQuery(raw, ['page', 'perPage', 'access_token']);
  const pageUri = (n: number) => `${base}${path}?${rest ? `${rest}&` : ''}page=${n}&perPage=${q.perPage}`;
  const first = (q.page - 1) * q.perPage;
  const tail = (count: number, hasMore: boolean) => {
    const paging = count
      ? { page: q.page, perPage: q.perPage, pageStart: first, pageEnd: first + count - 1 }
      : { page: q.page, perPage: q.perPage };
    const navigation: Record<string, { uri: string }> = { firstPage: { uri: pageUri(1) } };
    if (hasMore) navigation.nextPage = { uri: pageUri(q.page + 1) };
    if (q.page > 1) navigation.previousPage = { uri: pageUri(q.page - 1) };
    return `],"paging":${JSON.stringify(paging)},"navigation":${JSON.stringify(navigation)}}`;
  };
  // A full page with more to follow has the longest tail.
  return {
    head: `{"uri":${JSON.stringify(pageUri(q.page))},"records":[`,
    tail,
    tailRoom: Buffer.byteLength(tail(q.perPage, true)),
  };
}

async function list(ctx: ApiContext, request: ApiRequest<Params>, reply: FastifyReply, level: LogLevel) {
  const log = await namedLog(ctx, request, reply, level);
  const raw = request.query;
  let query: CallLogQuery;
  try {
    query = parseCallLogQuery(raw, log, ctx.now());
  } catch (err) {
    await log.confirm(); // an unknown extension is reported before a bad parameter
    throw err;
  }
  const base = baseUrl(request, ctx.http);
  const { head, tail, tailRoom } = listEnvelope(base, log.path, raw, query);
  const page = await ctx.store.listRecordsJson(query, { head, base, tailRoom });
  // Records are written only into logs of their account's extensions, so a page with records needs no directory
  // read (one query fewer per request); an empty one must tell an unknown extension (404) from an empty log.
  if (page.count === 0) await log.confirm();
  return sendJsonBytes(reply, finishRecordsJson(page.json, tail(page.count, page.hasMore)));
}

async function read(ctx: ApiContext, request: ApiRequest<Params>, reply: FastifyReply, level: LogLevel) {
  const log = await namedLog(ctx, request, reply, level);
  await log.confirm();
  const raw = request.query;
  const view = enumValue(raw, 'view', VIEWS) ?? 'Simple';
  const idParam = request.params.callRecordId ?? '';
  const ids = idParam.split(',').map((s) => s.trim());
  if (ids.length > BATCH_LIMIT) throw errors.batchLimit(BATCH_LIMIT);
  for (const id of ids) if (!RECORD_ID.test(id)) throw errors.invalidParameter('callRecordId', id);
  const found = await ctx.store.getRecords(log.accountId, log.extensionId, [...new Set(ids)], view);
  const base = baseUrl(request, ctx.http);
  if (ids.length === 1) {
    const json = found.get(ids[0]);
    if (json === undefined) throw errors.notFound('callRecordId');
    return sendPreparedJson(reply, 200, json, base);
  }
  const parts = ids.map((id) => {
    const json = found.get(id);
    const href = `${base}${log.path}/${id}`;
    if (json !== undefined) return { id, href, status: 200, description: 'OK', body: withBase(json, base) };
    const error = errors.notFound('callRecordId');
    return { id, href, status: error.status, description: 'Not Found', body: JSON.stringify(error.body()) };
  });
  const accept = request.headers.accept ?? '';
  if (accept.includes('application/vnd.ringcentral.multipart+json')) {
    const items = parts.map((p) => `{"resourceId":${JSON.stringify(p.id)},"status":${p.status},"body":${p.body}}`);
    return reply
      .code(207)
      .type('application/vnd.ringcentral.multipart+json')
      .send(`[${items.join(',')}]`);
  }
  const boundary = `Boundary_${randomBytes(12).toString('hex')}`;
  const summary = JSON.stringify({
    response: parts.map((p) => ({ href: p.href, status: p.status, responseDescription: p.description })),
  });
  const section = (body: string) => `--${boundary}\r\nContent-Type: application/json\r\n\r\n${body}\r\n`;
  const text = section(summary) + parts.map((p) => section(p.body)).join('') + `--${boundary}--\r\n`;
  return reply.code(207).type(`multipart/mixed; boundary=${boundary}`).send(text);
}

/** DELETE an extension's call log up to `dateTo` (default now): the records become `deleted`. */
async function remove(ctx: ApiContext, request: ApiRequest<Params>, reply: FastifyReply) {
  const auth = await authenticate(ctx, request, reply, 'Heavy');
  requireAppPermission(auth, 'EditCallLog');
  const params = request.params;
  const accountId = resolveAccountId(auth, params.accountId);
  requireUserPermission(auth, 'EditCallLog');
  const extension = await resolveExtension(ctx.store, auth, accountId, params.extensionId ?? '~', 'EditCallLog');
  const now = ctx.now();
  const dateTo = dateValue(request.query, 'dateTo') ?? now;
  await ctx.store.deleteLogRecords(accountId, extension.id, dateTo, now);
  return reply.code(204).send();
}

export function callLogRoutes(app: FastifyInstance, ctx: ApiContext): void {
  for (const level of ['account', 'extension'] as const) {
    resource<Params>(app, logRoute(level, 'call-log'), {
      GET: (req, reply) => list(ctx, req, reply, level),
      ...(level === 'extension'
        ? { DELETE: (req: ApiRequest<Params>, reply: FastifyReply) => remove(ctx, req, reply) }
        : {}),
    });
    resource<Params>(app, logRoute(level, 'call-log/:callRecordId'), {
      GET: (req, reply) => read(ctx, req, reply, level),
    });
  }
}
