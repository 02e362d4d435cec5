// The server's configuration (serve and demo): their options, each read once by commander from the flag or its
// RINGLOG_* environment variable, and the one typed Config the server thread receives.

import { Option, type Command } from 'commander';
import {
  NO_FAULTS,
  parseRetention,
  rateLimitsFile,
  RINGCENTRAL_RATE_LIMITS,
  RINGCENTRAL_TOKEN_CONFIG,
  type FaultConfig,
  type RateLimits,
  type RetentionPolicy,
  type TokenConfig,
} from '../domain/index.ts';
import type { SimulateConfig } from './simulation.ts';
import { checked, dbOption, parsedBy, readSettingsFile, wholeNumber } from './options.ts';

export interface Config {
  /** SQLite file path or postgres:// URL. */
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
  /** How long a WebHook subscription stays with a server that stopped renewing it (RINGLOG_WEBHOOK_LEASE_MS). */
  webhookLeaseMs?: number;
}

/** The server options as commander hands them over, parsed. */
export type ServerFlags = Omit<Config, 'tokens' | 'logger' | 'simulate'> & {
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  log?: boolean;
};

/** `--faults "429=0.05,5xx=0.05,expire=0.02,latency=200,seed=7"`: shares of requests to fail, and latency. */
export function faultsFrom(spec: string): FaultConfig {
  const faults = { ...NO_FAULTS };
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
      throw new Error(`"${part}" is not one of 429=SHARE, 5xx=SHARE, expire=SHARE, latency=MS, seed=N`);
    }
    if (key.startsWith('rate') || key === 'tokenExpiryRate') {
      if (n > 1) throw new Error(`${name} is a share between 0 and 1, not ${value}`);
    }
    faults[key] = n;
  }
  return faults;
}

/** `--rate-limits`: `ringcentral` (RingCentral's default groups), `off`, or a JSON file of custom counts. */
export function rateLimitsFrom(value: string): RateLimits {
  if (value === 'ringcentral') return RINGCENTRAL_RATE_LIMITS;
  if (value === 'off') return {};
  return readSettingsFile(value, rateLimitsFile);
}

const port = parsedBy(wholeNumber(0, 65535));
const seconds = parsedBy(wholeNumber());

export function hostOption(): Option {
  return new Option('--host <host>', 'address to listen on').env('RINGLOG_HOST').default('127.0.0.1');
}

export function portOption(): Option {
  return new Option('--port <n>', 'port to listen on, 0 for any free one')
    .env('RINGLOG_PORT')
    .argParser(port)
    .default(8080);
}

const listFrom = (list: string) =>
  list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** An option read by `parse` from the flag, else `variable`, else from `fallback` (shown in the help as `shown`). */
function setting<T>(
  flags: string,
  help: string,
  variable: string,
  parse: (spec: string) => T,
  fallback: string,
  shown = fallback,
) {
  return new Option(flags, help).env(variable).argParser(checked(parse)).default(parse(fallback), shown);
}

/** The options of serve and demo; their defaults differ: serve limits and drops nothing unless asked, demo behaves like RingCentral. */
export function serverOptions(cmd: Command, defaults: { rateLimits: string; retention: string }): Command {
  const retentionHelp = 'archive (keep all), ringcentral (log 365 d, recordings 90 d) or log=DAYS,recordings=DAYS';
  const faultsHelp = 'inject faults, e.g. "429=0.05,5xx=0.05,expire=0.02,latency=200,seed=7"';
  return cmd
    .addOption(dbOption())
    .addOption(portOption())
    .addOption(hostOption())
    .addOption(new Option('--public-url <url>', 'base URL to write into URIs').env('RINGLOG_PUBLIC_URL'))
    .addOption(
      new Option(
        '--access-token-ttl <seconds>',
        'access token life (default 3600); short values for testing expiry',
      ).argParser(seconds),
    )
    .addOption(new Option('--refresh-token-ttl <seconds>', 'refresh token life (default 604800)').argParser(seconds))
    .addOption(
      setting(
        '--rate-limits <ringcentral|off|file>',
        'rate-limit groups',
        'RINGLOG_RATE_LIMITS',
        rateLimitsFrom,
        defaults.rateLimits,
      ),
    )
    .addOption(setting('--retention <spec>', retentionHelp, 'RINGLOG_RETENTION', parseRetention, defaults.retention))
    .addOption(setting('--faults <spec>', faultsHelp, 'RINGLOG_FAULTS', faultsFrom, '', 'none'))
    .addOption(
      setting(
        '--cors-origins <list>',
        'comma-separated origins browsers may call from',
        'RINGLOG_CORS_ORIGINS',
        listFrom,
        '',
        'any',
      ),
    )
    .option('--log', 'log every request (JSON lines on stderr, secrets redacted)')
    .option('--allow-private-webhooks', 'let WebHook addresses point at loopback and private ranges (off by default)')
    .addOption(
      new Option(
        '--webhook-lease-ms <ms>',
        'how long a server holds a WebHook subscription it delivers without renewing',
      )
        .env('RINGLOG_WEBHOOK_LEASE_MS')
        .argParser(seconds)
        .hideHelp(),
    );
}

export function serverConfig(flags: ServerFlags): Config {
  const tokens = { ...RINGCENTRAL_TOKEN_CONFIG };
  // Short token lives let tests and integrators exercise expiry and refresh; they also lower the minimum.
  if (flags.accessTokenTtl !== undefined) {
    tokens.accessTtl = flags.accessTokenTtl;
    tokens.minAccessTtl = Math.min(tokens.minAccessTtl, tokens.accessTtl);
  }
  if (flags.refreshTokenTtl !== undefined) tokens.refreshTtl = flags.refreshTokenTtl;
  const config: Config = {
    db: flags.db,
    host: flags.host,
    port: flags.port,
    tokens,
    rateLimits: flags.rateLimits,
    retention: flags.retention,
    faults: flags.faults,
    logger: flags.log ?? false,
    corsOrigins: flags.corsOrigins,
  };
  if (flags.publicUrl) config.publicUrl = flags.publicUrl;
  if (flags.allowPrivateWebhooks) config.allowPrivateWebhooks = true;
  if (flags.webhookLeaseMs) config.webhookLeaseMs = flags.webhookLeaseMs;
  return config;
}
