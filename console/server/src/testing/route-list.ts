import type { Express } from 'express';
import { walkRoutes } from '../ops/route-walker';

/** One registered route: upper-case method and full path (e.g. `GET /api/v1/users/:id`). */
export interface RegisteredRoute {
  method: string;
  path: string;
}

/**
 * Every route the app registers, found by walking Express's router (so a route added anywhere
 * shows up here without anyone listing it by hand).
 */
export function listRoutes(app: Express): RegisteredRoute[] {
  return walkRoutes(app).map(({ method, path }) => ({ method, path }));
}
