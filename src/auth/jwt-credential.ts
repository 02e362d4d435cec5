// JWT credentials for the JWT bearer grant: HS256 tokens signed with the database's secret, naming the
// user (sub), the account and a credential id that can be revoked.

import { SignJWT, jwtVerify } from 'jose';

const ISSUER = 'ringlog';

export interface JwtClaims {
  credentialId: string;
  accountId: string;
  extensionId: string;
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** A non-expiring JWT credential (as RingCentral issues them), stable for the same inputs. */
export async function signJwtCredential(secret: string, claims: JwtClaims, issuedAtSec: number): Promise<string> {
  return new SignJWT({ account: claims.accountId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setSubject(claims.extensionId)
    .setJti(claims.credentialId)
    .setIssuedAt(issuedAtSec)
    .sign(key(secret));
}

/** The claims of a valid credential, or null for a bad signature, shape or expiry. */
export async function verifyJwtCredential(secret: string, token: string): Promise<JwtClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.account !== 'string') {
      return null;
    }
    return { credentialId: payload.jti, accountId: payload.account, extensionId: payload.sub };
  } catch {
    return null;
  }
}
