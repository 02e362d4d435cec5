// The limits a report request must stay within, and the RingCentral-style error that names the limit it passed.

import { ApiError } from '../domain/index.ts';

/** 400 CMN-101 naming the parameter and the limit: `Parameter [by] value is invalid: at most 10,000 hour buckets…`. */
export function reportLimit(parameterName: string, limit: string, parameterValue?: string): ApiError {
  return new ApiError({
    status: 400,
    detail: {
      errorCode: 'CMN-101',
      message: `Parameter [${parameterName}] value is invalid: ${limit}.`,
      parameterName,
      ...(parameterValue !== undefined ? { parameterValue } : {}),
    },
  });
}
