// RingCentral's Business Analytics API: POST /analytics/calls/v1/accounts/{accountId}/aggregation/fetch and
// …/timeline/fetch (app permission Analytics, Light group). Admins read the company; users only their own extension.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { errors, type RawQuery } from '../domain/index.ts';
import {
  analyticsAggregation,
  analyticsTimeline,
  parseAnalyticsRequest,
  parseInterval,
  type AnalyticsRequest,
} from '../reports/index.ts';
import { requireAppPermission, resolveAccountId } from './access.ts';
import { authenticate, type ApiContext } from './context.ts';
import { sendJson } from './http-helpers.ts';
import { resource, type AccountParams, type ApiRequest } from './resource.ts';

const BASE = '/analytics/calls/v1/accounts/:accountId';

function pageParam(raw: RawQuery, name: string, fallback: number, max: number): number {
  const v = Array.isArray(raw[name]) ? raw[name][0] : raw[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > max) throw errors.invalidParameter(name, v);
  return n;
}

async function prepare(ctx: ApiContext, request: ApiRequest<AccountParams>, reply: FastifyReply, timeline: boolean) {
  const auth = await authenticate(ctx, request, reply, 'Light');
  requireAppPermission(auth, 'Analytics');
  const accountId = resolveAccountId(auth, request.params.accountId);
  const account = await ctx.store.getAccount(accountId);
  if (!account) throw errors.notFound('accountId');
  const req: AnalyticsRequest = parseAnalyticsRequest(request.body, timeline);
  // Users see their own extension only: the Users grouping, limited to them.
  const admin = auth.role === 'admin';
  if (!admin && req.groupBy !== 'Users') throw errors.userPermission('FullCompanyCallLog');
  return { account, req, self: admin ? null : auth.owner };
}

export function analyticsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  resource<AccountParams>(app, `${BASE}/aggregation/fetch`, {
    POST: async (request, reply) => {
      const { account, req, self } = await prepare(ctx, request, reply, false);
      const raw = request.query;
      const paging = { page: pageParam(raw, 'page', 1, 1e9), perPage: pageParam(raw, 'perPage', 100, 200) };
      return sendJson(reply, 200, await analyticsAggregation(ctx.store, account, req, paging, self));
    },
  });
  resource<AccountParams>(app, `${BASE}/timeline/fetch`, {
    POST: async (request, reply) => {
      const raw = request.query;
      const interval = parseInterval(Array.isArray(raw.interval) ? raw.interval[0] : raw.interval);
      const { account, req, self } = await prepare(ctx, request, reply, true);
      const paging = { page: pageParam(raw, 'page', 1, 1e9), perPage: pageParam(raw, 'perPage', 10, 20) };
      return sendJson(reply, 200, await analyticsTimeline(ctx.store, account, req, interval, paging, self));
    },
  });
}
