import { role } from './rest';
import { ROUTE_ROLES, roleMay } from './route-roles';

describe('ROUTE_ROLES', () => {
  it('names only known roles, and admins may use every family', () => {
    for (const [family, roles] of Object.entries(ROUTE_ROLES)) {
      for (const r of roles) expect({ family, known: role.safeParse(r).success }).toEqual({ family, known: true });
      expect({ family, admin: roles.includes('admin') }).toEqual({ family, admin: true });
    }
  });

  it('answers by the table, and nobody signed in may use nothing', () => {
    expect(roleMay('audit', 'auditor')).toBe(true);
    expect(roleMay('audit', 'officer')).toBe(false);
    expect(roleMay('exceptionDecisions', 'officer')).toBe(true);
    expect(roleMay('exceptionDecisions', 'auditor')).toBe(false);
    expect(roleMay('administration', 'auditor')).toBe(false);
    expect(roleMay('monitoring', undefined)).toBe(false);
  });
});
