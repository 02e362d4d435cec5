// What other modules may use from auth: the token service, credentials provisioning and JWT credentials.
export { TokenService, clampTtl, type Admit, type AuthContext, type TokenResponse } from './token-service.ts';
// The token lives are domain rules (the server's options read them without loading auth); here for the token service's users.
export { RINGCENTRAL_TOKEN_CONFIG, type TokenConfig } from '../domain/index.ts';
export { ensureCredentials, DEMO_APP_PERMISSIONS, type Credentials, type UserCredential } from './demo-credentials.ts';
export { signJwtCredential } from './jwt-credential.ts';
export { hashPassword } from './secrets.ts';
export {
  AuthorizationCodes,
  AuthorizeError,
  AUTHORIZE_PARAM_NAMES,
  CODE_TTL_SECONDS,
  redirectWith,
  type AuthorizeParams,
  type CheckedAuthorization,
  type ConsentClaims,
} from './authorization-codes.ts';
export { ensureWebClient, WEB_CLIENT_REDIRECT_PATH } from './web-client.ts';
export { checkRedirectUri, registerThirdPartyApp, type ThirdPartyApp } from './third-party-apps.ts';
