// The ingest endpoint (ours): telephony-session events in RingCentral's notification shape go to the Telephony
// facade, answered only once they are durable. It doubles as a RingCentral WebHook receiver: it answers the
// Validation-Token handshake and accepts deliveries carrying the account's Verification-Token (RingCentral's
// WebHooks carry no bearer token). Administrators read or replace that token at …/telephony/webhook.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiError,
  errors,
  scopeGrants,
  validateTelephonyEvent,
  type TelephonySessionEventBody,
} from '../domain/index.ts';
import { putSetting } from '../store/index.ts';
import type { AuthContext } from '../auth/index.ts';
import type { LiveApiContext } from './context.ts';
import { resolveAccountId } from './access.ts';
import { baseUrl, sendJson } from './http-helpers.ts';
import { resource, type AccountParams, type ApiRequest, type ApiRoute } from './resource.ts';

/** Events one request may carry. */
export const MAX_INGEST_EVENTS = 1000;
const INGEST_BODY_LIMIT = 16 * 1024 * 1024;
const NUMERIC_ID = /^\d{1,19}$/;
/** What a verification token may look like (RingCentral's WebHook `verificationToken` is at most 64 characters). */
const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,64}$/;
const VALIDATION_TOKEN = /^[\x21-\x7e]{1,512}$/;

export const ingestPath = (accountId: string) => `/ringlog/v1/account/${accountId}/telephony/events`;
const settingKey = (accountId: string) => `webhook-verification-token:${accountId}`;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const adminRequired = () =>
  new ApiError({ status: 403, detail: { errorCode: 'CMN-402', message: 'Administrator permission required' } });
const badVerificationToken = () =>
  new ApiError({ status: 401, detail: { errorCode: 'AGW-402', message: 'Invalid Verification-Token header' } });
const noVerificationToken = () =>
  new ApiError({
    status: 401,
    detail: {
      errorCode: 'AGW-402',
      message: 'No WebHook verification token is set for this account (GET …/telephony/webhook as an administrator)',
    },
  });

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** An administrator's token for the account the path names, from an app allowed to control calls. */
async function authenticateAdmin(ctx: LiveApiContext, request: ApiRequest<AccountParams>): Promise<AuthContext> {
  const auth = await ctx.tokens.authenticate(request.headers.authorization, undefined);
  if (!scopeGrants(auth.scope, 'CallControl')) throw errors.appPermission('CallControl');
  resolveAccountId(auth, request.params.accountId);
  if (auth.role !== 'admin') throw adminRequired();
  return auth;
}

/** The account a WebHook delivery names, if its Verification-Token is that account's. */
async function verifyDelivery(ctx: LiveApiContext, accountIdParam: string, given: string): Promise<string> {
  if (!NUMERIC_ID.test(accountIdParam)) throw errors.invalidParameter('accountId', accountIdParam);
  const expected = await ctx.store.getSetting(settingKey(accountIdParam));
  if (expected === null) {
    if (!(await ctx.store.getAccount(accountIdParam))) throw errors.notFound('accountId');
    throw noVerificationToken();
  }
  // Digests of equal length, so the comparison says nothing about the token's length either.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  if (!timingSafeEqual(digest(given), digest(expected))) throw badVerificationToken();
  return accountIdParam;
}

function checkEventFilter(event: unknown, path: string): void {
  if (event === undefined) return;
  if (typeof event !== 'string' || !/\/telephony\/sessions(\?|$)/.test(event)) {
    throw errors.invalidParameter(path, typeof event === 'string' ? event : undefined);
  }
}

/** One event: a notification `{uuid, event, timestamp, subscriptionId, ownerId, body}` or a bare body. */
function eventBody(item: unknown, path: string, accountId: string): TelephonySessionEventBody {
  let value = item;
  let bodyPath = path;
  if (isObject(item) && item.parties === undefined && 'body' in item) {
    checkEventFilter(item.event, path === 'body' ? 'event' : `${path}.event`);
    value = item.body;
    bodyPath = path === 'body' ? 'body' : `${path}.body`;
  }
  const body = validateTelephonyEvent(value, bodyPath);
  body.parties.forEach((party, i) => {
    if (party.accountId !== undefined && party.accountId !== accountId) {
      throw errors.invalidParameter(`${bodyPath}.parties[${i}].accountId`, party.accountId);
    }
  });
  return body;
}

/**
 * Can a backend store `text` as it is given? Not with a NUL (PostgreSQL refuses it in text) nor with a lone surrogate
 * (stored as U+FFFD, so a session id holding one would no longer match itself: the event was answered as a duplicate
 * and never assembled).
 */
const storable = (text: string): boolean => !text.includes('\u0000') && text.isWellFormed();

/**
 * The path of the first string (value or key) holding a character no backend stores as given, if any: such an
 * event is refused on every backend rather than failing half-way through the telephony or being stored altered.
 */
export function unstorablePath(value: unknown, path: string): string | undefined {
  const steps = unstorableSteps(value);
  return steps && path + steps.reverse().join('');
}

