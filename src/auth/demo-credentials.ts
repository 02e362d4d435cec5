// The credentials `ringlog credentials` prints: an app, and password + JWT logins for an admin and a user.
// Everything is derived from the database's secret, so printing them again gives the same values.

import { GRANT_TYPES, type Extension } from '../domain/index.ts';
import type { Store } from '../store/index.ts';
import { signJwtCredential } from './jwt-credential.ts';
import { derive, hashPassword, verifyPassword } from './secrets.ts';
import type { TokenService } from './token-service.ts';

export const DEMO_APP_PERMISSIONS = [
  'ReadAccounts',
  'ReadCallLog',
  'ReadCallRecording',
  'EditCallLog',
  'CallControl',
  'ReadPresence',
  'SubscriptionWebhook',
  'WebSocketsSubscription',
  'Analytics',
];

export interface UserCredential {
  extensionId: string;
  extensionNumber: string;
  /** The number that logs in through the password grant (with `extensionNumber`). */
  username: string;
  password: string;
  jwt: string;
}

export interface Credentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
  admin: UserCredential;
  user: UserCredential;
}

/** Makes sure the demo app and the two users' credentials exist, and returns them. */
export async function ensureCredentials(store: Store, tokens: TokenService): Promise<Credentials> {
  const [account] = await store.listAccounts();
  if (!account) throw new Error('the database has no account yet: run `ringlog seed` (or `ringlog demo`) first');
  const secret = await tokens.secret();
  const extensions = await store.listExtensions(account.id);
  const users = extensions.filter((e) => e.type === 'User' && e.status === 'Enabled');
  const admin = users.find((e) => e.role === 'admin');
  const user = users.find((e) => e.role === 'user');
  if (!admin || !user) throw new Error(`account ${account.id} needs an enabled admin and an enabled user`);

  const clientId = derive(secret, 'client-id', 22);
  const clientSecret = derive(secret, 'client-secret', 40);
  await store.putApp({
    clientId,
    clientSecret,
    name: 'ringlog demo app',
    permissions: DEMO_APP_PERMISSIONS,
    grantTypes: [GRANT_TYPES.password, GRANT_TYPES.jwt, GRANT_TYPES.refresh],
    issueRefreshTokens: true,
  });

  const login = async (ext: Extension): Promise<UserCredential> => {
    const password = `Rl-${derive(secret, `password:${ext.id}`, 14)}`;
    const current = await store.getPasswordHash(ext.id);
    if (!current || !(await verifyPassword(password, current))) {
      await store.setPasswordHash(ext.id, await hashPassword(password));
    }
    const credentialId = derive(secret, `jwt:${ext.id}`, 20);
    if (!(await store.getJwtCredential(credentialId))) {
      await store.putJwtCredential({
        id: credentialId,
        accountId: account.id,
        extensionId: ext.id,
        createdAt: account.createdAt,
        revoked: false,
      });
    }
    const jwt = await signJwtCredential(
      secret,
      { credentialId, accountId: account.id, extensionId: ext.id },
      Math.floor(account.createdAt / 1000),
    );
    return { extensionId: ext.id, extensionNumber: ext.extensionNumber, username: account.mainNumber, password, jwt };
  };

  return { accountId: account.id, clientId, clientSecret, admin: await login(admin), user: await login(user) };
}
