import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { uuidv7 } from '@dlp/shared';
import type { SeededRandom } from './seeded-random';
import { invalidUtf8, mutateText, mutateValue, type Json } from './value-mutator';

/** One REST operation the console documents in /api/v1/openapi.json, e.g. `post /api/v1/users/{id}`. */
export interface RestOperation {
  method: string;
  path: string;
}

/** A request to send as-is; `authenticated` asks the sender to add the admin's session and CSRF token. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  authenticated: boolean;
}

/**
 * Operations the authenticated fuzzer leaves alone: ending or re-keying its own session, and alert
 * destinations (a valid body would make the console send to a network address).
 */
const AUTHENTICATED_SKIP = [/^post \/api\/v1\/auth\/(logout|password)$/, /\/alerts\/destinations/];

/** Reads the operations list from the console's OpenAPI document. */
export function operationsFromOpenApi(document: unknown): RestOperation[] {
  const paths = (document as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  return Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
}

const PARAM_VALUES = ['019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e8f', '1', '0', '-1', '99999999999999999999', '%E0%A4%A', '%', '%00', '..%2F..%2Fetc', '__proto__', 'constructor', '%F0%9F%98%80', 'a%2Fb', ' ', 'x'.repeat(3000)];

const QUERY_KEYS = ['limit', 'from', 'to', 'cursor', 'q', 'agentId', 'type', 'action', 'severity', 'host', 'user', 'groupId', 'status', 'days', 'format', 'sort', '__proto__', 'constructor', '__proto__[polluted]', 'limit[]'];
const QUERY_VALUES = ['1', '0', '-5', '1e999', 'abc', '2026-01-01T00:00:00Z', 'yesterday', '', '%', '%E0%A4%A', '%00', 'true', '[object Object]', 'x'.repeat(2000), '019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e8f'];

/** Seed bodies that pass validation for a few common operations; the mutator starts from them. */
function seedBody(op: RestOperation, rng: SeededRandom): Json {
  if (op.path.endsWith('/auth/login')) return { username: 'fuzz-user', password: 'not the password 123!' };
  if (op.path.endsWith('/enroll-secrets')) return { label: `fuzz ${rng.int(1000)}` };
  if (op.path.endsWith('/groups')) return { name: `fuzz group ${rng.int(1_000_000)}` };
  if (op.path.endsWith('/users')) return { username: `fuzz${rng.int(1_000_000)}`, displayName: 'Fuzz', role: 'auditor', password: 'a long fuzz password 2026!' };
  if (op.path.endsWith('/api-tokens')) return { name: 'fuzz', role: 'auditor', expiresInDays: 1 };
  if (op.path.endsWith('/exceptions')) return { agentId: uuidv7(), target: { kind: 'app', sha256: 'c'.repeat(64), exePath: '/opt/x' }, minutes: 5, justification: 'fuzz' };
  if (op.path.includes('/triage/')) return { status: 'open', note: 'fuzz' };
  return { name: 'fuzz', enabled: true, id: uuidv7(), value: 1, items: [1, 'a', null] };
}

function pathFor(template: string, rng: SeededRandom): string {
  return template.replace(/\{[^}]+\}/g, () => (rng.chance(0.4) ? uuidv7() : rng.pick(PARAM_VALUES)));
}

function queryFor(rng: SeededRandom): string {
  if (rng.chance(0.4)) return '';
  const pairs = Array.from({ length: 1 + rng.int(4) }, () => `${rng.pick(QUERY_KEYS)}=${rng.pick(QUERY_VALUES)}`);
  return `?${pairs.join('&')}`;
}

/** Encodes a body as `encoding` says, or (sometimes) lies about it so the console must refuse the bytes. */
function encodeBody(text: string, rng: SeededRandom): { body: Buffer; encoding: string | undefined } {
  const raw = Buffer.from(text, 'utf8');
  if (rng.chance(0.8)) return { body: raw, encoding: undefined };
  const encoding = rng.pick(['gzip', 'deflate', 'br', 'identity', 'gzip, gzip', 'x-bogus']);
  if (rng.chance(0.5)) return { body: rng.chance(0.5) ? raw : raw.subarray(0, Math.max(0, raw.length - 3)), encoding };
  const compressed = encoding === 'gzip' ? gzipSync(raw) : encoding === 'deflate' ? deflateSync(raw) : encoding === 'br' ? brotliCompressSync(raw) : raw;
  // Truncated compressed data is the classic "fails to decompress" case.
  return { body: rng.chance(0.3) ? compressed.subarray(0, Math.floor(compressed.length / 2)) : compressed, encoding };
}

