// A ringlog server over an existing store (a sync's archive), with the logins `ringlog credentials` would issue
// for it, and a reader that pulls whole call logs through the API for comparing two servers.

import { listen } from '../../src/api/index.ts';
import { ensureCredentials, TokenService, type Credentials } from '../../src/auth/index.ts';
import { createDiskBlobStore, type Store } from '../../src/store/index.ts';

export interface ArchiveServer {
  url: string;
  credentials: Credentials;
  close(): Promise<void>;
}

/** Serves `store` (not closed by close()) with recording blobs under `blobDir`. */
export async function serveArchive(store: Store, blobDir: string): Promise<ArchiveServer> {
  const tokens = new TokenService(store);
  const credentials = await ensureCredentials(store, tokens);
  const ctx = { store, tokens, blobs: createDiskBlobStore(blobDir), http: {}, rateLimits: {}, now: Date.now };
  const { app, url } = await listen(ctx, '127.0.0.1', 0);
  return { url, credentials, close: () => app.close() };
}

/**
 * Every record of a log (`~`'s company log, or an extension's) as the list answers it, Detailed with deleted
 * records, all pages; the server's own base URL is cut out of URIs so two servers compare equal.
 */
export async function readWholeLog(url: string, token: string, extensionId: string | null): Promise<unknown[]> {
  const log = extensionId === null ? '' : `/extension/${extensionId}`;
  const query = 'view=Detailed&showDeleted=true&perPage=1000&dateFrom=2000-01-01&dateTo=2100-01-01';
  let next: string | undefined = `${url}/restapi/v1.0/account/~${log}/call-log?${query}`;
  const records: unknown[] = [];
  while (next) {
    const response: Response = await fetch(next, { headers: { Authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`${next}: ${response.status} ${await response.text()}`);
    const page = JSON.parse((await response.text()).split(url).join('')) as {
      records: unknown[];
      navigation: { nextPage?: { uri: string } };
    };
    records.push(...page.records);
    next = page.navigation.nextPage ? url + page.navigation.nextPage.uri : undefined;
  }
  return records;
}

/** Ids of an extension list page: the directory `~` names on this server. */
export async function extensionIds(url: string, token: string): Promise<string[]> {
  const response = await fetch(`${url}/restapi/v1.0/account/~/extension?perPage=1000`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const body = (await response.json()) as { records: { id: number }[] };
  return body.records.map((e) => String(e.id));
}
