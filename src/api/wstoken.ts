// POST /restapi/oauth/wstoken (reference §11.5): a token for the WebSocket gateway and the URI to connect to.

import type { FastifyInstance } from 'fastify';
import { scopeGrants, errors } from '../domain/index.ts';
import type { Notifications } from '../events/index.ts';
import { authenticate, type ApiContext } from './context.ts';
import { baseUrl, sendJson } from './http-helpers.ts';
import { resource } from './resource.ts';

/** The names RingCentral's sources give the app permission (EXT: WebSocket; DG: WebSocketsSubscription(s)). */
const WS_PERMISSIONS = ['WebSocketsSubscription', 'WebSocket', 'WebSocketsSubscriptions'];

export function wsTokenRoutes(app: FastifyInstance, ctx: ApiContext, notifications: Notifications): void {
  resource(app, '/restapi/oauth/wstoken', {
    POST: async (request, reply) => {
      const auth = await authenticate(ctx, request, reply, 'Auth');
      if (!WS_PERMISSIONS.some((p) => scopeGrants(auth.scope, p))) throw errors.appPermission(WS_PERMISSIONS[0]);
      const { token, expiresIn } = await notifications.gateway.issueToken({
        accountId: auth.accountId,
        extensionId: auth.extensionId,
        clientId: auth.clientId,
        role: auth.role,
        scope: auth.scope,
      });
      return sendJson(reply, 200, {
        uri: notifications.wsUri(baseUrl(request, ctx.http)),
        ws_access_token: token,
        expires_in: expiresIn,
      });
    },
  });
}