/** The next hostile request: a documented operation or a stray one, with mutated params, query, headers and body. */
export function nextRequest(rng: SeededRandom, operations: readonly RestOperation[]): FuzzRequest {
  const op: RestOperation = rng.chance(0.9) && operations.length > 0 ? rng.pick(operations) : { method: rng.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND']), path: rng.pick(['/api/v1/nope', '/api', '/agent', '/api/v1/users/{id}/x', '/', '/assets/x.js.map', '/%2e%2e/etc/passwd']) };
  const headers: Record<string, string> = {};
  let body: string | Buffer | undefined;
  const sendsBody = op.method !== 'GET' && op.method !== 'HEAD' ? rng.chance(0.95) : rng.chance(0.05);
  if (sendsBody) {
    let value = seedBody(op, rng);
    for (let i = rng.int(3); i > 0; i--) value = mutateValue(value, rng);
    let text = JSON.stringify(value);
    if (rng.chance(0.2)) text = mutateText(text, rng);
    if (rng.chance(0.0005)) text = JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024 + 10) });
    const encoded = rng.chance(0.03) ? { body: invalidUtf8(text, rng), encoding: undefined } : encodeBody(text, rng);
    body = encoded.body;
    if (encoded.encoding !== undefined) headers['content-encoding'] = encoded.encoding;
    headers['content-type'] = rng.chance(0.85) ? 'application/json' : rng.pick(['application/json; charset=utf-16', 'application/json; charset=bogus', 'text/plain', 'application/x-www-form-urlencoded', 'APPLICATION/JSON', 'multipart/form-data; boundary=x']);
  }
  if (rng.chance(0.1)) headers.cookie = rng.pick(['dlp_session=garbage', `dlp_session=${'A'.repeat(43)}`, 'dlp_session=', `${'a=b; '.repeat(200)}dlp_session=x`, '__proto__=1; constructor=2']);
  if (rng.chance(0.05)) headers.authorization = rng.pick(['Bearer x', `Bearer ${'A'.repeat(43)}`, 'Basic YWRtaW46YWRtaW4=', 'Bearer ', `Bearer ${'x'.repeat(300)}`]);
  if (rng.chance(0.05)) headers['x-request-id'] = rng.pick(['../../x', 'x'.repeat(500), 'ok-id-1']);
  if (rng.chance(0.05)) headers['x-csrf-token'] = rng.pick(['x', '', 'A'.repeat(43)]);
  const path = `${pathFor(op.path, rng)}${queryFor(rng)}`;
  const skipAuth = AUTHENTICATED_SKIP.some((rule) => rule.test(`${op.method.toLowerCase()} ${op.path}`));
  return { method: op.method, path, headers, body, authenticated: !skipAuth && headers.cookie === undefined && headers.authorization === undefined && rng.chance(0.6) };
}

/** Raw HTTP/1.1 bytes for the parser itself: a valid request line and headers, then damaged. */
export function nextRawRequest(rng: SeededRandom): Buffer {
  const base = `POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 44\r\n\r\n{"username":"fuzz-user","password":"x-x-x"}`;
  const variants = [
    () => base.replace('Content-Length: 44', 'Content-Length: 44\r\nTransfer-Encoding: chunked'),
    () => base.replace('Content-Length: 44', 'Content-Length: -1'),
    () => base.replace('Content-Length: 44', 'Content-Length: 99999999999999999999'),
    () => base.replace('HTTP/1.1', 'HTTP/9.9'),
    () => base.replace('/api/v1/auth/login', `/${'a'.repeat(20_000)}`),
    () => base.replace('Host: 127.0.0.1', `X-Big: ${'b'.repeat(20_000)}\r\nHost: 127.0.0.1`),
    () => base.replace('POST', 'P\u0000ST'),
    () => `GET /agent HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: ${rng.pick(['13', '8', 'x'])}\r\nSec-WebSocket-Key: ${rng.pick(['dGhlIHNhbXBsZSBub25jZQ==', 'short', ''])}\r\n\r\n`,
    () => `GET ${rng.pick(['http://[', '//[::1', 'http://%zz/agent', '*'])} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    () => mutateText(base, rng),
  ];
  const text = rng.pick(variants)();
  return rng.chance(0.1) ? invalidUtf8(text, rng) : Buffer.from(text, 'latin1');
}