/** The steps to the first unstorable string in `value`, last step first (built only when one is found). */
function unstorableSteps(value: unknown): string[] | undefined {
  if (typeof value === 'string') return storable(value) ? undefined : [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableSteps(value[i]);
      if (found) return (found.push(`[${i}]`), found);
    }
    return undefined;
  }
  if (isObject(value)) {
    for (const key of Object.keys(value)) {
      if (!storable(key)) return [`.${key.replaceAll('\u0000', '').toWellFormed()}`];
      const found = unstorableSteps(value[key]);
      if (found) return (found.push(`.${key}`), found);
    }
  }
  return undefined;
}

/** The event bodies of a request: one notification, one bare body, or an array of either. */
export function eventBodies(payload: unknown, accountId: string): TelephonySessionEventBody[] {
  const unstorable = unstorablePath(payload, 'body');
  if (unstorable !== undefined) throw errors.invalidParameter(unstorable);
  if (Array.isArray(payload)) {
    if (payload.length > MAX_INGEST_EVENTS) throw errors.batchLimit(MAX_INGEST_EVENTS);
    return payload.map((item, i) => eventBody(item, `[${i}]`, accountId));
  }
  if (!isObject(payload)) throw errors.invalidParameter('body');
  return [eventBody(payload, 'body', accountId)];
}

async function ingest(ctx: LiveApiContext, request: ApiRequest<AccountParams>, reply: FastifyReply) {
  const accountIdParam = request.params.accountId;
  const validationToken = header(request, 'validation-token');
  if (validationToken !== undefined && request.body === undefined) {
    // RingCentral's WebHook handshake (no body): echo the token, 200, a short answer.
    if (!VALIDATION_TOKEN.test(validationToken)) throw errors.invalidParameter('Validation-Token');
    if (!NUMERIC_ID.test(accountIdParam)) throw errors.invalidParameter('accountId', accountIdParam);
    if (!(await ctx.store.getAccount(accountIdParam))) throw errors.notFound('accountId');
    return reply.code(200).header('Validation-Token', validationToken).type('application/json').send('');
  }

  // Deliveries echo the subscription's verificationToken in Verification-Token; the current developer guide calls
  // that header Validation-Token, so a delivery (it has a body) may carry the token under either name.
  let accountId: string;
  const deliveryToken = header(request, 'verification-token') ?? validationToken;
  if (request.headers.authorization !== undefined || deliveryToken === undefined) {
    accountId = (await authenticateAdmin(ctx, request)).accountId;
  } else {
    accountId = await verifyDelivery(ctx, accountIdParam, deliveryToken);
  }

  const type = header(request, 'content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw errors.unsupportedMediaType(type || 'none');
  const bodies = eventBodies(request.body, accountId);
  const result = await ctx.telephony.ingest(accountId, bodies);
  return sendJson(reply, 200, { accepted: result.accepted, duplicates: result.duplicates });
}

/** What an administrator gives RingCentral to deliver an account's telephony events here. */
function webhookInfo(ctx: LiveApiContext, request: FastifyRequest, accountId: string, token: string) {
  const address = `${baseUrl(request, ctx.http)}${ingestPath(accountId)}`;
  return {
    address,
    verificationToken: token,
    subscriptionRequest: {
      eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
      deliveryMode: { transportType: 'WebHook', address, verificationToken: token },
      expiresIn: 315360000,
    },
  };
}

const newToken = () => randomBytes(24).toString('base64url');

async function readWebhook(ctx: LiveApiContext, request: ApiRequest<AccountParams>, reply: FastifyReply) {
  const auth = await authenticateAdmin(ctx, request);
  const token = await ctx.store.initSetting(settingKey(auth.accountId), newToken());
  return sendJson(reply, 200, webhookInfo(ctx, request, auth.accountId, token));
}

async function replaceWebhookToken(ctx: LiveApiContext, request: ApiRequest<AccountParams>, reply: FastifyReply) {
  const auth = await authenticateAdmin(ctx, request);
  const body: unknown = request.body ?? {};
  if (!isObject(body)) throw errors.invalidParameter('body');
  const given = body.verificationToken;
  if (given !== undefined && (typeof given !== 'string' || !TOKEN_PATTERN.test(given))) {
    throw errors.invalidParameter('verificationToken');
  }
  const token = given ?? newToken();
  await putSetting(ctx.store, settingKey(auth.accountId), token);
  return sendJson(reply, 200, webhookInfo(ctx, request, auth.accountId, token));
}

export function ingestRoutes(app: FastifyInstance, ctx: LiveApiContext): void {
  const events = '/ringlog/v1/account/:accountId/telephony/events';
  app.route<ApiRoute<AccountParams>>({
    method: 'POST',
    url: events,
    bodyLimit: INGEST_BODY_LIMIT,
    handler: (req, reply) => ingest(ctx, req, reply),
  });
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: events,
    handler: (request) => {
      throw errors.methodNotAllowed(request.method, ['POST']);
    },
  });
  resource<AccountParams>(app, '/ringlog/v1/account/:accountId/telephony/webhook', {
    GET: (request, reply) => readWebhook(ctx, request, reply),
    PUT: (request, reply) => replaceWebhookToken(ctx, request, reply),
  });
}
