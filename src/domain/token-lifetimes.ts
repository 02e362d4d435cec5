// How long OAuth tokens live: RingCentral's defaults, which `serve --access-token-ttl` and `--refresh-token-ttl`
// change (the token service in auth issues them). Here rather than in auth so that reading the server's options
// loads no store (`serve`'s main thread only parses them: docs/benchmarks.md, issue 16).

export interface TokenConfig {
  /** Default (and maximum) access-token life, seconds. */
  accessTtl: number;
  /** Shortest access-token life a client may ask for, seconds. */
  minAccessTtl: number;
  /** Default (and maximum) refresh-token life, seconds. */
  refreshTtl: number;
}

export const RINGCENTRAL_TOKEN_CONFIG: TokenConfig = { accessTtl: 3600, minAccessTtl: 600, refreshTtl: 604800 };
