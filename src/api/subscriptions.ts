// Subscription resources (reference §11.1): /restapi/v1.0/subscription[/{id}[/renew]] over HTTP (WebHook; WebSocket
// subscriptions are made over the socket), answering RingCentral's SubscriptionInfo.

import type { FastifyInstance } from 'fastify';
import type { AuthContext } from '../auth/index.ts';
import { errors } from '../domain/index.ts';
import type { Notifications, SubscriptionOwner } from '../events/index.ts';
import { authenticate, type ApiContext } from './context.ts';
import { requireAppPermission } from './access.ts';
import { baseUrl, sendJson } from './http-helpers.ts';
import { resource, type ApiRequest } from './resource.ts';

interface SubscriptionParams {
  subscriptionId: string;
}

function ownerOf(auth: AuthContext): SubscriptionOwner {
  return {
    accountId: auth.accountId,
    extensionId: auth.extensionId,
    clientId: auth.clientId,
    role: auth.role,
    scope: auth.scope,
  };
}

function idOf(request: ApiRequest<SubscriptionParams>): string {
  const id = request.params.subscriptionId;
  if (!/^[\w-]{1,64}$/.test(id)) throw errors.notFound('subscriptionId');
  return id;
}

export function subscriptionRoutes(app: FastifyInstance, ctx: ApiContext, notifications: Notifications): void {
  const service = notifications.subscriptions;
  resource(app, '/subscription', {
    GET: async (request, reply) => {
      const owner = ownerOf(await authenticate(ctx, request, reply, 'Light'));
      const base = baseUrl(request, ctx.http);
      const rows = await service.list(owner);
      return sendJson(reply, 200, {
        uri: `${base}/restapi/v1.0/subscription`,
        records: rows.map((row) => service.info(row, base)),
      });
    },
    POST: async (request, reply) => {
      const auth = await authenticate(ctx, request, reply, 'Medium');
      requireAppPermission(auth, 'SubscriptionWebhook');
      const row = await service.create(ownerOf(auth), request.body);
      return sendJson(reply, 200, service.info(row, baseUrl(request, ctx.http)));
    },
  });
  resource<SubscriptionParams>(app, '/subscription/:subscriptionId', {
    GET: async (request, reply) => {
      const owner = ownerOf(await authenticate(ctx, request, reply, 'Light'));
      const row = await service.get(owner, idOf(request));
      return sendJson(reply, 200, service.info(row, baseUrl(request, ctx.http)));
    },
    PUT: async (request, reply) => {
      const owner = ownerOf(await authenticate(ctx, request, reply, 'Medium'));
      const row = await service.update(owner, idOf(request), request.body);
      return sendJson(reply, 200, service.info(row, baseUrl(request, ctx.http)));
    },
    DELETE: async (request, reply) => {
      const owner = ownerOf(await authenticate(ctx, request, reply, 'Medium'));
      await service.delete(owner, idOf(request));
      return reply.code(204).send();
    },
  });
  resource<SubscriptionParams>(app, '/subscription/:subscriptionId/renew', {
    POST: async (request, reply) => {
      const owner = ownerOf(await authenticate(ctx, request, reply, 'Light'));
      const row = await service.renew(owner, idOf(request));
      return sendJson(reply, 200, service.info(row, baseUrl(request, ctx.http)));
    },
  });
}
