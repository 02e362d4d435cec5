// The faults an emulating server injects (`serve --faults`): shares of requests to refuse or delay, and of access
// tokens to kill early. The API installs them (api/faults.ts); here so that reading the server's options loads no
// HTTP stack (`serve`'s main thread only parses them: docs/benchmarks.md, issue 16).

export interface FaultConfig {
  /** Shares (0..1) of requests answered 429 CMN-301, 503 CMN-201, or whose access token expires early. */
  rate429: number;
  rate5xx: number;
  tokenExpiryRate: number;
  /** Added latency per request, milliseconds (uniform in [0, latencyMs]). */
  latencyMs: number;
  /** Seed of the fault sequence, so a failing run can be replayed. */
  seed: number;
}

export const NO_FAULTS: FaultConfig = { rate429: 0, rate5xx: 0, tokenExpiryRate: 0, latencyMs: 0, seed: 1 };
