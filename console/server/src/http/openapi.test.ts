import express from 'express';
import { z } from 'zod';
import { ROUTE_ROLES } from '@dlp/shared';
import { endpoint } from './endpoint';
import { RestClient } from '../testing/rest-client';
import { listRoutes } from '../testing/route-list';
import { startTestConsole, type TestConsole } from '../testing/test-console';
import { buildOpenApiDocument, openApiPath, type OpenApiDocument } from './openapi';

type Json = Record<string, unknown>;
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/** Every `$ref` in the document, so each can be checked to resolve. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') out.push(item);
      else refs(item, out);
    }
  }
  return out;
}

/** The structural rules of OpenAPI 3.1 this generator must keep (no network, no external validator). */
function structuralProblems(doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  if (!/^3\.1\.\d+$/.test(doc.openapi)) problems.push(`openapi is ${doc.openapi}`);
  if (typeof doc.info?.title !== 'string' || typeof doc.info?.version !== 'string') problems.push('info.title and info.version are required');
  const operationIds = new Set<string>();
  const schemes = new Set(Object.keys(doc.components.securitySchemes));
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/')) problems.push(`${path}: must start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!METHODS.has(method)) problems.push(`${where}: unknown method`);
      if (typeof op.operationId !== 'string' || operationIds.has(op.operationId)) problems.push(`${where}: missing or duplicate operationId`);
      operationIds.add(String(op.operationId));
      const responses = op.responses as Json | undefined;
      if (!responses || Object.keys(responses).length === 0) problems.push(`${where}: responses required`);
      for (const [code, response] of Object.entries(responses ?? {})) {
        if (!/^([1-5]XX|[1-5]\d\d|default)$/.test(code)) problems.push(`${where}: bad response key ${code}`);
        if (typeof (response as Json).description !== 'string') problems.push(`${where} ${code}: description required`);
      }
      const params = (op.parameters ?? []) as Json[];
      for (const name of templated) {
        const p = params.find((x) => x.name === name && x.in === 'path');
        if (!p || p.required !== true) problems.push(`${where}: path parameter ${name} must be declared and required`);
      }
      for (const p of params) {
        if (!['path', 'query', 'header', 'cookie'].includes(String(p.in)) || typeof p.name !== 'string' || !p.schema) problems.push(`${where}: bad parameter ${JSON.stringify(p)}`);
      }
      for (const requirement of (op.security ?? []) as Json[]) {
        for (const scheme of Object.keys(requirement)) if (!schemes.has(scheme)) problems.push(`${where}: unknown security scheme ${scheme}`);
      }
    }
  }
  for (const ref of refs(doc)) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
    if (!name || !(name in doc.components.schemas)) problems.push(`unresolved $ref ${ref}`);
  }
  return problems;
}

describe('GET /api/v1/openapi.json', () => {
  let t: TestConsole;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await startTestConsole();
    // Public: fetched without a session.
    const res = await new RestClient(t.console.url).json<OpenApiDocument>('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists every route the console registers, with its method', () => {
    const missing = listRoutes(t.console.httpApp)
      .filter((r) => doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()] === undefined)
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(30);
  });

  it('is structurally valid OpenAPI 3.1', () => {
    expect(structuralProblems(doc)).toEqual([]);
  });

  it('describes queries, bodies, security and errors from the zod schemas the routes validate with', () => {
    const events = doc.paths['/api/v1/events']?.get as Json;
    const limit = (events.parameters as Json[]).find((p) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false });
    expect(events.security).toEqual([{ sessionCookie: [] }, { bearerToken: [] }]);

    const createUser = doc.paths['/api/v1/users']?.post as Json;
    const body = (createUser.requestBody as { content: { 'application/json': { schema: Json } } }).content['application/json'].schema;
    expect(Object.keys(body.properties as Json)).toEqual(expect.arrayContaining(['username', 'role', 'password']));
    // Cookie sessions must send the CSRF header on state-changing routes.
    expect(createUser.security).toEqual([{ sessionCookie: [], csrfHeader: [] }, { bearerToken: [] }]);
    expect((createUser.responses as Json)['400']).toEqual({ description: expect.any(String), content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } });

    // A route with a `response` schema describes its reply too.
    const listUsers = (doc.paths['/api/v1/users']?.get as { responses: { '2XX': { content: { 'application/json': { schema: Json } } } } }).responses['2XX'];
    expect(listUsers.content['application/json'].schema).toMatchObject({ type: 'object', required: ['items'] });

    const login = doc.paths['/api/v1/auth/login']?.post as Json;
    expect(login.security).toEqual([]);
    expect(doc.paths['/api/v1/users/{id}']?.patch).toBeDefined();
    expect(doc.components.schemas.ApiError).toMatchObject({ required: expect.arrayContaining(['ok', 'error', 'message']) });
  });
});

describe('buildOpenApiDocument', () => {
  it('lists a route without an endpoint() spec too, marked as such, and picks up new routes with no extra work', () => {
    const app = express();
    const router = express.Router();
    router.get('/things/:thingId', endpoint({ access: ROUTE_ROLES.monitoring, params: z.strictObject({ thingId: z.string().max(10) }), response: z.strictObject({ name: z.string() }) }, async () => ({ status: 200, body: { name: 'x' } })));
    router.post('/bare/:id', (_req, res) => void res.status(204).end());
    app.use('/api/v1', router);
    const doc = buildOpenApiDocument(app, { title: 't', version: '1' });
    const thing = doc.paths['/api/v1/things/{thingId}']?.get as Json;
    expect(thing.parameters).toEqual([{ name: 'thingId', in: 'path', required: true, schema: { type: 'string', maxLength: 10 } }]);
    expect((thing.responses as { '2XX': { content: unknown } })['2XX'].content).toEqual({
      'application/json': { schema: expect.objectContaining({ type: 'object', required: ['name'] }) },
    });
    const bare = doc.paths['/api/v1/bare/{id}']?.post as Json;
    expect(bare).toMatchObject({ 'x-dlp-unspecified': true, parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] });
    expect(structuralProblems(doc)).toEqual([]);
  });
});
