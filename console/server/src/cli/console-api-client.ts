import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What the CLI needs to reach a running console's REST API. */
export interface ConsoleApiTarget {
  /** e.g. https://console.example:8443 */
  baseUrl: string;
  /** An API token (created in the console by an admin; the role decides what it may do). */
  token: string;
  /** PEM of a certificate (or CA) to trust for https, e.g. the console's self-signed certificate. */
  ca?: Buffer;
}

export interface ApiReply {
  status: number;
  body: unknown;
}

/**
 * A small JSON client over node:http(s): fetch cannot be told to trust one extra certificate, and
 * a self-signed console is the common case for a first install.
 */
export function callConsoleApi(target: ConsoleApiTarget, method: string, path: string, body?: unknown): Promise<ApiReply> {
  const url = new URL(`/api/v1${path}`, target.baseUrl);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
  const headers: Record<string, string> = { authorization: `Bearer ${target.token}`, accept: 'application/json' };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, ...(target.ca ? { ca: target.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = null;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          parsed = text;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${url.origin} within 30 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** `message (code)` plus field issues, from the console's one error shape. */
export function describeApiError(reply: ApiReply): string {
  const body = reply.body;
  if (typeof body !== 'object' || body === null) return `HTTP ${reply.status}`;
  const record = body as { error?: unknown; message?: unknown; issues?: unknown };
  const head = `${typeof record.message === 'string' ? record.message : `HTTP ${reply.status}`}${typeof record.error === 'string' ? ` (${record.error})` : ''}`;
  const issues = Array.isArray(record.issues)
    ? record.issues.map((i: unknown) => (typeof i === 'object' && i !== null ? `  ${String((i as { path?: unknown }).path)}: ${String((i as { message?: unknown }).message)}` : ''))
    : [];
  return [head, ...issues].join('\n');
}
