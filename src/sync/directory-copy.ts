// Reads the upstream account and its extensions (ids, numbers, names, roles, direct numbers) and copies them into
// the local store, so `~` names the same company locally and `ringlog credentials` can issue logins for it.

import type { Account, Extension } from '../domain/index.ts';
import type { Store } from '../store/index.ts';
import type { UpstreamClient } from './upstream-client.ts';

type Json = Record<string, unknown>;

export interface UpstreamDirectory {
  account: Account;
  extensions: Extension[];
}

interface ListPage {
  records?: Json[];
  navigation?: { nextPage?: { uri?: string } };
}

const STATUSES = ['Enabled', 'Disabled', 'NotActivated'] as const;

/** An id from a `uri` (exact for any size), else from the `id` field (RingCentral sends numbers). */
function idOf(o: Json, pattern: RegExp, what: string): string {
  const fromUri = typeof o.uri === 'string' ? pattern.exec(o.uri)?.[1] : undefined;
  const id = fromUri ?? (typeof o.id === 'number' || typeof o.id === 'string' ? String(o.id) : undefined);
  if (!id || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new Error(`upstream ${what} has no usable id`);
  return id;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function accountFromWire(o: Json, createdAt: number): Account {
  return {
    id: idOf(o, /\/account\/([^/?#]+)\/?(?:[?#]|$)/, 'account'),
    name: text(o.companyName) ?? text((o.serviceInfo as Json | undefined)?.companyName) ?? '',
    mainNumber: text(o.mainNumber) ?? '',
    createdAt,
  };
}

/**
 * An extension as the list gives it. The role is admin when `permissions.admin.enabled`; lists without
 * permissions leave only the syncing user (who reads the company log, so is an administrator) as admin.
 */
export function extensionFromWire(o: Json, accountId: string, ownerId: string | null): Extension {
  const id = idOf(o, /\/extension\/([^/?#]+)\/?(?:[?#]|$)/, 'extension');
  const contact = (o.contact ?? {}) as Json;
  const permissions = o.permissions as { admin?: { enabled?: boolean } } | undefined;
  const admin = permissions ? permissions.admin?.enabled === true : id === ownerId;
  const status = STATUSES.find((s) => s === o.status) ?? (o.status === undefined ? 'Enabled' : 'Disabled');
  const name = text(o.name) ?? [text(contact.firstName), text(contact.lastName)].filter(Boolean).join(' ');
  const phone = text(contact.businessPhone);
  return {
    id,
    accountId,
    extensionNumber: text(o.extensionNumber) ?? '',
    name,
    type: text(o.type) ?? 'User',
    status,
    role: admin ? 'admin' : 'user',
    phoneNumbers: phone ? [phone] : [],
  };
}

/** GET /account/~ and every page of /account/~/extension. */
export async function readDirectory(client: UpstreamClient, now: number): Promise<UpstreamDirectory> {
  const account = accountFromWire(await client.getJson<Json>(client.url('/restapi/v1.0/account/~')), now);
  const ownerId = client.tokens.ownerId;
  const extensions: Extension[] = [];
  let url: URL | null = client.url('/restapi/v1.0/account/~/extension', { perPage: 1000, page: 1 });
  while (url) {
    const page: ListPage = await client.getJson<ListPage>(url);
    for (const record of page.records ?? []) extensions.push(extensionFromWire(record, account.id, ownerId));
    const next = page.navigation?.nextPage?.uri;
    url = next && page.records?.length ? client.url(next) : null;
  }
  return { account, extensions };
}

/** Copies the directory into the store; an account already there keeps its creation time. */
export async function copyDirectory(client: UpstreamClient, store: Store, now: number): Promise<UpstreamDirectory> {
  const directory = await readDirectory(client, now);
  const existing = await store.getAccount(directory.account.id);
  await store.putAccount({ ...directory.account, createdAt: existing?.createdAt ?? now });
  await store.putExtensions(directory.extensions);
  return directory;
}
