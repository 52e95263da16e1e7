import type { FieldIssue } from '@dlp/shared';

/**
 * Why a request failed: the console answered with an error (`http`), the console could not be
 * reached (`network`), or it answered something that does not match the contract (`invalid_response`).
 */
export type ApiFailureKind = 'http' | 'network' | 'invalid_response';

/** The one error type every API call rejects with, so pages can branch on `kind` and `code`. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';

  constructor(
    readonly kind: ApiFailureKind,
    /** HTTP status for `http` failures, null otherwise. */
    readonly status: number | null,
    /** The console's stable error code (`invalid_credentials`…) or `network_error` / `invalid_response`. */
    readonly code: string,
    message: string,
    /** Field-level problems the console reported for a rejected body or query. */
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** Narrowing helper for catch blocks. */
export function isApiRequestError(error: unknown): error is ApiRequestError {
  return error instanceof ApiRequestError;
}

/** Gateway answers a reverse proxy (or the dev server) gives when the console behind it is down. */
const GATEWAY_STATUSES = new Set([502, 503, 504]);

/** True when the console itself could not be reached, directly or behind a proxy. */
export function isUnreachable(error: unknown): boolean {
  return isApiRequestError(error) && (error.kind === 'network' || (error.status !== null && GATEWAY_STATUSES.has(error.status)));
}
