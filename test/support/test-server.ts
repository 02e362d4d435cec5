// Starts a real ringlog server on a free loopback port over a fresh SQLite database seeded with a small
// deterministic company, for end-to-end tests. Everything is removed on close().

import { join } from 'node:path';
import { listen, NO_FAULTS, type AppOptions, type FaultConfig } from '../../src/api/index.ts';
import {
  ensureCredentials,
  RINGCENTRAL_TOKEN_CONFIG,
  TokenService,
  type Credentials,
  type TokenConfig,
} from '../../src/auth/index.ts';
import { seedStore } from '../../src/generator/index.ts';
import { Notifications, type NotificationOptions } from '../../src/events/index.ts';

import { createDiskBlobStore, openStore, type Store } from '../../src/store/index.ts';
import type { SeedOptions } from '../../src/generator/index.ts';
import type { RateLimits } from '../../src/domain/index.ts';
import { createTestDatabase, type BackendName, type TestDatabase } from './backends.ts';

export interface TestServer {
  url: string;
  store: Store;
  tokens: TokenService;
  credentials: Credentials;
  seed: SeedOptions;
  database: TestDatabase;
  /** The notification service, when started with `notifications`. */
  notifications?: Notifications;
  close(): Promise<void>;
}

/** A fixed end of the generated history, so data (and the default 24 h window) is reproducible. */
export const TEST_END_TIME = Date.UTC(2026, 10, 20, 12, 0, 0);

export const SMALL_COMPANY: SeedOptions = {
  seed: 7,
  extensions: 12,
  days: 10,
  callsPerDay: 60,
  endTime: TEST_END_TIME,
};

export async function startTestServer(
  options: {
    backend?: BackendName;
    seed?: Partial<SeedOptions>;
    tokens?: Partial<TokenConfig>;
    rateLimits?: RateLimits;
    now?: () => number;
    /** Fault injection (429, 5xx, early token expiry, latency); none by default. */
    faults?: Partial<FaultConfig>;
    /** Other app options (CORS origins, logger). */
    app?: Omit<AppOptions, 'faults'>;
    /** Base URL written into URIs instead of the request's own. */
    publicUrl?: string;
    /** Serve subscriptions, WebHook and WebSocket delivery with these options. */
    notifications?: Partial<NotificationOptions>;
  } = {},
): Promise<TestServer> {
  const database = await createTestDatabase(options.backend ?? 'sqlite');
  const store = await openStore(database.location);
  const seed = { ...SMALL_COMPANY, ...options.seed };
  await seedStore(store, seed);
  const tokens = new TokenService(store, { ...RINGCENTRAL_TOKEN_CONFIG, ...options.tokens });
  const credentials = await ensureCredentials(store, tokens);
  const ctx = {
    store,
    tokens,
    blobs: createDiskBlobStore(join(database.dir, 'blobs')),
    http: options.publicUrl ? { publicUrl: options.publicUrl } : {},
    rateLimits: options.rateLimits ?? {},
    now: options.now ?? Date.now,
    notifications: options.notifications
      ? new Notifications(store, { location: database.location, ...options.notifications })
      : undefined,
  };
  const { app, url } = await listen(ctx, '127.0.0.1', 0, {
    ...options.app,
    faults: { ...NO_FAULTS, ...options.faults },
  });
  return {
    url,
    store,
    tokens,
    credentials,
    seed,
    database,
    notifications: ctx.notifications,
    async close() {
      await app.close();
      await store.close();
      await database.drop();
    },
  };
}
