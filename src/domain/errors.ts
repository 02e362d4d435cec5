// The error catalogue: typed errors carrying RingCentral's status, codes and messages.
// One HTTP handler (api/) turns an ApiError into RingCentral's envelope; nothing else formats errors.

export interface ErrorDetail {
  errorCode: string;
  message: string;
  parameterName?: string;
  parameterValue?: string;
  permissionName?: string;
}

export interface ApiErrorOptions {
  status: number;
  detail: ErrorDetail;
  /** Top-level errorCode when it differs from the detail's (e.g. `InsufficientPermissions`, `TokenInvalid`). */
  topCode?: string;
  headers?: Record<string, string>;
  /** Send `errors: []` (RingCentral does so for AGW-404). */
  emptyErrors?: boolean;
  /** The failure this answer stands for, kept for the logs. */
  cause?: unknown;
}

/** An error answered with RingCentral's API envelope `{errorCode, message, errors[], parameterName?}`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly detail: ErrorDetail;
  readonly topCode: string;
  readonly headers: Record<string, string>;
  readonly emptyErrors: boolean;

  constructor(options: ApiErrorOptions) {
    super(options.detail.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.detail = options.detail;
    this.topCode = options.topCode ?? options.detail.errorCode;
    this.headers = options.headers ?? {};
    this.emptyErrors = options.emptyErrors ?? false;
  }

  /** The JSON body RingCentral sends for this error. */
  body(): Record<string, unknown> {
    const { errorCode: _code, ...extra } = this.detail;
    return {
      errorCode: this.topCode,
      message: this.detail.message,
      errors: this.emptyErrors ? [] : [this.detail],
      ...(extra.parameterName !== undefined ? { parameterName: extra.parameterName } : {}),
      ...(extra.permissionName !== undefined ? { permissionName: extra.permissionName } : {}),
    };
  }
}

/** An error of the OAuth token endpoint: `{error, error_description, errors[]}`, HTTP 400 by default. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';

  constructor(
    readonly error: string,
    readonly errorCode: string,
    readonly description: string,
    readonly status = 400,
    readonly parameters?: { parameterName: string; parameterValue?: string }[],
  ) {
    super(description);
  }

  body(): Record<string, unknown> {
    return {
      error: this.error,
      error_description: this.description,
      errors: [
        {
          errorCode: this.errorCode,
          message: this.description,
          ...(this.parameters ? { parameters: this.parameters } : {}),
        },
      ],
    };
  }
}

/** Longest caller-supplied text an error message writes back. */
const ECHO_MAX = 100;

/**
 * Caller-supplied text as an error may write it back: control characters (NUL among them: PostgreSQL and many
 * log pipelines choke on it) dropped and the length bounded, so an error never repeats unbounded input.
 */
export function echoed(value: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = value.replace(/[\u0000-\u001f\u007f]/g, '');
  return plain.length > ECHO_MAX ? `${plain.slice(0, ECHO_MAX)}…` : plain;
}

/** A 401 with RingCentral's Bearer challenge; `topCode` is the top-level errorCode (TokenInvalid for token errors). */
function unauthorized(errorCode: string, message: string, topCode = 'TokenInvalid'): ApiError {
  return new ApiError({
    status: 401,
    detail: { errorCode, message },
    topCode,
    headers: { 'WWW-Authenticate': 'Bearer realm="RingCentral REST API"' },
  });
}

