// ringlog's own report API (not RingCentral's): GET /ringlog/v1/accounts/{accountId}/reports/{name} with the
// parameters of `ringlog report` as query parameters, and POST …/reports/reconcile with the other source's calls.
// Same tokens (app permission ReadCallLog); admins read the company, users only their own extension's log.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { errors, parseDateTime, type RawQuery } from '../domain/index.ts';
import {
  formatReport,
  parseReportRequest,
  REPORT_FORMATS,
  REPORT_NAMES,
  runReport,
  type ExternalCall,
  type ReportFormat,
} from '../reports/index.ts';
import { requireAppPermission, resolveAccountId } from './access.ts';
import { authenticate, type ApiContext } from './context.ts';
import { resource, type AccountParams, type ApiRequest } from './resource.ts';

const BASE = '/ringlog/v1/accounts/:accountId/reports';

/** The calls of a reconcile body: `{"calls": [{"startTime", "number", "duration"?, "direction"?}]}`. */
function externalCalls(body: unknown): ExternalCall[] {
  const calls = (body as { calls?: unknown } | undefined)?.calls;
  if (!Array.isArray(calls)) throw errors.invalidParameter('calls');
  return calls.map((c: unknown, i) => {
    const o = (c ?? {}) as Record<string, unknown>;
    const startTime = typeof o.startTime === 'string' ? parseDateTime(o.startTime) : null;
    if (startTime === null || typeof o.number !== 'string') throw errors.invalidParameter(`calls[${i}]`);
    const call: ExternalCall = { line: i + 1, startTime, number: o.number };
    if (o.duration !== undefined) {
      if (typeof o.duration !== 'number' || o.duration < 0) throw errors.invalidParameter(`calls[${i}].duration`);
      call.durationSeconds = o.duration;
    }
    if (o.direction === 'Inbound' || o.direction === 'Outbound') call.direction = o.direction;
    return call;
  });
}

async function report(
  ctx: ApiContext,
  request: ApiRequest<AccountParams>,
  reply: FastifyReply,
  name: string,
  calls: ExternalCall[],
) {
  const auth = await authenticate(ctx, request, reply, 'Light');
  requireAppPermission(auth, 'ReadCallLog');
  const accountId = resolveAccountId(auth, request.params.accountId);
  if (!(REPORT_NAMES as readonly string[]).includes(name)) throw errors.notFound('name');
  const raw: RawQuery = { ...request.query };
  delete raw.access_token;
  const format = (Array.isArray(raw.format) ? raw.format[0] : raw.format) ?? 'json';
  if (!(REPORT_FORMATS as readonly string[]).includes(format) || format === 'table') {
    throw errors.invalidParameter('format', format);
  }
  delete raw.format;
  if (auth.role !== 'admin') {
    const asked = Array.isArray(raw.extension) ? raw.extension[0] : raw.extension;
    if (asked !== undefined && asked !== auth.extensionId && asked !== auth.owner.extensionNumber) {
      throw errors.extendedScope('ReadCallLog');
    }
    raw.extension = auth.extensionId;
  }
  const result = await runReport(ctx.store, accountId, parseReportRequest({ ...raw, report: name }), calls);
  const text = formatReport(result, format as ReportFormat);
  return reply
    .code(200)
    .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    .send(text);
}

export function reportRoutes(app: FastifyInstance, ctx: ApiContext): void {
  resource<AccountParams>(app, `${BASE}/reconcile`, {
    POST: (request, reply) => report(ctx, request, reply, 'reconcile', externalCalls(request.body)),
  });
  resource<AccountParams & { name: string }>(app, `${BASE}/:name`, {
    GET: (request, reply) => report(ctx, request, reply, request.params.name, []),
  });
}
