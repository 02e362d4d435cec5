// The error catalogue: typed errors carrying RingCentral's status, codes and messages.
// One HTTP handler (api/) turns an ApiError into RingCentral's envelope; nothing else formats errors.

export interface ErrorDetail {
  errorCode: string;
  message: string;
  parameterName?: string;
  parameterValue?: string;
  permissionName?: string;
}

/** An error answered with RingCentral's API envelope `{errorCode, message, errors[], parameterName?}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: ErrorDetail,
    /** Top-level errorCode when it differs from the detail's (e.g. `InsufficientPermissions`, `TokenInvalid`). */
    readonly topCode: string = detail.errorCode,
    readonly headers: Record<string, string> = {},
    /** Send `errors: []` (RingCentral does so for AGW-404). */
    readonly emptyErrors = false,
  ) {
    super(detail.message);
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

export const errors = {
  invalidParameter: (parameterName: string, parameterValue?: string) =>
    new ApiError(400, {
      errorCode: 'CMN-101',
      message: `Parameter [${parameterName}] value is invalid.`,
      parameterName,
      ...(parameterValue !== undefined ? { parameterValue } : {}),
    }),
  notFound: (parameterName: string) =>
    new ApiError(404, {
      errorCode: 'CMN-102',
      message: `Resource for parameter [${parameterName}] is not found`,
      parameterName,
    }),
  batchLimit: (limit: number) =>
    new ApiError(400, { errorCode: 'CMN-106', message: `Batch request is limited to ${limit} entries` }),
  rangeNotSatisfiable: (size: number) =>
    new ApiError(416, { errorCode: 'CMN-107', message: 'Requested Range Not Satisfiable' }, 'CMN-107', {
      'Content-Range': `bytes */${size}`,
    }),
  jsonUnparsable: () => new ApiError(400, { errorCode: 'CMN-103', message: "JSON can't be parsed." }),
  unsupportedMediaType: (type: string) =>
    new ApiError(415, {
      errorCode: 'CMN-104',
      message: `Cannot parse request: unsupported content type [${type}]`,
    }),
  parametersConflict: (parameterName: string, other: string) =>
    new ApiError(400, {
      errorCode: 'CMN-101',
      message: `Parameter [${parameterName}] is not allowed for usage along with parameter [${other}]`,
      parameterName,
    }),
  routeNotFound: () => new ApiError(404, { errorCode: 'AGW-404', message: 'Resource not found' }, 'AGW-404', {}, true),
  methodNotAllowed: (method: string, allow: string[]) =>
    new ApiError(
      405,
      { errorCode: 'AGW-405', message: `Method [${method}] is not allowed for this resource` },
      'AGW-405',
      { Allow: allow.join(', ') },
    ),
  appPermission: (permissionName: string) =>
    new ApiError(
      403,
      {
        errorCode: 'CMN-401',
        message: `In order to call this API endpoint, application needs to have [${permissionName}] permission`,
        permissionName,
      },
      'InsufficientPermissions',
    ),
  userPermission: (permissionName: string) =>
    new ApiError(
      403,
      { errorCode: 'CMN-408', message: `[${permissionName}] permission required`, permissionName },
      'InsufficientPermissions',
    ),
  extendedScope: (permissionName: string) =>
    new ApiError(403, {
      errorCode: 'CMN-419',
      message: `In order to call this API endpoint for another extension, user needs to have [${permissionName}] permission granted with extended scope`,
      permissionName,
    }),
  authHeaderMissing: () =>
    new ApiError(401, { errorCode: 'AGW-401', message: 'Authorization header is not specified' }, 'AGW-401', {
      'WWW-Authenticate': 'Bearer realm="RingCentral REST API"',
    }),
  authHeaderInvalid: () =>
    new ApiError(401, { errorCode: 'AGW-402', message: 'Invalid Authorization header' }, 'AGW-402', {
      'WWW-Authenticate': 'Bearer realm="RingCentral REST API"',
    }),
  authMethodNotSupported: () =>
    new ApiError(401, { errorCode: 'OAU-151', message: 'Authorization method not supported' }, 'TokenInvalid', {
      'WWW-Authenticate': 'Bearer realm="RingCentral REST API"',
    }),
  tokenExpired: () =>
    new ApiError(401, { errorCode: 'OAU-128', message: 'Access token expired' }, 'TokenInvalid', {
      'WWW-Authenticate': 'Bearer realm="RingCentral REST API"',
    }),
  tokenNotFound: () =>
    new ApiError(401, { errorCode: 'OAU-213', message: 'Token not found' }, 'TokenInvalid', {
      'WWW-Authenticate': 'Bearer realm="RingCentral REST API"',
    }),
  rateLimited: (retryAfterSec: number) =>
    new ApiError(429, { errorCode: 'CMN-301', message: 'Request rate exceeded' }, 'CMN-301', {
      'Retry-After': String(retryAfterSec),
    }),
  serviceUnavailable: () => new ApiError(503, { errorCode: 'CMN-201', message: 'Service Temporary Unavailable' }),
  internal: () => new ApiError(500, { errorCode: 'CMN-203', message: 'Internal Server Error' }),
};

export const oauthErrors = {
  clientAuthRequired: () => new OAuthError('invalid_client', 'OAU-123', 'Client authentication is required'),
  invalidClient: (clientId: string) =>
    new OAuthError('invalid_client', 'OAU-153', `Invalid client: ${clientId}`, 400, [
      { parameterName: 'client_id', parameterValue: clientId },
    ]),
  invalidClientCredentials: () => new OAuthError('invalid_client', 'OAU-146', 'Invalid client credentials'),
  unauthorizedGrant: () => new OAuthError('unauthorized_client', 'OAU-251', 'Unauthorized for this grant type'),
  unsupportedGrant: (grant: string) =>
    new OAuthError('unsupported_grant_type', 'OAU-250', `Unsupported grant type: ${grant}`),
  invalidRequest: (parameterName: string) =>
    new OAuthError('invalid_request', 'OAU-101', `Parameter [${parameterName}] is missing or invalid`, 400, [
      { parameterName },
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
