// Who may read what: resolves `~` and path ids against the caller, and checks app and user permissions
// in RingCentral's order (app scope → CMN-401, user permission → CMN-408, another extension → CMN-419).

import { errors, scopeGrants, userPermissions, type Extension } from '../domain/index.ts';
import type { AuthContext } from '../auth/index.ts';
import type { Store } from '../store/index.ts';
import type { LogLevel } from './resource.ts';

const NUMERIC_ID = /^\d{1,19}$/;

/**
 * The user permission company-level call-log resources (list, record, sync, extract-sync, active calls) name in
 * their 403 CMN-408. RingCentral's spec labels the company log's permission FullCompanyCallLog, but what its
 * 403 carries, as the developer guide and the API reference's error tables quote it, is ReadCompanyCallLog
 * (evidence in docs/compatibility.md).
 */
export const COMPANY_CALL_LOG_PERMISSION = 'ReadCompanyCallLog';

export function requireAppPermission(auth: AuthContext, permission: string): void {
  if (!scopeGrants(auth.scope, permission)) throw errors.appPermission(permission);
}

export function requireUserPermission(auth: AuthContext, permission: string): void {
  if (!userPermissions(auth.role).has(permission)) throw errors.userPermission(permission);
}

/** The account a path names: `~` is the caller's; another account is not found for this caller. */
export function resolveAccountId(auth: AuthContext, accountIdParam: string): string {
  if (accountIdParam === '~') return auth.accountId;
  if (!NUMERIC_ID.test(accountIdParam)) throw errors.invalidParameter('accountId', accountIdParam);
  if (accountIdParam !== auth.accountId) throw errors.notFound('accountId');
  return accountIdParam;
}

/**
 * The id of the extension a path names, checked against the caller without reading the store: a user may name
 * only themselves, an admin any extension (whether the account has it is for confirmExtension).
 */
export function namedExtensionId(auth: AuthContext, extensionIdParam: string, permission: string): string {
  const id = extensionIdParam === '~' ? auth.extensionId : extensionIdParam;
  if (!NUMERIC_ID.test(id)) throw errors.invalidParameter('extensionId', extensionIdParam);
  if (id !== auth.extensionId && auth.role !== 'admin') throw errors.extendedScope(permission);
  return id;
}

/** The extension `id` of the caller's account (404 if the account has none). */
export async function confirmExtension(
  store: Store,
  auth: AuthContext,
  accountId: string,
  id: string,
): Promise<Extension> {
  const extension = id === auth.extensionId ? auth.owner : await store.getExtension(id);
  if (!extension || extension.accountId !== accountId) throw errors.notFound('extensionId');
  return extension;
}

/**
 * The extension a path names within the caller's account. A user may name only themselves; an admin may
 * name any extension of the account.
 */
export async function resolveExtension(
  store: Store,
  auth: AuthContext,
  accountId: string,
  extensionIdParam: string,
  permission: string,
): Promise<Extension> {
  return confirmExtension(store, auth, accountId, namedExtensionId(auth, extensionIdParam, permission));
}

/** The permissions an extension-level read needs: the app's (CMN-401), then another extension's (CMN-419). */
export interface ExtensionAccess {
  app: string;
  extension: string;
}

/** The account and extension an extension-level read names, after the app's permission. */
export async function readableExtension(
  store: Store,
  auth: AuthContext,
  params: { accountId: string; extensionId: string },
  access: ExtensionAccess,
): Promise<{ accountId: string; extension: Extension }> {
  requireAppPermission(auth, access.app);
  const accountId = resolveAccountId(auth, params.accountId);
  return { accountId, extension: await resolveExtension(store, auth, accountId, params.extensionId, access.extension) };
}

/**
 * The call log a company- or extension-level read names (extensionId null = the company's), after the checks
 * RingCentral makes in its order: the app's ReadCallLog, then the company permission or the user's ReadCallLog,
 * then (for another extension) an admin and an extension of the account.
 */
export async function readableCallLog(
  store: Store,
  auth: AuthContext,
  params: { accountId: string; extensionId?: string },
  level: LogLevel,
): Promise<{ accountId: string; extensionId: string | null }> {
  requireAppPermission(auth, 'ReadCallLog');
  const accountId = resolveAccountId(auth, params.accountId);
  if (level === 'account') {
    requireUserPermission(auth, COMPANY_CALL_LOG_PERMISSION);
    return { accountId, extensionId: null };
  }
  requireUserPermission(auth, 'ReadCallLog');
  const extension = await resolveExtension(store, auth, accountId, params.extensionId ?? '~', 'ReadCallLog');
  return { accountId, extensionId: extension.id };
}
