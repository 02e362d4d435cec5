// Sign-in as a public OAuth client: authorization code with PKCE through /restapi/oauth/authorize, tokens kept in
// localStorage, refreshed before they expire or on a 401, revoked on sign-out.

const TOKEN_KEY = 'ringlog.token';
const PENDING_KEY = 'ringlog.pending-sign-in';
export const REDIRECT_PATH = '/callback';

interface StoredToken {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt: number;
  refreshExpiresAt: number;
  ownerId: string;
}

/** The token endpoint's answer (RingCentral's TokenInfo, or its OAuth error). */
interface TokenBody {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  owner_id: string;
  error_description?: string;
}

interface PendingSignIn {
  state: string;
  verifier: string;
  returnTo: string;
}

/** Raised when there is no usable session: the app shows the sign-in screen with `message`. */
export class SessionEnded extends Error {}

export function clientId(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="ringlog-client-id"]')?.content ?? '';
}

function redirectUri(): string {
  return `${location.origin}${REDIRECT_PATH}`;
}

function randomText(bytes: number): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return base64url(data);
}

function base64url(data: Uint8Array): string {
  let text = '';
  for (const b of data) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** PKCE challenge: S256 where Web Crypto is available (secure contexts), else the verifier itself (`plain`). */
async function challengeOf(verifier: string): Promise<{ challenge: string; method: 'S256' | 'plain' }> {
  if (!crypto.subtle) return { challenge: verifier, method: 'plain' };
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { challenge: base64url(new Uint8Array(digest)), method: 'S256' };
}

/** Sends the browser to the server's sign-in page; it comes back to /callback and then to `returnTo`. */
export async function signIn(returnTo: string): Promise<void> {
  const verifier = randomText(48);
  const state = randomText(16);
  const { challenge, method } = await challengeOf(verifier);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, verifier, returnTo } satisfies PendingSignIn));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId(),
    redirect_uri: redirectUri(),
    state,
    code_challenge: challenge,
    code_challenge_method: method,
  });
  location.assign(`/restapi/oauth/authorize?${params}`);
}

function readToken(): StoredToken | null {
  try {
    return JSON.parse(localStorage.getItem(TOKEN_KEY) ?? 'null') as StoredToken | null;
  } catch {
    return null;
  }
}

function saveToken(body: TokenBody): StoredToken {
  const now = Date.now();
  const token: StoredToken = {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: now + Number(body.expires_in) * 1000,
    refreshExpiresAt: now + Number(body.refresh_token_expires_in ?? 0) * 1000,
    ownerId: body.owner_id,
  };
  localStorage.setItem(TOKEN_KEY, JSON.stringify(token));
  return token;
}

/** The extension id the session belongs to. */
export function sessionOwner(): string | null {
  return readToken()?.ownerId ?? null;
}

export function hasSession(): boolean {
  const token = readToken();
  return !!token && (token.expiresAt > Date.now() || token.refreshExpiresAt > Date.now());
}

/** Why there is no usable session: a message when one ran out since the last visit (and is forgotten now). */
export function endedSessionMessage(): string {
  if (!readToken() || hasSession()) return '';
  localStorage.removeItem(TOKEN_KEY);
  return 'Your session has expired. Sign in again.';
}

async function tokenRequest(form: Record<string, string>): Promise<TokenBody> {
  const response = await fetch('/restapi/oauth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form, client_id: clientId() }),
  });
  const body = (await response.json().catch(() => ({}))) as TokenBody;
  if (!response.ok) throw new Error(body.error_description ?? `sign-in failed (HTTP ${response.status})`);
  return body;
}

/** Finishes the sign-in on /callback: checks `state`, trades the code for tokens; returns where to go next. */
export async function completeSignIn(query: URLSearchParams): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as PendingSignIn | null;
  sessionStorage.removeItem(PENDING_KEY);
  if (query.get('error'))
    throw new SessionEnded(query.get('error_description') ?? query.get('error') ?? 'Sign-in failed');
  if (!pending || pending.state !== query.get('state')) {
    throw new SessionEnded('The sign-in could not be verified (it was started elsewhere or is stale). Sign in again.');
  }
  const body = await tokenRequest({
    grant_type: 'authorization_code',
    code: query.get('code') ?? '',
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  saveToken(body);
  return pending.returnTo || '/';
}

let refreshing: Promise<StoredToken> | null = null;

function refresh(token: StoredToken): Promise<StoredToken> {
  refreshing ??= (async () => {
    try {
      if (!token.refreshToken || token.refreshExpiresAt <= Date.now()) throw new Error('expired');
      return saveToken(await tokenRequest({ grant_type: 'refresh_token', refresh_token: token.refreshToken }));
    } catch {
      localStorage.removeItem(TOKEN_KEY);
      throw new SessionEnded('Your session has expired. Sign in again.');
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** A usable access token: refreshed a minute before it expires. */
export async function accessToken(): Promise<string> {
  let token = readToken();
  if (!token) throw new SessionEnded('Sign in to see the call log.');
  if (token.expiresAt - 60_000 <= Date.now()) token = await refresh(token);
  return token.accessToken;
}

/** fetch() with the bearer token; on a 401 the token is refreshed once and the request sent again. */
export async function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const send = (token: string) =>
    fetch(path, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` },
    });
  const response = await send(await accessToken());
  if (response.status !== 401) return response;
  const token = readToken();
  if (!token) throw new SessionEnded('Your session has expired. Sign in again.');
  return send((await refresh({ ...token, expiresAt: 0 })).accessToken);
}

/** Revokes the session on the server (RingCentral's revoke ends the whole session) and forgets it here. */
export async function signOut(): Promise<void> {
  const token = readToken();
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem('ringlog.me');
  if (!token) return;
  await fetch('/restapi/oauth/revoke', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: token.accessToken, client_id: clientId() }),
  }).catch(() => undefined);
}
