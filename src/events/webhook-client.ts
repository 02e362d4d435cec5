// HTTP towards WebHook receivers (reference §11.4): the address check (no loopback or private ranges unless
// allowed), the Validation-Token handshake with RingCentral's limits, and posting a notification.

import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ApiError, errors } from '../domain/index.ts';

/** Ranges a public server must not be turned against: loopback, private, link-local, CGNAT, unspecified, multicast. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
  return PRIVATE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * A DNS lookup for the sockets to receivers that fails on refused ranges, so the check applies to the address the
 * socket actually connects to (a name that resolved to a public address for the check cannot resolve to a private
 * one for the connection).
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, found: LookupAddress[]) => {
    if (err) return callback(err, '', 4);
    const refused = found.find((a) => isPrivateAddress(a.address));
    if (refused) {
      const error = Object.assign(new Error(`${hostname} resolves to a refused range`), { code: 'EREFUSEDRANGE' });
      return callback(error, '', 4);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, found);
    callback(null, found[0].address, found[0].family);
  });
};

export const webhookErrors = {
  invalidAddress: () => errors.invalidParameter('deliveryMode.address'),
  tokenNotReturned: () =>
    new ApiError({ status: 400, detail: { errorCode: 'SUB-520', message: 'Validation Token is not returned' } }),
  notReachable: () =>
    new ApiError({ status: 400, detail: { errorCode: 'SUB-521', message: 'WebHook is not reachable' } }),
  badStatus: () =>
    new ApiError({
      status: 400,
      detail: { errorCode: 'SUB-522', message: 'WebHook responds with incorrect HTTP status' },
    }),
  httpsRequired: () => new ApiError({ status: 400, detail: { errorCode: 'SUB-523', message: 'HTTPS is required' } }),
  badResponse: () =>
    new ApiError({ status: 400, detail: { errorCode: 'SUB-525', message: 'WebHook server response is invalid' } }),
};

export interface WebhookClientOptions {
  /** Lets addresses resolve to loopback and private ranges (`--allow-private-webhooks`). */
  allowPrivate: boolean;
  /** Refuse http:// addresses (RingCentral requires HTTPS); off by default for self-hosted receivers. */
  requireHttps: boolean;
  /** The handshake's time limit (RingCentral: 3000 ms). */
  handshakeTimeoutMs: number;
  /** A notification's time limit. */
  deliveryTimeoutMs: number;
}

export const DEFAULT_WEBHOOK_CLIENT: WebhookClientOptions = {
  allowPrivate: false,
  requireHttps: false,
  handshakeTimeoutMs: 3000,
  deliveryTimeoutMs: 10_000,
};

/** RingCentral's limit on the whole handshake response, headers and body. */
const HANDSHAKE_MAX_BYTES = 1024;

export class WebhookClient {
  /** Kept-alive connections to receivers: node:http with an agent posts faster than fetch (docs/benchmarks.md). */
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  constructor(readonly options: WebhookClientOptions) {}

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }

  /** Checks an address for a subscription: a http(s) URL whose host resolves to no refused range. */
  async checkAddress(address: unknown): Promise<URL> {
    if (typeof address !== 'string' || address.length > 2048) throw webhookErrors.invalidAddress();
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      throw webhookErrors.invalidAddress();
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw webhookErrors.invalidAddress();
    if (url.protocol === 'http:' && this.options.requireHttps) throw webhookErrors.httpsRequired();
    if (url.username || url.password) throw webhookErrors.invalidAddress();
    if (!(await this.allowedHost(url))) throw webhookErrors.invalidAddress();
    return url;
  }

  private async allowedHost(url: URL): Promise<boolean> {
    if (this.options.allowPrivate) return true;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return true; // Unresolvable now: the handshake will say it is not reachable.
    }
    return !addresses.some(isPrivateAddress);
  }

  /**
   * RingCentral's handshake: POST with a Validation-Token that must come back within the limits. It goes over the
   * same pinned lookup as the notifications, so a name checked as public cannot be re-resolved to a private address.
   */
  async handshake(url: URL): Promise<void> {
    const token = randomBytes(24).toString('base64url');
    const secure = url.protocol === 'https:';
    let answer: { status: number; head: number; headers: IncomingMessage['headers']; body: number };
    try {
      answer = await new Promise((resolve, reject) => {
        const request = (secure ? httpsRequest : httpRequest)(url, {
          method: 'POST',
          headers: {
            'Validation-Token': token,
            'User-Agent': 'RingCentral-Webhook/8.3',
            Accept: 'application/json',
            'Content-Length': '0',
          },
          agent: false,
          signal: AbortSignal.timeout(this.options.handshakeTimeoutMs),
          ...(this.options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
        });
        request.on('response', (response: IncomingMessage) => {
          let head = `HTTP/1.1 ${response.statusCode} ${response.statusMessage}\r\n`.length + 2;
          for (let i = 0; i < response.rawHeaders.length; i += 2)
            head += response.rawHeaders[i].length + response.rawHeaders[i + 1].length + 4;
          let body = 0;
          response.on('data', (chunk: Buffer) => {
            body += chunk.length;
            // Past the limit the answer is refused whatever else it says: stop reading it.
            if (head + body > HANDSHAKE_MAX_BYTES) response.destroy();
          });
          response.on('close', () => {
            const answer = { status: response.statusCode ?? 0, head, headers: response.headers, body };
            if (response.complete || head + body > HANDSHAKE_MAX_BYTES) resolve(answer);
            else reject(new Error('The handshake answer was cut short'));
          });
          response.on('error', () => undefined);
        });
        request.on('error', reject);
        request.end();
      });
    } catch {
      throw webhookErrors.notReachable();
    }
    if (answer.status !== 200) throw webhookErrors.badStatus();
    if (answer.head + answer.body > HANDSHAKE_MAX_BYTES) throw webhookErrors.badResponse();
    if (answer.headers['validation-token'] !== token) throw webhookErrors.tokenNotReturned();
  }

  /** Posts one notification; resolves with null when the receiver took it (2xx), else the failure's reason. */
  async deliver(url: URL, body: string, verificationToken: string | null): Promise<string | null> {
    if (!(await this.allowedHost(url))) return 'Address resolves to a refused range';
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=UTF-8',
      'User-Agent': 'RingCentral-Webhook/8.3',
      Accept: 'application/json',
    };
    if (verificationToken) headers['Verification-Token'] = verificationToken;
    headers['Content-Length'] = String(Buffer.byteLength(body));
    const secure = url.protocol === 'https:';
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const request = (secure ? httpsRequest : httpRequest)(
          url,
          {
            method: 'POST',
            headers,
            agent: secure ? this.https : this.http,
            timeout: this.options.deliveryTimeoutMs,
            ...(this.options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
          },
          (response: IncomingMessage) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode ?? 0));
            response.on('error', reject);
          },
        );
        request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
        request.on('error', reject);
        request.end(body);
      });
      if (status >= 200 && status < 300) return null;
      return `HTTP status ${status}`;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.name === 'TimeoutError') return 'I/O operation is failed. Details: [Read timed out]';
      return `I/O operation is failed. Details: [${e.code ?? e.message}]`;
    }
  }
}
