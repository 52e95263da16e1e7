import type { ApiError, FieldIssue } from '@dlp/shared';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { errorFields, type Logger } from '../logging/logger';
import { ServiceError, type ServiceErrorKind } from '../service-kit/service-error';
import { isUniqueViolation } from '../store/store-errors';

/** An HTTP-level refusal raised by the pipeline itself (auth, content type, validation). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_BY_KIND: Record<ServiceErrorKind, number> = {
  not_found: 404,
  invalid_request: 400,
  conflict: 409,
  invalid_credentials: 401,
  too_many_requests: 429,
  forbidden: 403,
};

/** Writes the one error shape every REST failure uses. */
export function sendError(res: Response, status: number, code: string, message: string, issues?: FieldIssue[]): void {
  const body: ApiError = { ok: false, error: code, message };
  if (issues && issues.length > 0) body.issues = issues;
  res.status(status).json(body);
}

/** Errors body-parser raises, by its `type`, as (status, code, message); the router's and zlib's below. */
const BODY_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'invalid_json', 'The request body is not valid JSON.'],
  'entity.too.deep': [400, 'invalid_json', 'The request body nests too deeply.'],
  'entity.too.large': [413, 'payload_too_large', 'The request body is too large.'],
  'encoding.unsupported': [415, 'unsupported_media_type', 'The request body encoding is not supported.'],
  'charset.unsupported': [415, 'unsupported_media_type', 'The request body charset is not supported.'],
  'request.aborted': [400, 'request_aborted', 'The request was aborted.'],
};

const BAD_COMPRESSION: [number, string, string] = [400, 'invalid_body', 'The request body could not be decompressed (Content-Encoding).'];

/** zlib's (Z_DATA_ERROR, Z_BUF_ERROR…) and brotli's (ERR__ERROR_FORMAT_…) codes, as body-parser passes them on with status 400. */
function isDecompressionError(err: object): boolean {
  if (!('status' in err) || err.status !== 400 || !('code' in err) || typeof err.code !== 'string') return false;
  return err.code.startsWith('Z_') || err.code.startsWith('ERR__ERROR_') || err.code.startsWith('ERR_BROTLI');
}

const BAD_PATH: [number, string, string] = [400, 'invalid_request', 'The request path is not valid percent-encoding.'];

function bodyParserError(err: unknown): [number, string, string] | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  if (isDecompressionError(err)) return BAD_COMPRESSION;
  // The router's "Failed to decode param" for a path segment such as `%E0%A4%A`.
  if (err instanceof URIError && 'status' in err && err.status === 400) return BAD_PATH;
  if (!('type' in err) || typeof err.type !== 'string') return undefined;
  // Own properties only: a `type` of "__proto__" or "constructor" must not find Object's.
  return Object.hasOwn(BODY_ERRORS, err.type) ? BODY_ERRORS[err.type] : undefined;
}

/** Last middleware: known errors keep their code, anything else is a bug and leaks nothing. */
export function apiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof HttpError) return sendError(res, err.status, err.code, err.message, err.issues);
    if (err instanceof ServiceError) return sendError(res, STATUS_BY_KIND[err.kind], err.code, err.message, err.issues);
    const known = bodyParserError(err);
    if (known) return sendError(res, known[0], known[1], known[2]);
    if (isUniqueViolation(err)) {
      logger.warn('concurrent write lost a uniqueness race', { method: req.method, path: req.path });
      return sendError(res, 409, 'concurrent_change', 'Someone saved a conflicting change at the same moment; reload and try again.');
    }
    logger.error('request failed', { method: req.method, path: req.path, ...errorFields(err) });
    sendError(res, 500, 'internal_error', 'Something went wrong on the console; it has been logged.');
  };
}

/** Unknown API paths get the same error shape as everything else. */
export const apiNotFound: RequestHandler = (req, res) => {
  sendError(res, 404, 'not_found', `No API route for ${req.method} ${req.path}.`);
};
