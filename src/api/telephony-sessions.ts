// Reading a live telephony session (GET …/telephony/sessions/{telephonySessionId}): RingCentral's CallSessionObject
// from the live telephony. Administrators read any session of their account; a user only sessions they are a party
// of (any other is "not found", so session ids of others' calls reveal nothing). `timestamp`/`timeout` are ignored.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { errors } from '../domain/index.ts';
import { authenticate, type LiveApiContext } from './context.ts';
import { requireAppPermission, resolveAccountId } from './access.ts';
import { sendJson } from './http-helpers.ts';
import { resource, type AccountParams, type ApiRequest } from './resource.ts';

interface SessionParams extends AccountParams {
  telephonySessionId: string;
}

const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

async function read(ctx: LiveApiContext, request: ApiRequest<SessionParams>, reply: FastifyReply) {
  const auth = await authenticate(ctx, request, reply, 'Light');
  requireAppPermission(auth, 'CallControl');
  const params = request.params;
  const accountId = resolveAccountId(auth, params.accountId);
  const id = params.telephonySessionId;
  if (!SESSION_ID.test(id)) throw errors.invalidParameter('telephonySessionId', id);
  const session = await ctx.telephony.session(accountId, id);
  const visible =
    session !== null && (auth.role === 'admin' || session.parties.some((p) => p.extensionId === auth.extensionId));
  if (!visible) throw errors.notFound('telephonySessionId');
  return sendJson(reply, 200, session);
}

export function telephonySessionRoutes(app: FastifyInstance, ctx: LiveApiContext): void {
  resource<SessionParams>(app, '/account/:accountId/telephony/sessions/:telephonySessionId', {
    GET: (req, reply) => read(ctx, req, reply),
  });
}
