// The one typed configuration object, built from command-line flags and RINGLOG_* environment variables.

import { RINGCENTRAL_TOKEN_CONFIG, type TokenConfig } from '../auth/index.ts';

export interface Config {
  /** SQLite file path (or a postgres:// URL once that store exists). */
  db: string;
  host: string;
  port: number;
  /** Base URL written into URIs instead of the request's own (for proxies). */
  publicUrl?: string;
  tokens: TokenConfig;
  logger: boolean;
}

export interface CommonFlags {
  db?: string;
  host?: string;
  port?: string;
  publicUrl?: string;
  accessTokenTtl?: string;
  refreshTokenTtl?: string;
  log?: boolean;
}

function positiveInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, not "${value}"`);
  return Number(value);
}

export function buildConfig(flags: CommonFlags, env: NodeJS.ProcessEnv): Config {
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
    logger: flags.log ?? false,
  };
  const publicUrl = flags.publicUrl ?? env.RINGLOG_PUBLIC_URL;
  if (publicUrl) config.publicUrl = publicUrl;
  return config;
}
