// Directory resources the SDK samples call first: API version, account and extension info.

import type { FastifyInstance } from 'fastify';
import type { Extension } from '../domain/index.ts';
import { authenticate, type ApiContext } from './context.ts';
import { requireAppPermission, resolveAccountId, resolveExtension } from './access.ts';
import { baseUrl, sendJson } from './http-helpers.ts';
import { resource } from './resource.ts';

const API_VERSION = { versionString: '1.0.48', releaseDate: '2022-09-02T00:00:00.000Z', uriString: 'v1.0' };

function extensionInfo(base: string, e: Extension) {
  const accountUri = `${base}/restapi/v1.0/account/${e.accountId}`;
  const [firstName, ...rest] = e.name.split(' ');
  return {
    uri: `${accountUri}/extension/${e.id}`,
    id: Number(e.id),
    extensionNumber: e.extensionNumber,
    name: e.name,
    type: e.type,
    status: e.status,
    contact: { firstName, lastName: rest.join(' ') },
    permissions: { admin: { enabled: e.role === 'admin' }, internationalCalling: { enabled: true } },
    account: { uri: accountUri, id: e.accountId },
  };
}

export function directoryRoutes(app: FastifyInstance, ctx: ApiContext): void {
  resource(app, '/restapi', {
    GET: (request, reply) => {
      const base = baseUrl(request, ctx.http);
      return sendJson(reply, 200, {
        uri: `${base}/restapi`,
        apiVersions: [{ uri: `${base}/restapi/v1.0`, ...API_VERSION }],
        serverVersion: 'ringlog',
        serverRevision: 'ringlog',
      });
    },
  });
  resource(app, '/restapi/v1.0', {
    GET: (request, reply) => sendJson(reply, 200, { uri: `${baseUrl(request, ctx.http)}/restapi/v1.0`, ...API_VERSION }),
  });
}

/** Routes served under /restapi/v1.0 and without it. */
export function directoryApiRoutes(app: FastifyInstance, ctx: ApiContext): void {
  resource(app, '/account/:accountId', {
    GET: async (request, reply) => {
      const auth = await authenticate(ctx, request, reply, 'Light');
      requireAppPermission(auth, 'ReadAccounts');
      const accountId = resolveAccountId(auth, (request.params as { accountId: string }).accountId);
      const account = await ctx.store.getAccount(accountId);
      const base = baseUrl(request, ctx.http);
      return sendJson(reply, 200, {
        uri: `${base}/restapi/v1.0/account/${accountId}`,
        id: accountId,
        mainNumber: account?.mainNumber,
        status: 'Confirmed',
        serviceInfo: { brand: { id: '1210', name: 'RingCentral' } },
        companyName: account?.name,
      });
    },
  });
  resource(app, '/account/:accountId/extension/:extensionId', {
    GET: async (request, reply) => {
      const auth = await authenticate(ctx, request, reply, 'Light');
      requireAppPermission(auth, 'ReadAccounts');
      const params = request.params as { accountId: string; extensionId: string };
      const accountId = resolveAccountId(auth, params.accountId);
      const extension = await resolveExtension(ctx.store, auth, accountId, params.extensionId, 'ReadExtensions');
      return sendJson(reply, 200, extensionInfo(baseUrl(request, ctx.http), extension));
    },
  });
}
