// Directory resources the SDK samples call first: API version, account and extension info.

import type { FastifyInstance } from 'fastify';
import { pageValue, perPageValue, type Extension } from '../domain/index.ts';
import { authenticate, type ApiContext } from './context.ts';
import { readableExtension, requireAppPermission, resolveAccountId } from './access.ts';
import { baseUrl, sendJson } from './http-helpers.ts';
import { pagedBody } from './paged-body.ts';
import { resource, type AccountParams, type ExtensionParams } from './resource.ts';

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
    contact: {
      firstName,
      lastName: rest.join(' '),
      ...(e.phoneNumbers[0] ? { businessPhone: e.phoneNumbers[0] } : {}),
    },
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
    GET: (request, reply) =>
      sendJson(reply, 200, { uri: `${baseUrl(request, ctx.http)}/restapi/v1.0`, ...API_VERSION }),
  });
}

/** Routes served under /restapi/v1.0 and without it. */
export function directoryApiRoutes(app: FastifyInstance, ctx: ApiContext): void {
  resource<AccountParams>(app, '/account/:accountId', {
    GET: async (request, reply) => {
      const auth = await authenticate(ctx, request, reply, 'Light');
      requireAppPermission(auth, 'ReadAccounts');
      const accountId = resolveAccountId(auth, request.params.accountId);
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
  resource<AccountParams>(app, '/account/:accountId/extension', {
    GET: async (request, reply) => {
      const auth = await authenticate(ctx, request, reply, 'Medium');
      requireAppPermission(auth, 'ReadAccounts');
      const accountId = resolveAccountId(auth, request.params.accountId);
      const raw = request.query;
      const page = pageValue(raw);
      const perPage = perPageValue(raw);
      const all = await ctx.store.listExtensions(accountId);
      const base = baseUrl(request, ctx.http);
      const listUri = (n: number) => `${base}/restapi/v1.0/account/${accountId}/extension?page=${n}&perPage=${perPage}`;
      return sendJson(
        reply,
        200,
        pagedBody(all, page, perPage, listUri, (e) => extensionInfo(base, e)),
      );
    },
  });
  resource<ExtensionParams>(app, '/account/:accountId/extension/:extensionId', {
    GET: async (request, reply) => {
      const auth = await authenticate(ctx, request, reply, 'Light');
      const { extension } = await readableExtension(ctx.store, auth, request.params, {
        app: 'ReadAccounts',
        extension: 'ReadExtensions',
      });
      return sendJson(reply, 200, extensionInfo(baseUrl(request, ctx.http), extension));
    },
  });
}