export const errors = {
  invalidParameter: (parameterName: string, parameterValue?: string) =>
    new ApiError({
      status: 400,
      detail: {
        errorCode: 'CMN-101',
        message: `Parameter [${echoed(parameterName)}] value is invalid.`,
        parameterName: echoed(parameterName),
        ...(parameterValue !== undefined ? { parameterValue: echoed(parameterValue) } : {}),
      },
    }),
  notFound: (parameterName: string) =>
    new ApiError({
      status: 404,
      detail: {
        errorCode: 'CMN-102',
        message: `Resource for parameter [${parameterName}] is not found`,
        parameterName,
      },
    }),
  batchLimit: (limit: number) =>
    new ApiError({
      status: 400,
      detail: { errorCode: 'CMN-106', message: `Batch request is limited to ${limit} entries` },
    }),
  rangeNotSatisfiable: (size: number) =>
    new ApiError({
      status: 416,
      detail: { errorCode: 'CMN-107', message: 'Requested Range Not Satisfiable' },
      topCode: 'CMN-107',
      headers: {
        'Content-Range': `bytes */${size}`,
      },
    }),
  jsonUnparsable: () =>
    new ApiError({ status: 400, detail: { errorCode: 'CMN-103', message: "JSON can't be parsed." } }),
  unsupportedMediaType: (type: string) =>
    new ApiError({
      status: 415,
      detail: {
        errorCode: 'CMN-104',
        message: `Cannot parse request: unsupported content type [${type}]`,
      },
    }),
  parametersConflict: (parameterName: string, other: string) =>
    new ApiError({
      status: 400,
      detail: {
        errorCode: 'CMN-101',
        message: `Parameter [${parameterName}] is not allowed for usage along with parameter [${other}]`,
        parameterName,
      },
    }),
  routeNotFound: () =>
    new ApiError({
      status: 404,
      detail: { errorCode: 'AGW-404', message: 'Resource not found' },
      topCode: 'AGW-404',
      emptyErrors: true,
    }),
  methodNotAllowed: (method: string, allow: string[]) =>
    new ApiError({
      status: 405,
      detail: { errorCode: 'AGW-405', message: `Method [${method}] is not allowed for this resource` },
      topCode: 'AGW-405',
      headers: { Allow: allow.join(', ') },
    }),
  appPermission: (permissionName: string) =>
    new ApiError({
      status: 403,
      detail: {
        errorCode: 'CMN-401',
        message: `In order to call this API endpoint, application needs to have [${permissionName}] permission`,
        permissionName,
      },
      topCode: 'InsufficientPermissions',
    }),
  userPermission: (permissionName: string) =>
    new ApiError({
      status: 403,
      detail: { errorCode: 'CMN-408', message: `[${permissionName}] permission required`, permissionName },
      topCode: 'InsufficientPermissions',
    }),
  extendedScope: (permissionName: string) =>
    new ApiError({
      status: 403,
      detail: {
        errorCode: 'CMN-419',
        message: `In order to call this API endpoint for another extension, user needs to have [${permissionName}] permission granted with extended scope`,
        permissionName,
      },
    }),
  authHeaderMissing: () => unauthorized('AGW-401', 'Authorization header is not specified', 'AGW-401'),
  authHeaderInvalid: () => unauthorized('AGW-402', 'Invalid Authorization header', 'AGW-402'),
  authMethodNotSupported: () => unauthorized('OAU-151', 'Authorization method not supported'),
  tokenExpired: () => unauthorized('OAU-128', 'Access token expired'),
  tokenNotFound: () => unauthorized('OAU-213', 'Token not found'),
  rateLimited: (retryAfterSec: number) =>
    new ApiError({
      status: 429,
      detail: { errorCode: 'CMN-301', message: 'Request rate exceeded' },
      topCode: 'CMN-301',
      headers: {
        'Retry-After': String(retryAfterSec),
      },
    }),
  serviceUnavailable: () =>
    new ApiError({ status: 503, detail: { errorCode: 'CMN-201', message: 'Service Temporary Unavailable' } }),
  internal: () => new ApiError({ status: 500, detail: { errorCode: 'CMN-203', message: 'Internal Server Error' } }),
};

export const oauthErrors = {
  clientAuthRequired: () => new OAuthError('invalid_client', 'OAU-123', 'Client authentication is required'),
  invalidClient: (clientId: string) =>
    new OAuthError('invalid_client', 'OAU-153', `Invalid client: ${echoed(clientId)}`, 400, [
      { parameterName: 'client_id', parameterValue: echoed(clientId) },
    ]),
  invalidClientCredentials: () => new OAuthError('invalid_client', 'OAU-146', 'Invalid client credentials'),
  unauthorizedGrant: () => new OAuthError('unauthorized_client', 'OAU-251', 'Unauthorized for this grant type'),
  unsupportedGrant: (grant: string) =>
    new OAuthError('unsupported_grant_type', 'OAU-250', `Unsupported grant type: ${echoed(grant)}`),
  invalidRequest: (parameterName: string) =>
    new OAuthError('invalid_request', 'OAU-101', `Parameter [${echoed(parameterName)}] is missing or invalid`, 400, [
      { parameterName: echoed(parameterName) },
    ]),
  invalidOwnerCredentials: () => new OAuthError('invalid_grant', 'OAU-140', 'Invalid resource owner credentials'),
  invalidAssertion: () => new OAuthError('invalid_grant', 'OAU-144', 'Invalid assertion signature or expired JWT'),
  refreshTokenExpired: () => new OAuthError('invalid_grant', 'OAU-210', 'Token expired'),
  refreshTokenInvalid: () => new OAuthError('invalid_grant', 'OAU-211', 'Token is revoked or not found'),
  unsupportedMediaType: () =>
    new OAuthError(
      'invalid_request',
      'OAU-104',
      'Unsupported content type: use application/x-www-form-urlencoded',
      415,
    ),
};
