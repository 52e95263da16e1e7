import { z } from 'zod';
import { apiError, CSRF_HEADER, describeIssues } from '@dlp/shared';
import { ApiRequestError } from './api-error';

/** Query-string values; `undefined` members are left out. */
export type QueryParams = Record<string, string | number | undefined>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  query?: QueryParams;
  body?: unknown;
  /** A 401 here is an expected answer (sign-in, session probe), not a session that just ended. */
  unauthorizedIsExpected?: boolean;
}

/** JSON over fetch with the session cookie; every failure becomes an `ApiRequestError`. */
export interface HttpClient {
  /** Sends a request and parses the JSON answer with `schema`; a 204 answer resolves to undefined. */
  request<T>(method: HttpMethod, path: string, schema: z.ZodType<T>, options?: RequestOptions): Promise<T>;
  /** For endpoints that answer 204 No Content. */
  requestNoContent(method: HttpMethod, path: string, options?: RequestOptions): Promise<void>;
  /** Called whenever the console answers 401 to a request that needed a session. Returns an unsubscribe. */
  onUnauthorized(listener: () => void): () => void;
  /** Tells the listeners the session is gone when that was learnt another way (e.g. a refused stream). */
  reportUnauthorized(): void;
  /**
   * Called whenever the console answers 403 `password_expired`: the user must change their password
   * before anything else (an admin reset it, or it is older than the console allows).
   */
  onPasswordExpired(listener: () => void): () => void;
  /**
   * The session's CSRF token (from sign-in or "who am I"), sent as `x-csrf-token` on every
   * state-changing request; undefined after sign-out.
   */
  setCsrfToken(token: string | undefined): void;
}

export interface HttpClientOptions {
  /** Empty for same-origin (the browser); an absolute origin in tests. */
  baseUrl?: string;
  fetchImpl?: typeof fetch;
}

/** The console's code for "change your password before anything else" (403). */
export const PASSWORD_EXPIRED = 'password_expired';

/** Error bodies from a console that adds fields we do not know yet still give their code and message. */
const looseApiError = z.object({ error: z.string(), message: z.string() });

/** Builds `path?query`, skipping undefined values. */
export function buildUrl(baseUrl: string, path: string, query?: QueryParams): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  return `${baseUrl}${path}${search ? `?${search}` : ''}`;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const baseUrl = options.baseUrl ?? '';
  // Called through a closure: browsers throw "Illegal invocation" for a detached `window.fetch`.
  const fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  const unauthorizedListeners = new Set<() => void>();
  const passwordExpiredListeners = new Set<() => void>();
  let csrfToken: string | undefined;

  async function send(method: HttpMethod, path: string, requestOptions: RequestOptions): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    let body: string | undefined;
    if (method !== 'GET') {
      // The console refuses state-changing requests without this header (a CSRF barrier), so even
      // body-less actions such as sign-out send an empty JSON object.
      headers['Content-Type'] = 'application/json';
      // The console refuses a cookie session's state-changing request without its CSRF token.
      if (csrfToken !== undefined) headers[CSRF_HEADER] = csrfToken;
      body = JSON.stringify(requestOptions.body ?? {});
    }
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(buildUrl(baseUrl, path, requestOptions.query), { method, headers, body, credentials: 'same-origin' });
      text = await response.text();
    } catch (cause) {
      throw new ApiRequestError('network', null, 'network_error', cause instanceof Error ? cause.message : 'network error');
    }
    const json = parseJson(text);
    if (!response.ok) {
      const error = toHttpError(response, json, requestOptions, unauthorizedListeners);
      if (error.status === 403 && error.code === PASSWORD_EXPIRED) for (const listener of passwordExpiredListeners) listener();
      throw error;
    }
    return { status: response.status, body: json };
  }

  return {
    async request<T>(method: HttpMethod, path: string, schema: z.ZodType<T>, requestOptions: RequestOptions = {}): Promise<T> {
      const { status, body } = await send(method, path, requestOptions);
      const parsed = schema.safeParse(status === 204 ? undefined : body);
      if (!parsed.success) {
        throw new ApiRequestError('invalid_response', status, 'invalid_response', `${method} ${path}: ${describeIssues(parsed.error)}`);
      }
      return parsed.data;
    },
    async requestNoContent(method: HttpMethod, path: string, requestOptions: RequestOptions = {}): Promise<void> {
      await send(method, path, requestOptions);
    },
    onUnauthorized(listener: () => void): () => void {
      unauthorizedListeners.add(listener);
      return () => unauthorizedListeners.delete(listener);
    },
    reportUnauthorized(): void {
      for (const listener of unauthorizedListeners) listener();
    },
    onPasswordExpired(listener: () => void): () => void {
      passwordExpiredListeners.add(listener);
      return () => passwordExpiredListeners.delete(listener);
    },
    setCsrfToken(token: string | undefined): void {
      csrfToken = token;
    },
  };
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toHttpError(response: Response, json: unknown, options: RequestOptions, unauthorizedListeners: Set<() => void>): ApiRequestError {
  if (response.status === 401 && !options.unauthorizedIsExpected) {
    for (const listener of unauthorizedListeners) listener();
  }
  const strict = apiError.safeParse(json);
  if (strict.success) {
    return new ApiRequestError('http', response.status, strict.data.error, strict.data.message, strict.data.issues ?? []);
  }
  const loose = looseApiError.safeParse(json);
  if (loose.success) return new ApiRequestError('http', response.status, loose.data.error, loose.data.message);
  return new ApiRequestError('http', response.status, `http_${response.status}`, response.statusText || `HTTP ${response.status}`);
}
