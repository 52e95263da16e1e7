const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A minimal REST client for console tests: JSON in and out, carries the session cookie and sends
 * the session's CSRF token on state-changing requests (as the web UI does).
 */
export class RestClient {
  cookie: string | undefined;
  /** From the login reply; sent as `x-csrf-token`. */
  csrfToken: string | undefined;

  constructor(readonly baseUrl: string) {}

  async login(username: string, password: string): Promise<Response> {
    const res = await this.call('POST', '/api/v1/auth/login', { username, password });
    const setCookie = res.headers.get('set-cookie');
    if (res.status === 200 && setCookie) {
      this.cookie = setCookie.split(';')[0];
      // clone(): the caller may still read the body.
      const body = (await res.clone().json()) as { csrfToken?: string };
      this.csrfToken = body.csrfToken;
    }
    return res;
  }

  /** Sends `body` as JSON (state-changing methods always declare JSON, as the console requires). */
  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const all: Record<string, string> = { ...headers };
    if (this.cookie !== undefined) all.cookie = this.cookie;
    if (method !== 'GET' && method !== 'HEAD' && all['content-type'] === undefined) all['content-type'] = 'application/json';
    if (STATE_CHANGING.has(method) && this.csrfToken !== undefined && all['x-csrf-token'] === undefined) all['x-csrf-token'] = this.csrfToken;
    return fetch(`${this.baseUrl}${path}`, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  /** Calls and parses the JSON reply (null for an empty body). */
  async json<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }> {
    const res = await this.call(method, path, body, headers);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
}

/** A client that authenticates with an API token (`Authorization: Bearer …`) instead of a cookie. */
export class BearerClient extends RestClient {
  constructor(
    baseUrl: string,
    readonly token: string,
  ) {
    super(baseUrl);
  }

  override call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return super.call(method, path, body, { authorization: `Bearer ${this.token}`, ...headers });
  }
}
