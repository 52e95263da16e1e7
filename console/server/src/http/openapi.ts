import { apiError, CSRF_HEADER } from '@dlp/shared';
import type { Application } from 'express';
import { z } from 'zod';
import { endpointSpecOf, type AnyEndpointSpec } from './endpoint';
import { SESSION_COOKIE } from './session-cookie';
import { walkRoutes, type WalkedRoute } from '../ops/route-walker';

/** A JSON Schema / OpenAPI fragment: plain JSON. */
type Json = Record<string, unknown>;

/** The document root, typed only as far as the generator and its test need. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * zod → JSON Schema 2020-12 (the dialect of OpenAPI 3.1). Requests are described as callers send
 * them (`io: input`: defaults optional, coerced strings). A construct JSON Schema cannot express
 * (a transform, a custom check) becomes `{}` rather than failing the whole document.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  try {
    const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as Json;
    delete out.$schema;
    return out;
  } catch {
    return { description: 'Not expressible in JSON Schema; see the source schema in shared/.' };
  }
}

/** `/users/:id` → `/users/{id}`; Express 5 wildcards `*name` → `{name}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}');
}

function pathParamNames(expressPath: string): string[] {
  return [...expressPath.matchAll(/[:*]([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '');
}

/** Object properties of a request's params or query schema, each as one OpenAPI parameter. */
function parameters(where: 'path' | 'query', schema: z.ZodType | undefined, pathNames: string[]): Json[] {
  const json = schema ? jsonSchema(schema, 'input') : {};
  const properties = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set(Array.isArray(json.required) ? (json.required as string[]) : []);
  const names = where === 'path' ? [...new Set([...pathNames, ...Object.keys(properties)])] : Object.keys(properties);
  return names.map((name) => {
    const property = properties[name] ?? { type: 'string' };
    const param: Json = { name, in: where, required: where === 'path' || required.has(name), schema: property };
    if (typeof property.description === 'string') param.description = property.description;
    return param;
  });
}

const ERROR_REF = { $ref: '#/components/schemas/ApiError' };

function errorResponse(description: string): Json {
  return { description, content: { 'application/json': { schema: ERROR_REF } } };
}

/** Who may call it, in OpenAPI terms: cookie session (+ CSRF header when it changes state) or bearer token. */
function security(method: string, spec: AnyEndpointSpec): Json[] {
  if (spec.access === 'public') return [];
  const cookie: Json = STATE_CHANGING.has(method) ? { sessionCookie: [], csrfHeader: [] } : { sessionCookie: [] };
  return spec.sessionOnly === true ? [cookie] : [cookie, { bearerToken: [] }];
}

function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/v1/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1));
  return `${method.toLowerCase()}${words.join('') || 'Root'}`;
}

function tagOf(path: string): string {
  const rest = path.startsWith('/api/v1/') ? path.slice('/api/v1/'.length) : path.slice(1);
  return rest.split('/')[0] || 'root';
}

/** One operation: documented from its `endpoint()` spec, or listed bare when it has none. */
function operation(route: WalkedRoute): Json {
  const spec = route.handlers.map(endpointSpecOf).find((s) => s !== undefined);
  const op: Json = { operationId: operationId(route.method, route.path), tags: [tagOf(route.path)] };
  const pathNames = pathParamNames(route.path);
  if (!spec) {
    // A route added without endpoint() is still listed, so the document never silently omits one.
    op.summary = `${route.method} ${route.path}`;
    op.description = 'This route has no request schema attached (it is not built with endpoint()).';
    op['x-dlp-unspecified'] = true;
    if (pathNames.length > 0) op.parameters = parameters('path', undefined, pathNames);
    op.responses = { default: { description: 'See docs/API.md.' } };
    return op;
  }
  if (spec.summary !== undefined) op.summary = spec.summary;
  const params = [...parameters('path', spec.params, pathNames), ...parameters('query', spec.query, [])];
  if (params.length > 0) op.parameters = params;
  if (spec.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } };
  op.security = security(route.method, spec);
  op['x-dlp-access'] = spec.access === 'public' ? 'public' : [...spec.access];
  const success: Json = { description: 'Success' };
  if (spec.response) success.content = { 'application/json': { schema: jsonSchema(spec.response, 'output') } };
  const responses: Json = { '2XX': success };
  if (spec.params || spec.query || spec.body) responses['400'] = errorResponse('Invalid request; `issues` lists field paths.');
  if (spec.access !== 'public') {
    responses['401'] = errorResponse('No valid session or API token.');
    responses['403'] = errorResponse('Wrong role, missing CSRF token, or password change required.');
  }
  responses.default = errorResponse('Any other error, in the one error shape.');
  op.responses = responses;
  return op;
}

/**
 * The OpenAPI 3.1 document of every route the app registers, built from the zod schemas the
 * routes validate with (never written twice). Routes are found by walking the router, so new
 * ones appear with no per-route work.
 */
export function buildOpenApiDocument(app: Application, info: { title: string; version: string }): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of walkRoutes(app)) {
    const key = openApiPath(route.path);
    const item = (paths[key] ??= {});
    item[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'Endpoint DLP console REST API. Generated from the zod schemas in shared/ at run time.' },
    paths,
    components: {
      schemas: { ApiError: jsonSchema(apiError, 'output') },
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /api/v1/auth/login.' },
        csrfHeader: { type: 'apiKey', in: 'header', name: CSRF_HEADER, description: 'csrfToken from /auth/login or /auth/me; required with the cookie on POST, PUT, PATCH, DELETE.' },
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token (dlp_…) created by an admin.' },
      },
    },
  };
}
