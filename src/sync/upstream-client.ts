// HTTP to the upstream (RingCentral or a compatible server): every request paced by its rate-limit group, 429s
// waited out for Retry-After, 5xx and network failures retried with jittered backoff, 401s answered by a
// token refresh and one retry.

import { setTimeout as sleep } from 'node:timers/promises';
import { getDomain } from 'tldts';
import { Pacer, readRateHeaders, type RateHeaders } from './pacer.ts';
import type { Register } from './state-register.ts';
import { TokenKeeper, TokenRefused, type TokenResponse } from './upstream-token.ts';

export interface UpstreamCredentials {
  /** Base URL, e.g. https://platform.ringcentral.com */
  url: string;
  clientId: string;
  clientSecret: string;
  jwt: string;
}

export interface UpstreamClientOptions {
  credentials: UpstreamCredentials;
  /** Where the upstream token is kept between runs. */
  tokenRegister: Register;
  pacer?: Pacer;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Attempts per request on 5xx and network errors (429s are waited out and not counted). */
  maxAttempts?: number;
  /** Retries of one request on 429 before giving up. */
  max429?: number;
  timeoutMs?: number;
}

export interface ClientStats {
  requests: number;
  /** 429 answers received. */
  rateLimited: number;
  serverErrors: number;
  networkErrors: number;
  unauthorized: number;
  /** Requests per rate-limit group as classed before sending (heavy, medium, light, auth). */
  byGroup: Record<string, number>;
  /** When the first and the last request of each group were sent (epoch ms). */
  sentBetween: Record<string, { first: number; last: number }>;
}

/** The counters of a client that has sent nothing yet. */
export function emptyClientStats(): ClientStats {
  return {
    requests: 0,
    rateLimited: 0,
    serverErrors: 0,
    networkErrors: 0,
    unauthorized: 0,
    byGroup: {},
    sentBetween: {},
  };
}

/** A refusal the client does not retry (4xx other than 401 and 429, or retries exhausted). */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';

  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

interface Answer {
  status: number;
  headers: Headers;
  /** The body as text (JSON answers) or bytes (recording content). */
  body: Buffer | string;
}

/** "Equal jitter": between half and all of an exponential step (0.5 s, 1 s, 2 s … capped at 30 s). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 500 * 2 ** attempt);
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** Which RingCentral group a request falls in, until the upstream's headers say. */
export function groupOf(url: URL): string {
  const path = url.pathname;
  if (path.includes('/oauth/')) return 'auth';
  if (/\/(call-log|call-log-sync|recording|active-calls)(\/|$)/.test(path)) return 'heavy';
  if (/\/extension\/?$/.test(path)) return 'medium';
  return 'light';
}

/** What a URI the upstream gave is for: the next page of a list, or a recording's content. */
export type UpstreamLink = 'page' | 'content';

/** The registrable domain of a host (`example.co.uk` for `platform.example.co.uk`), null for IPs and suffixes. */
const siteOf = (hostname: string) => getDomain(hostname, { allowPrivateDomains: true });

/**
 * Whether `target` is the upstream's media host: RingCentral serves recording content from `media.` beside
 * `platform.` (media.ringcentral.com, media.devtest.ringcentral.com), over https, on the same registrable domain.
 */
function isMediaHost(base: URL, target: URL): boolean {
  const site = siteOf(base.hostname);
  if (base.protocol !== 'https:' || target.protocol !== 'https:' || site === null) return false;
  if (siteOf(target.hostname) !== site || target.port !== base.port) return false;
  const parent = base.hostname.startsWith('platform.') ? base.hostname.slice('platform.'.length) : base.hostname;
  return target.hostname === `media.${parent}`;
}

/**
 * Where to send a URI the upstream gave (nextPage, contentUri): as given when it is on the upstream's own origin,
 * or, for recording content, on its media host; otherwise the same path on the configured base, so the access token
 * never goes to a host we were not pointed at.
 */
export function resolveUpstreamUrl(base: string, uri: string, link: UpstreamLink = 'page'): URL {
  const baseUrl = new URL(base);
  const target = new URL(uri, baseUrl);
  if (target.origin === baseUrl.origin) return target;
  if (link === 'content' && isMediaHost(baseUrl, target)) return target;
  const at = target.pathname.indexOf('/restapi/');
  const path = at >= 0 ? target.pathname.slice(at) : target.pathname;
  return new URL(`${baseUrl.pathname.replace(/\/$/, '')}${path}${target.search}`, baseUrl.origin);
}

function errorOf(answer: Answer): { code: string | undefined; message: string } {
  try {
    const body = JSON.parse(String(answer.body)) as Record<string, unknown>;
    const first = Array.isArray(body.errors) ? (body.errors[0] as Record<string, unknown>) : undefined;
    const code = (body.errorCode ?? first?.errorCode ?? body.error) as string | undefined;
    const message = (body.message ?? first?.message ?? body.error_description ?? '') as string;
    return { code, message };
  } catch {
    return { code: undefined, message: String(answer.body).slice(0, 200) };
  }
}

