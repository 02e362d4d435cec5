// The directory: accounts, extensions and apps, and what each role and app may do.

export type Role = 'admin' | 'user';

export interface Account {
  id: string;
  name: string;
  /** Company main number, E.164 with `+`. */
  mainNumber: string;
  createdAt: number;
}

export interface Extension {
  id: string;
  accountId: string;
  extensionNumber: string;
  name: string;
  /** RingCentral extension type: User, Department (call queue), FaxUser, ... */
  type: string;
  status: 'Enabled' | 'Disabled' | 'NotActivated';
  role: Role;
  /** Direct numbers, E.164 with `+`. */
  phoneNumbers: string[];
}

export const GRANT_TYPES = {
  password: 'password',
  jwt: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  refresh: 'refresh_token',
  authorizationCode: 'authorization_code',
} as const;
export type GrantType = (typeof GRANT_TYPES)[keyof typeof GRANT_TYPES];
/** The fields of a request to the OAuth token or revoke endpoint, form-encoded (grant_type, client_id, …). */
export type TokenForm = Record<string, string>;

export interface App {
  clientId: string;
  clientSecret: string;
  name: string;
  /** App permissions (OAuth scopes), e.g. ReadCallLog, ReadCallRecording. */
  permissions: string[];
  grantTypes: GrantType[];
  issueRefreshTokens: boolean;
}

/** The user permissions a role carries. Admins read and manage the whole company's log. */
export function userPermissions(role: Role): ReadonlySet<string> {
  return role === 'admin' ? ADMIN_PERMISSIONS : USER_PERMISSIONS;
}

const USER_PERMISSIONS: ReadonlySet<string> = new Set(['ReadCallLog', 'EditCallLog', 'ReadCallRecording']);
const ADMIN_PERMISSIONS: ReadonlySet<string> = new Set([
  ...USER_PERMISSIONS,
  'FullCompanyCallLog',
  'ReadCompanyCallLog',
]);

/** App permissions that include others (ReadCallRecording and EditCallLog include ReadCallLog). */
const INCLUDES: Record<string, string[]> = {
  ReadCallRecording: ['ReadCallLog'],
  EditCallLog: ['ReadCallLog'],
};

/** Whether a token's scope grants the app permission `needed`. */
export function scopeGrants(scope: readonly string[], needed: string): boolean {
  return scope.some((p) => p === needed || (INCLUDES[p]?.includes(needed) ?? false));
}
