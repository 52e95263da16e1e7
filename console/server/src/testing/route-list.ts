import type { Express } from 'express';

/** One registered route: upper-case method and full path (e.g. `GET /api/v1/users/:id`). */
export interface RegisteredRoute {
  method: string;
  path: string;
}

/** The slice of Express 5's router internals this walker reads, checked at run time. */
interface LayerLike {
  route?: { path?: unknown; methods?: Record<string, boolean> };
  handle?: { stack?: unknown };
  rawPath?: unknown;
}

function isLayer(value: unknown): value is LayerLike {
  return typeof value === 'object' && value !== null;
}

function walk(stack: unknown, prefix: string, out: RegisteredRoute[]): void {
  if (!Array.isArray(stack)) return;
  for (const layer of stack) {
    if (!isLayer(layer)) continue;
    if (layer.route && typeof layer.route.path === 'string') {
      for (const [method, enabled] of Object.entries(layer.route.methods ?? {})) {
        if (enabled && method !== '_all') out.push({ method: method.toUpperCase(), path: `${prefix}${layer.route.path}` });
      }
    } else if (layer.handle && Array.isArray(layer.handle.stack)) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(layer.handle.stack, `${prefix}${mount}`, out);
    }
  }
}

/**
 * Every route the app registers, found by walking Express's router (so a route added anywhere
 * shows up here without anyone listing it by hand).
 */
export function listRoutes(app: Express): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  walk((app as unknown as { router: { stack: unknown } }).router.stack, '', out);
  return out;
}
