// The one typed configuration object, built from command-line flags and RINGLOG_* environment variables.

import { readFileSync } from 'node:fs';
import { RINGCENTRAL_TOKEN_CONFIG, type TokenConfig } from '../auth/index.ts';
import { NO_FAULTS, type FaultConfig } from '../api/index.ts';
import { parseRetention, type RetentionPolicy } from '../domain/index.ts';
import type { SimulateConfig } from './simulation.ts';
import { parseRateLimits, RINGCENTRAL_RATE_LIMITS, type RateLimits } from '../domain/index.ts';

export interface Config {
  /** SQLite file path (or a postgres:// URL once that store exists). */
  db: string;
  host: string;
  port: number;
  /** Base URL written into URIs instead of the request's own (for proxies). */
  publicUrl?: string;
  tokens: TokenConfig;
  rateLimits: RateLimits;
  faults: FaultConfig;
  retention: RetentionPolicy;
  logger: boolean;
  /** Origins browsers may call the API from (CORS); empty = any origin, without credentials. */
  corsOrigins: string[];
  /** Live simulated traffic (serve --simulate, demo). */
  simulate?: SimulateConfig;
  /** `--allow-private-webhooks`: WebHook addresses may point at loopback and private ranges. */
  allowPrivateWebhooks?: boolean;
  /** How long a server holds a claimed WebHook notification before another may deliver it (RINGLOG_WEBHOOK_LEASE_MS). */
  webhookLeaseMs?: number;
}

export interface CommonFlags {
  db?: string;
  host?: string;
  port?: string;
  publicUrl?: string;
  accessTokenTtl?: string;
  refreshTokenTtl?: string;
  rateLimits?: string;
  faults?: string;
  retention?: string;
  log?: boolean;
  corsOrigins?: string;
  allowPrivateWebhooks?: boolean;
}

/** `--faults "429=0.05,5xx=0.05,expire=0.02,latency=200,seed=7"`: shares of requests to fail, and latency. */
export function faultsFrom(spec: string | undefined): FaultConfig {
  const faults = { ...NO_FAULTS };
  if (!spec) return faults;
  const keys: Record<string, keyof FaultConfig> = {
    '429': 'rate429',
    '5xx': 'rate5xx',
    expire: 'tokenExpiryRate',
    latency: 'latencyMs',
    seed: 'seed',
  };
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = part.split('=');
    const key = keys[name];
    const n = Number(value);
    if (!key || value === undefined || !Number.isFinite(n) || n < 0) {
      throw new Error(`--faults: "${part}" is not one of 429=SHARE, 5xx=SHARE, expire=SHARE, latency=MS, seed=N`);
    }
    if (key.startsWith('rate') || key === 'tokenExpiryRate') {
      if (n > 1) throw new Error(`--faults: ${name} is a share between 0 and 1, not ${value}`);
    }
    faults[key] = n;
  }
  return faults;
}

/** `--rate-limits`: `ringcentral` (RingCentral's default groups), `off`, or a JSON file of custom counts. */
export function rateLimitsFrom(value: string): RateLimits {
  if (value === 'ringcentral') return RINGCENTRAL_RATE_LIMITS;
  if (value === 'off') return {};
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch {
    throw new Error(`--rate-limits must be "ringcentral", "off" or a readable JSON file, not "${value}"`);
  }
  try {
    return parseRateLimits(JSON.parse(text));
  } catch (err) {
    throw new Error(`--rate-limits ${value}: ${(err as Error).message}`);
  }
}

function positiveInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, not "${value}"`);
  return Number(value);
}

/** Defaults differ by command: `serve` limits and drops nothing unless asked, `demo` behaves like RingCentral. */
export function buildConfig(
  flags: CommonFlags,
  env: NodeJS.ProcessEnv,
  defaults: { rateLimits: string; retention: string } = { rateLimits: 'off', retention: 'archive' },
): Config {
  const port = positiveInteger('--port', flags.port ?? env.RINGLOG_PORT ?? '8080');
  if (port > 65535) throw new Error(`--port must be at most 65535, not ${port}`);
  const tokens = { ...RINGCENTRAL_TOKEN_CONFIG };
  // Short token lives let tests and integrators exercise expiry and refresh; they also lower the minimum.
  if (flags.accessTokenTtl !== undefined) {
    tokens.accessTtl = positiveInteger('--access-token-ttl', flags.accessTokenTtl);
    tokens.minAccessTtl = Math.min(tokens.minAccessTtl, tokens.accessTtl);
  }
  if (flags.refreshTokenTtl !== undefined) {
    tokens.refreshTtl = positiveInteger('--refresh-token-ttl', flags.refreshTokenTtl);
  }
  const config: Config = {
    db: flags.db ?? env.RINGLOG_DB ?? './ringlog.db',
    host: flags.host ?? env.RINGLOG_HOST ?? '127.0.0.1',
    port,
    tokens,
    rateLimits: rateLimitsFrom(flags.rateLimits ?? env.RINGLOG_RATE_LIMITS ?? defaults.rateLimits),
    retention: parseRetention(flags.retention ?? env.RINGLOG_RETENTION ?? defaults.retention),
    faults: faultsFrom(flags.faults ?? env.RINGLOG_FAULTS),
    logger: flags.log ?? false,
    corsOrigins: (flags.corsOrigins ?? env.RINGLOG_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
  const publicUrl = flags.publicUrl ?? env.RINGLOG_PUBLIC_URL;
  if (publicUrl) config.publicUrl = publicUrl;
  if (flags.allowPrivateWebhooks) config.allowPrivateWebhooks = true;
  if (env.RINGLOG_WEBHOOK_LEASE_MS) {
    config.webhookLeaseMs = positiveInteger('RINGLOG_WEBHOOK_LEASE_MS', env.RINGLOG_WEBHOOK_LEASE_MS);
  }
  return config;
}
