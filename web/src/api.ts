// The HTTP API the web app reads, in RingCentral's shapes: who am I, extensions, call log, active calls, recordings,
// Business Analytics. Errors come back as ApiFailure with RingCentral's message; a 404 route as Unavailable.

import { authorizedFetch } from './auth.ts';

export interface Party {
  phoneNumber?: string;
  extensionNumber?: string;
  extensionId?: string;
  name?: string;
  location?: string;
}

export interface Leg {
  startTime: string;
  duration: number;
  type: string;
  direction: string;
  action: string;
  result: string;
  reason?: string;
  reasonDescription?: string;
  from: Party;
  to: Party;
  legType: string;
  master?: boolean;
  extension?: { id: string };
  recording?: { id: string; type: string; contentUri: string };
  message?: { id: string; type: string };
}

export interface CallRecord {
  id: string;
  sessionId: string;
  telephonySessionId?: string;
  startTime: string;
  duration: number;
  type: string;
  direction: string;
  action: string;
  result: string;
  reason?: string;
  from: Party;
  to: Party;
  extension?: { id: string };
  recording?: { id: string; type: string; contentUri: string };
  deleted?: boolean;
  transport?: string;
  legs?: Leg[];
}

export interface CallLogPage {
  records: CallRecord[];
  paging: { page?: number; perPage: number; pageStart?: number; pageEnd?: number };
  navigation: { nextPage?: { uri: string }; previousPage?: { uri: string } };
}

export interface Me {
  id: string;
  extensionNumber: string;
  name: string;
  isAdmin: boolean;
}

export interface ExtensionInfo {
  id: string;
  extensionNumber: string;
  name: string;
  type: string;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

/** The server does not have this API (HTTP 404 on the route itself). */
export class Unavailable extends Error {}

async function send<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await authorizedFetch(path, init);
  const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (response.ok) return body as T;
  const errorCode = body && typeof body.errorCode === 'string' ? body.errorCode : undefined;
  const message = body && typeof body.message === 'string' ? body.message : `HTTP ${response.status}`;
  // AGW-404 is the gateway's "no such resource": this server does not have the API at all.
  if (response.status === 404 && errorCode === 'AGW-404') throw new Unavailable(message);
  throw new ApiFailure(response.status, message, errorCode);
}

export function get<T>(path: string, query?: URLSearchParams, signal?: AbortSignal): Promise<T> {
  return send<T>(query && [...query].length ? `${path}?${query}` : path, { signal });
}

export function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return send<T>(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
}

const ME_KEY = 'ringlog.me';

/** Who signed in, as last read (so the first page's data is asked for at once); null if unknown. */
export function rememberedMe(ownerId: string | null): Me | null {
  try {
    const me = JSON.parse(localStorage.getItem(ME_KEY) ?? 'null') as Me | null;
    return me && me.id === ownerId ? me : null;
  } catch {
    return null;
  }
}

export async function whoAmI(): Promise<Me> {
  const body = await get<{
    id: number | string;
    extensionNumber: string;
    name: string;
    permissions?: { admin?: { enabled?: boolean } };
  }>('/restapi/v1.0/account/~/extension/~');
  const me = {
    id: String(body.id),
    extensionNumber: body.extensionNumber,
    name: body.name,
    isAdmin: !!body.permissions?.admin?.enabled,
  };
  localStorage.setItem(ME_KEY, JSON.stringify(me));
  return me;
}

export async function listExtensions(): Promise<ExtensionInfo[]> {
  const body = await get<{ records: { id: number | string; extensionNumber: string; name: string; type: string }[] }>(
    '/restapi/v1.0/account/~/extension',
    new URLSearchParams({ perPage: '1000' }),
  );
  return body.records.map((r) => ({
    id: String(r.id),
    extensionNumber: r.extensionNumber,
    name: r.name,
    type: r.type,
  }));
}

/** The call log path of a log: the company's (`company`) or an extension's (its id, `~` = mine). */
export function callLogPath(log: string): string {
  return log === 'company' ? '/restapi/v1.0/account/~/call-log' : `/restapi/v1.0/account/~/extension/${log}/call-log`;
}

export function activeCallsPath(log: string): string {
  return log === 'company'
    ? '/restapi/v1.0/account/~/active-calls'
    : `/restapi/v1.0/account/~/extension/${log}/active-calls`;
}

/** The recording's content URL on this server, for <audio src> (the API accepts `access_token` like RingCentral). */
export function recordingContentUrl(recordingId: string, token: string, disposition: 'Inline' | 'Attachment'): string {
  const query = new URLSearchParams({ access_token: token, contentDisposition: disposition });
  return `/restapi/v1.0/account/~/recording/${encodeURIComponent(recordingId)}/content?${query}`;
}
