// An extension's phone numbers (GET …/extension/{id}/phone-number, GetExtensionPhoneNumbersResponse): its direct
// numbers from the directory, and the company main number it may use as caller id.

import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  enumValue,
  enumValues,
  pageValue,
  perPageValue,
  phoneDigits,
  type Account,
  type Extension,
} from '../domain/index.ts';
import { authenticate, type ApiContext } from './context.ts';
import { readableExtension, type ExtensionAccess } from './access.ts';
import { baseUrl, sendJson, serializeQuery } from './http-helpers.ts';
import { pagedBody } from './paged-body.ts';
import { resource, type ApiRequest, type ExtensionParams } from './resource.ts';

const USAGE_TYPES = [
  'MainCompanyNumber',
  'AdditionalCompanyNumber',
  'CompanyNumber',
  'DirectNumber',
  'CompanyFaxNumber',
  'ForwardedNumber',
  'ForwardedCompanyNumber',
  'BusinessMobileNumber',
  'IntegrationNumber',
] as const;
const STATUSES = ['Normal', 'Pending', 'PortedIn', 'Temporary'] as const;
const EXTENSION_TYPES = new Set([
  'User',
  'FaxUser',
  'VirtualUser',
  'DigitalUser',
  'Department',
  'Announcement',
  'Voicemail',
  'SharedLinesGroup',
  'PagingOnly',
  'IvrMenu',
  'ApplicationExtension',
  'ParkLocation',
  'Site',
]);
const US = { id: '1', name: 'United States', isoCode: 'US', callingCode: '1' };

interface NumberEntry {
  phoneNumber: string;
  usageType: (typeof USAGE_TYPES)[number];
  primary: boolean;
  features: string[];
  extension?: Extension;
}

/** The numbers an extension has: its direct numbers (the first is primary), then the company's main number. */
const NUMBERS_ACCESS: ExtensionAccess = { app: 'ReadAccounts', extension: 'ReadUserPhoneNumbers' };

export function extensionNumbers(account: Account | null, extension: Extension): NumberEntry[] {
  const entries: NumberEntry[] = extension.phoneNumbers.map((phoneNumber, i) => ({
    phoneNumber,
    usageType: 'DirectNumber',
    primary: i === 0,
    features: ['CallerId', 'SmsSender'],
    extension,
  }));
  if (account?.mainNumber && !extension.phoneNumbers.includes(account.mainNumber)) {
    entries.push({
      phoneNumber: account.mainNumber,
      usageType: 'MainCompanyNumber',
      primary: false,
      features: ['CallerId'],
    });
  }
  return entries;
}

function numberInfo(base: string, accountId: string, entry: NumberEntry) {
  const digits = phoneDigits(entry.phoneNumber) ?? '0';
  const accountUri = `${base}/restapi/v1.0/account/${accountId}`;
  const e = entry.extension;
  return {
    uri: `${accountUri}/phone-number/${digits}`,
    id: Number(digits),
    phoneNumber: entry.phoneNumber,
    ...(entry.phoneNumber.startsWith('+1')
      ? { country: { ...US, uri: `${base}/restapi/v1.0/dictionary/country/1` } }
      : {}),
    paymentType: 'Local',
    type: 'VoiceFax',
    usageType: entry.usageType,
    status: 'Normal',
    primary: entry.primary,
    features: entry.features,
    ...(e
      ? {
          extension: {
            id: Number(e.id),
            uri: `${accountUri}/extension/${e.id}`,
            extensionNumber: e.extensionNumber,
            name: e.name,
            ...(EXTENSION_TYPES.has(e.type) ? { type: e.type } : {}),
          },
        }
      : {}),
  };
}

async function list(ctx: ApiContext, request: ApiRequest<ExtensionParams>, reply: FastifyReply) {
  const auth = await authenticate(ctx, request, reply, 'Light');
  const { accountId, extension } = await readableExtension(ctx.store, auth, request.params, NUMBERS_ACCESS);
  const raw = request.query;
  const usageTypes = enumValues(raw, 'usageType', USAGE_TYPES);
  const status = enumValue(raw, 'status', STATUSES);
  const page = pageValue(raw);
  const perPage = perPageValue(raw);

  const all = extensionNumbers(await ctx.store.getAccount(accountId), extension).filter(
    (n) => (!usageTypes || usageTypes.includes(n.usageType)) && (!status || status === 'Normal'),
  );
  const base = baseUrl(request, ctx.http);
  const rest = serializeQuery(raw, ['page', 'perPage', 'access_token']);
  const path = `${base}/restapi/v1.0/account/${accountId}/extension/${extension.id}/phone-number`;
  const pageUri = (n: number) => `${path}?${rest ? `${rest}&` : ''}page=${n}&perPage=${perPage}`;
  return sendJson(
    reply,
    200,
    pagedBody(all, page, perPage, pageUri, (n) => numberInfo(base, accountId, n)),
  );
}

export function phoneNumberRoutes(app: FastifyInstance, ctx: ApiContext): void {
  resource<ExtensionParams>(app, '/account/:accountId/extension/:extensionId/phone-number', {
    GET: (request, reply) => list(ctx, request, reply),
  });
}
