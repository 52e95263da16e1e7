/** A minimal REST client for console tests: JSON in and out, carries the session cookie. */
export class RestClient {
  cookie: string | undefined;

  constructor(readonly baseUrl: string) {}

  async login(username: string, password: string): Promise<Response> {
    const res = await this.call('POST', '/api/v1/auth/login', { username, password });
    const setCookie = res.headers.get('set-cookie');
    if (res.status === 200 && setCookie) this.cookie = setCookie.split(';')[0];
    return res;
  }

  /** Sends `body` as JSON (state-changing methods always declare JSON, as the console requires). */
  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const all: Record<string, string> = { ...headers };
    if (this.cookie !== undefined) all.cookie = this.cookie;
    if (method !== 'GET' && method !== 'HEAD' && all['content-type'] === undefined) all['content-type'] = 'application/json';
    return fetch(`${this.baseUrl}${path}`, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  /** Calls and parses the JSON reply (null for an empty body). */
  async json<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await this.call(method, path, body);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
}