export class UpstreamClient {
  readonly stats: ClientStats = emptyClientStats();
  readonly pacer: Pacer;
  readonly tokens: TokenKeeper;
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly max429: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: UpstreamClientOptions) {
    this.base = options.credentials.url.replace(/\/+$/, '');
    this.pacer = options.pacer ?? new Pacer();
    this.fetch = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => sleep(ms));
    this.random = options.random ?? Math.random;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.max429 = options.max429 ?? 30;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.tokens = new TokenKeeper(
      options.credentials.jwt,
      options.tokenRegister,
      (form) => this.requestToken(form),
      options.now ?? Date.now,
    );
  }

  /** The absolute URL of an API path (`/restapi/v1.0/...`) or of a URI the upstream returned (see resolveUpstreamUrl). */
  url(pathOrUri: string, query: Record<string, string | number | boolean> = {}, link: UpstreamLink = 'page'): URL {
    const url = /^https?:\/\//.test(pathOrUri)
      ? resolveUpstreamUrl(this.base, pathOrUri, link)
      : new URL(this.base + pathOrUri);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
    return url;
  }

  /** GET with the bearer token; JSON answer. Throws UpstreamError on refusals. */
  async getJson<T>(url: URL): Promise<T> {
    return JSON.parse(await this.getText(url)) as T;
  }

  /** GET with the bearer token; the JSON answer's text, unparsed. Throws UpstreamError on refusals. */
  async getText(url: URL): Promise<string> {
    return String((await this.authorized(url, 'application/json', 'text')).body);
  }

  /** POST with the bearer token and no body (the WebSocket token); JSON answer. Throws UpstreamError on refusals. */
  async postJson<T>(url: URL): Promise<T> {
    return JSON.parse(String((await this.authorized(url, 'application/json', 'text', 'POST')).body)) as T;
  }

  /** GET binary content (recordings). */
  async getBytes(url: URL): Promise<{ data: Buffer; contentType: string }> {
    const answer = await this.authorized(url, '*/*', 'bytes');
    const data = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
    return { data, contentType: answer.headers.get('content-type') ?? 'application/octet-stream' };
  }

  private async authorized(url: URL, accept: string, read: 'text' | 'bytes', method = 'GET'): Promise<Answer> {
    for (let attempt = 0; ; attempt += 1) {
      const token = await this.tokens.accessToken();
      const answer = await this.send(
        url,
        { method, headers: { Authorization: `Bearer ${token}`, Accept: accept } },
        read,
      );
      if (answer.status >= 200 && answer.status < 300) return answer;
      if (answer.status !== 401 || attempt >= 2) throw this.refusal(url, answer);
      // Expired or revoked early: refresh once; if that token is refused too, log in with the JWT.
      this.stats.unauthorized += 1;
      await this.tokens.renew(token, attempt === 1);
    }
  }

  private refusal(url: URL, answer: Answer): UpstreamError {
    const { code, message } = errorOf(answer);
    return new UpstreamError(
      answer.status,
      code,
      `upstream ${url.pathname} answered ${answer.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`,
    );
  }

  /** POST /restapi/oauth/token with the app's Basic credentials. */
  private async requestToken(form: Record<string, string>): Promise<TokenResponse> {
    const { clientId, clientSecret } = this.options.credentials;
    const url = new URL(`${this.base}/restapi/oauth/token`);
    const answer = await this.send(
      url,
      {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: new URLSearchParams(form).toString(),
      },
      'text',
    );
    if (answer.status === 200) return JSON.parse(String(answer.body)) as TokenResponse;
    const { code, message } = errorOf(answer);
    const text =
      `upstream token endpoint refused ${form.grant_type === 'refresh_token' ? 'the refresh' : 'the JWT login'}: ` +
      `${answer.status}${code ? ` ${code}` : ''}${message ? ` ${message}` : ''}`;
    throw new TokenRefused(answer.status, text);
  }

  private count(kind: string): void {
    const now = Date.now();
    this.stats.requests += 1;
    this.stats.byGroup[kind] = (this.stats.byGroup[kind] ?? 0) + 1;
    const span = (this.stats.sentBetween[kind] ??= { first: now, last: now });
    span.last = now;
  }

  /** One try: paced, and released as soon as the answer's headers say how the server counted it. */
  private async attempt(
    url: URL,
    init: RequestInit,
    read: 'text' | 'bytes',
    kind: string,
  ): Promise<{ answer: Answer; rate: RateHeaders } | Error> {
    const ticket = await this.pacer.acquire(kind);
    let released = false;
    try {
      this.count(kind);
      const response = await this.fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      const rate = readRateHeaders(response.headers);
      // The server counted the request before it sent these headers: the window runs from now.
      this.pacer.release(ticket, rate, response.status < 400);
      released = true;
      const body = read === 'text' ? await response.text() : Buffer.from(await response.arrayBuffer());
      return { answer: { status: response.status, headers: response.headers, body }, rate };
    } catch (err) {
      if (!released) this.pacer.release(ticket, null, false);
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** One request, retried until it gets an answer that is neither a 429 nor a 5xx (or the attempts run out). */
  private async send(url: URL, init: RequestInit, read: 'text' | 'bytes'): Promise<Answer> {
    const kind = groupOf(url);
    let failures = 0;
    let limited = 0;
    for (;;) {
      const result = await this.attempt(url, init, read, kind);
      if (result instanceof Error) {
        this.stats.networkErrors += 1;
        if (++failures >= this.maxAttempts)
          throw new Error(`upstream ${url.pathname}: ${result.message}`, { cause: result });
        await this.sleep(backoffDelay(failures - 1, this.random));
        continue;
      }
      const { answer, rate } = result;
      if (answer.status === 429) {
        this.stats.rateLimited += 1;
        if (++limited > this.max429) throw this.refusal(url, answer);
        // RingCentral: wait Retry-After, else at least 30 s; the window if that is all we know.
        this.pacer.penalize(kind, rate.retryAfterSec ?? Math.max(30, rate.windowSec ?? 60));
        continue;
      }
      if (answer.status >= 500) {
        this.stats.serverErrors += 1;
        if (++failures >= this.maxAttempts) throw this.refusal(url, answer);
        await this.sleep(Math.max((rate.retryAfterSec ?? 0) * 1000, backoffDelay(failures - 1, this.random)));
        continue;
      }
      return answer;
    }
  }
}
