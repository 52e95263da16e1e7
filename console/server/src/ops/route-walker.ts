import type { Application } from 'express';

/** One registered route: upper-case method, full Express path and the handlers of its stack. */
export interface WalkedRoute {
  method: string;
  /** Express syntax, e.g. `/api/v1/users/:id`. */
  path: string;
  /** The route's own handlers in order (an `endpoint()` handler carries its spec). */
  handlers: readonly unknown[];
}

/** The slice of Express 5's router internals this walker reads, checked at run time. */
interface LayerLike {
  route?: { path?: unknown; methods?: Record<string, boolean>; stack?: unknown };
  handle?: unknown;
  rawPath?: unknown;
}

function isLayer(value: unknown): value is LayerLike {
  return typeof value === 'object' && value !== null;
}

function routeHandlers(stack: unknown): unknown[] {
  if (!Array.isArray(stack)) return [];
  return stack.filter(isLayer).map((layer) => layer.handle);
}

function nestedStack(handle: unknown): unknown {
  if (typeof handle !== 'function' && (typeof handle !== 'object' || handle === null)) return undefined;
  return (handle as { stack?: unknown }).stack;
}

function walk(stack: unknown, prefix: string, out: WalkedRoute[]): void {
  if (!Array.isArray(stack)) return;
  for (const layer of stack) {
    if (!isLayer(layer)) continue;
    const route = layer.route;
    if (route && typeof route.path === 'string') {
      const handlers = routeHandlers(route.stack);
      for (const [method, enabled] of Object.entries(route.methods ?? {})) {
        if (enabled && method !== '_all') out.push({ method: method.toUpperCase(), path: `${prefix}${route.path}`, handlers });
      }
      continue;
    }
    const inner = nestedStack(layer.handle);
    if (Array.isArray(inner)) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(inner, `${prefix}${mount}`, out);
    }
  }
}

/**
 * Every route the app registers, found by walking Express's router, so a route added anywhere is
 * seen (by the OpenAPI document, the metrics labels and the access test) without being listed.
 */
export function walkRoutes(app: Application): WalkedRoute[] {
  const out: WalkedRoute[] = [];
  walk((app as unknown as { router: { stack: unknown } }).router.stack, '', out);
  return out;
}
