import { ROUTE_ROLES, type RouteFamily } from '@dlp/shared';
import { DEFAULT_PATH, ROUTES, landingPathFor, routesFor } from './routes';

/**
 * The family of the shared ROUTE_ROLES table each page is shown by. The server's
 * route-access.test.ts names the same family for the page's main read, so the UI offers a page to
 * exactly the roles the console answers (and not a 403).
 */
const FAMILY_OF_PAGE: Record<string, RouteFamily> = {
  '/agents': 'monitoring',
  '/events': 'monitoring',
  '/search': 'monitoring',
  '/reports': 'monitoring',
  '/exceptions': 'monitoring',
  '/alerts': 'monitoring',
  '/policies': 'configurationView',
  '/groups': 'configurationView',
  '/audit': 'audit',
  '/users': 'administration',
  '/settings': 'administration',
  '/account/password': 'account',
};

describe('web routes', () => {
  it('take their roles from the shared ROUTE_ROLES table the server authorises with', () => {
    expect(ROUTES.map((route) => route.path).sort()).toEqual(Object.keys(FAMILY_OF_PAGE).sort());
    for (const route of ROUTES) {
      const family = FAMILY_OF_PAGE[route.path];
      if (family === undefined) throw new Error(`no family for ${route.path}`);
      // The same array object, not an equal copy: a list written out again here could drift.
      expect({ path: route.path, sameList: route.roles === ROUTE_ROLES[family] }).toEqual({ path: route.path, sameList: true });
    }
  });

  it('show auditors the audit log but not users or settings, and officers no configuration', () => {
    const auditor = routesFor('auditor').map((r) => r.path);
    expect(auditor).toEqual(expect.arrayContaining(['/audit', '/policies', '/groups']));
    expect(auditor).not.toContain('/users');
    expect(auditor).not.toContain('/settings');
    const officer = routesFor('officer').map((r) => r.path);
    expect(officer).toEqual(expect.arrayContaining(['/events', '/exceptions', '/account/password']));
    for (const page of ['/policies', '/groups', '/audit', '/users', '/settings']) expect(officer).not.toContain(page);
    expect(routesFor('admin')).toHaveLength(ROUTES.length);
  });

  it('land admins on the fleet overview (Agents) and the others on events', () => {
    expect(landingPathFor('admin')).toBe('/agents');
    expect(landingPathFor('officer')).toBe(DEFAULT_PATH);
    expect(landingPathFor('auditor')).toBe(DEFAULT_PATH);
  });
});
