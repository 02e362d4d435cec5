// An extension's presence (GET …/extension/{id}/presence, GetPresenceInfo) from the live telephony:
// telephonyStatus always, the active-call items with detailedTelephonyState=true, their sipData with sipData=true.
// Extensions other than users (queues, IVR menus, ...) are Offline without telephony fields, as RingCentral answers.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { booleanValue } from '../domain/index.ts';
import { authenticate, type LiveApiContext } from './context.ts';
import { readableExtension, type ExtensionAccess } from './access.ts';
import { baseUrl, sendJson } from './http-helpers.ts';
import { resource, type ApiRequest, type ExtensionParams } from './resource.ts';

const BUSY = new Set(['CallConnected', 'OnHold', 'ParkedCall']);

const PRESENCE_ACCESS: ExtensionAccess = { app: 'ReadPresence', extension: 'ReadPresenceStatus' };

async function read(ctx: LiveApiContext, request: ApiRequest<ExtensionParams>, reply: FastifyReply) {
  const auth = await authenticate(ctx, request, reply, 'Light');
  const { accountId, extension } = await readableExtension(ctx.store, auth, request.params, PRESENCE_ACCESS);
  const detailed = booleanValue(request.query, 'detailedTelephonyState', false);
  const withSip = booleanValue(request.query, 'sipData', false);

  const base = baseUrl(request, ctx.http);
  const extensionUri = `${base}/restapi/v1.0/account/${accountId}/extension/${extension.id}`;
  const head = {
    uri: `${extensionUri}/presence`,
    extension: { uri: extensionUri, id: Number(extension.id), extensionNumber: extension.extensionNumber },
  };
  if (extension.type !== 'User') {
    return sendJson(reply, 200, { ...head, presenceStatus: 'Offline' });
  }
  const presence = await ctx.telephony.presence(accountId, extension.id, ctx.now());
  const busy = BUSY.has(presence.telephonyStatus);
  return sendJson(reply, 200, {
    ...head,
    presenceStatus: busy ? 'Busy' : 'Available',
    telephonyStatus: presence.telephonyStatus,
    userStatus: 'Available',
    dndStatus: 'TakeAllCalls',
    allowSeeMyPresence: true,
    ringOnMonitoredCall: false,
    pickUpCallsOnHold: false,
    ...(detailed
      ? {
          activeCalls: presence.activeCalls.map(({ sipData, ...item }) => (withSip ? { ...item, sipData } : item)),
          totalActiveCalls: presence.totalActiveCalls,
          sequence: presence.sequence,
        }
      : {}),
  });
}

export function presenceRoutes(app: FastifyInstance, ctx: LiveApiContext): void {
  resource<ExtensionParams>(app, '/account/:accountId/extension/:extensionId/presence', {
    GET: (req, reply) => read(ctx, req, reply),
  });
}
