// Wires the modules together for a command: store, token service, blob store and API context.

import { TokenService } from '../auth/index.ts';
import type { ApiContext } from '../api/index.ts';
import { createDiskBlobStore, defaultBlobDir, openStore, type Store } from '../store/index.ts';
import { Notifications } from '../events/index.ts';
import type { Config } from './config.ts';

export interface Runtime {
  store: Store;
  tokens: TokenService;
  ctx: ApiContext;
  close(): Promise<void>;
}

/** `readers`: SQLite reader threads for list queries (the server uses them; one-shot commands need none). */
export async function openRuntime(config: Config, options: { readers?: number } = {}): Promise<Runtime> {
  const store = await openStore(config.db, options);
  const tokens = new TokenService(store, config.tokens);
  const http = config.publicUrl ? { publicUrl: config.publicUrl } : {};
  const ctx: ApiContext = {
    store,
    tokens,
    blobs: createDiskBlobStore(defaultBlobDir(config.db)),
    http,
    rateLimits: config.rateLimits,
    now: Date.now,
    // Nothing runs until a server listens (subscriptions, WebHook delivery, the WebSocket gateway).
    notifications: new Notifications(store, {
      location: config.db,
      allowPrivateWebhooks: config.allowPrivateWebhooks ?? false,
      dispatcher: config.webhookLeaseMs ? { leaseMs: config.webhookLeaseMs } : {},
    }),
  };
  return { store, tokens, ctx, close: () => store.close() };
}
