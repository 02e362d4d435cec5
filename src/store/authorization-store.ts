// The authorization code flow's tables: each app's redirect URIs and first-party flag, and issued authorization
// codes (stored hashed; taking one deletes it, so a code is redeemed at most once even across servers).

import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Store } from './store.ts';
import { KyselyStore } from './kysely-store.ts';

type AppAuthorizationTable = {
  client_id: string;
  /** JSON array of the registered redirect URIs. */
  redirect_uris: string;
  first_party: number;
};

type AuthorizationCodesTable = {
  /** SHA-256 of the code, hex. */
  hash: string;
  client_id: string;
  account_id: string;
  extension_id: string;
  redirect_uri: string;
  /** Space-separated granted scope. */
  scope: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  expires_at: number;
};

type AuthorizationTables = {
  app_authorization: AppAuthorizationTable;
  authorization_codes: AuthorizationCodesTable;
};

/** How an app may use the authorization code flow. */
export interface AppAuthorization {
  clientId: string;
  /**
   * Registered redirect URIs, compared exactly. A URI starting with `/` (no scheme and host) stands for that path on
   * the server's own origin: the web app ringlog serves registers `/callback`.
   */
  redirectUris: string[];
  /** First-party apps (the web app) skip the consent screen. */
  firstParty: boolean;
}

export interface AuthorizationCode {
  hash: string;
  clientId: string;
  accountId: string;
  extensionId: string;
  redirectUri: string;
  scope: string[];
  codeChallenge: string | null;
  codeChallengeMethod: 'plain' | 'S256' | null;
  expiresAt: number;
}

export class AuthorizationStore {
  private readonly db: Kysely<Database & AuthorizationTables>;

  constructor(store: Store) {
    if (!(store instanceof KyselyStore)) throw new Error('the authorization code flow needs a SQL store');
    this.db = store.db.withTables<AuthorizationTables>();
  }

  async putAppAuthorization(settings: AppAuthorization): Promise<void> {
    const row = {
      client_id: settings.clientId,
      redirect_uris: JSON.stringify(settings.redirectUris),
      first_party: settings.firstParty ? 1 : 0,
    };
    await this.db
      .insertInto('app_authorization')
      .values(row)
      .onConflict((oc) => oc.column('client_id').doUpdateSet(row))
      .execute();
  }

  async getAppAuthorization(clientId: string): Promise<AppAuthorization | null> {
    const row = await this.db
      .selectFrom('app_authorization')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (!row) return null;
    return {
      clientId: row.client_id,
      redirectUris: JSON.parse(row.redirect_uris) as string[],
      firstParty: row.first_party === 1,
    };
  }

  async putCode(code: AuthorizationCode): Promise<void> {
    await this.db
      .insertInto('authorization_codes')
      .values({
        hash: code.hash,
        client_id: code.clientId,
        account_id: code.accountId,
        extension_id: code.extensionId,
        redirect_uri: code.redirectUri,
        scope: code.scope.join(' '),
        code_challenge: code.codeChallenge,
        code_challenge_method: code.codeChallengeMethod,
        expires_at: code.expiresAt,
      })
      .execute();
  }

  /** Removes the code and returns it if it existed: of two concurrent redemptions only one gets it. */
  async takeCode(hash: string): Promise<AuthorizationCode | null> {
    const row = await this.db
      .deleteFrom('authorization_codes')
      .where('hash', '=', hash)
      .returningAll()
      .executeTakeFirst();
    if (!row) return null;
    return {
      hash: row.hash,
      clientId: row.client_id,
      accountId: row.account_id,
      extensionId: row.extension_id,
      redirectUri: row.redirect_uri,
      scope: row.scope ? row.scope.split(' ') : [],
      codeChallenge: row.code_challenge,
      codeChallengeMethod: row.code_challenge_method as AuthorizationCode['codeChallengeMethod'],
      expiresAt: Number(row.expires_at),
    };
  }

  async deleteExpiredCodes(now: number): Promise<number> {
    const result = await this.db.deleteFrom('authorization_codes').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
