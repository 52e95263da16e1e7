import type { FieldIssue } from '@dlp/shared';

/** What went wrong, in terms a route can map to an HTTP status. */
export type ServiceErrorKind = 'not_found' | 'invalid_request' | 'conflict' | 'invalid_credentials' | 'too_many_requests' | 'forbidden';

/**
 * An expected failure of a service call. `code` is the stable string clients switch on; the
 * message is for people. Anything else thrown is a bug and becomes `internal_error`.
 */
export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    readonly code: string,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export function notFound(what: string, id: string): ServiceError {
  return new ServiceError('not_found', 'not_found', `${what} ${id} does not exist`);
}
