import { ROUTE_ROLES, type Role, type RouteFamily } from '@dlp/shared';
import { walkRoutes } from '../ops/route-walker';
import { enrollAgent } from '../testing/agent-peer';
import { BearerClient, RestClient } from '../testing/rest-client';
import { listRoutes } from '../testing/route-list';
import { createEnrollSecret, startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestApiToken, createTestUser } from '../testing/test-users';
import { endpointSpecOf } from '../http/endpoint';

/**
 * Route × caller → expected answer, for EVERY route the app registers. The table below is the
 * access policy written down once; the test enumerates Express's router, so a route added without
 * a row here fails, and so does a row for a route that no longer exists.
 */
type Rule = { access: 'public' } | { access: readonly Role[]; sessionOnly?: true };

const PUBLIC: Rule = { access: 'public' };
const ADMIN: Rule = { access: ['admin'] };
const ALL_ROLES: Rule = { access: ['admin', 'officer', 'auditor'] };
/** Read-only views of configuration: admins, and auditors (who read everything, change nothing). */
const ADMIN_AUDITOR: Rule = { access: ['admin', 'auditor'] };
/** Exceptions and unlock codes are the officers' job (admins may too). */
const OFFICER_ADMIN: Rule = { access: ['admin', 'officer'] };

const ACCESS: Record<string, Rule> = {
  'GET /healthz': PUBLIC,
  'GET /readyz': PUBLIC,
  // Prometheus: readers' sessions or API tokens (or a peer on --metrics-allow, which tests leave empty).
  'GET /metrics': ALL_ROLES,
  // Paths and request shapes only, as the web UI's code already reveals: public.
  'GET /api/v1/openapi.json': PUBLIC,
  'POST /api/v1/auth/login': PUBLIC,
  'POST /api/v1/auth/logout': PUBLIC,
  'GET /api/v1/auth/me': ALL_ROLES,
  'POST /api/v1/auth/password': ALL_ROLES,

  'GET /api/v1/users': ADMIN,
  'POST /api/v1/users': ADMIN,
  'GET /api/v1/users/:id': ADMIN,
  'PATCH /api/v1/users/:id': ADMIN,
  // Tokens belong to people: an API token (even an admin one) cannot mint tokens.
  'POST /api/v1/api-tokens': { access: ['admin'], sessionOnly: true },
  'GET /api/v1/api-tokens': ADMIN,
  'DELETE /api/v1/api-tokens/:id': ADMIN,
  'GET /api/v1/settings': ADMIN,
  'PUT /api/v1/settings': ADMIN,
  'GET /api/v1/settings/identity-mapping': ADMIN,
  'PUT /api/v1/settings/identity-mapping': ADMIN,

  'GET /api/v1/audit': ADMIN_AUDITOR,
  'GET /api/v1/audit/verify': ADMIN_AUDITOR,
  'GET /api/v1/audit/export.csv': ADMIN_AUDITOR,

  'POST /api/v1/enroll-secrets': ADMIN,
  'GET /api/v1/enroll-secrets': ADMIN,
  'DELETE /api/v1/enroll-secrets/:id': ADMIN,
  'GET /api/v1/enroll-requests': ADMIN,
  'POST /api/v1/enroll-requests/:id/approve': ADMIN,
  'POST /api/v1/enroll-requests/:id/reject': ADMIN,

  'GET /api/v1/agents': ALL_ROLES,
  'GET /api/v1/agents/overview': ALL_ROLES,
  'GET /api/v1/agents/:id': ALL_ROLES,
  // Saved filters are a person's own: an API token is nobody's.
  'GET /api/v1/agents/saved-filters': { access: ['admin', 'officer', 'auditor'], sessionOnly: true },
  'POST /api/v1/agents/saved-filters': { access: ['admin', 'officer', 'auditor'], sessionOnly: true },
  'DELETE /api/v1/agents/saved-filters/:id': { access: ['admin', 'officer', 'auditor'], sessionOnly: true },
  'GET /api/v1/agents/export.csv': ALL_ROLES,
  'POST /api/v1/agents/:id/revoke': ADMIN,
  'DELETE /api/v1/agents/:id': ADMIN,
  'PUT /api/v1/agents/:id/group': ADMIN,
  'GET /api/v1/agents/:id/effective-policy': ADMIN_AUDITOR,
  'POST /api/v1/agents/:id/unlock-codes': OFFICER_ADMIN,
  'POST /api/v1/agents/:id/uninstall-codes': ADMIN,
  'POST /api/v1/agents/:id/scans': OFFICER_ADMIN,
  'GET /api/v1/agents/:id/scans': ALL_ROLES,

  'GET /api/v1/policies': ADMIN_AUDITOR,
  'POST /api/v1/policies': ADMIN,
  'GET /api/v1/policies/:id': ADMIN_AUDITOR,
  'PUT /api/v1/policies/:id': ADMIN,
  'GET /api/v1/policies/:id/versions': ADMIN_AUDITOR,
  'GET /api/v1/policies/:id/diff': ADMIN_AUDITOR,
  'POST /api/v1/policies/:id/rollback': ADMIN,
  'GET /api/v1/policies/:id/drafts': ADMIN_AUDITOR,
  'POST /api/v1/policies/:id/drafts': ADMIN,
  'GET /api/v1/drafts/:id': ADMIN_AUDITOR,
  'PUT /api/v1/drafts/:id': ADMIN,
  'DELETE /api/v1/drafts/:id': ADMIN,
  'POST /api/v1/drafts/:id/publish': ADMIN,
  'POST /api/v1/drafts/:id/impact': ADMIN,

  'GET /api/v1/groups': ADMIN_AUDITOR,
  // Ids and names only, for the search's group filter: every role (events name their group anyway).
  'GET /api/v1/groups/names': ALL_ROLES,
  'POST /api/v1/groups': ADMIN,
  'PATCH /api/v1/groups/:id': ADMIN,
  'DELETE /api/v1/groups/:id': ADMIN,
  'PUT /api/v1/groups/:id/policy': ADMIN,
  'GET /api/v1/groups/:id/rollout': ADMIN_AUDITOR,
  'GET /api/v1/rollout': ADMIN_AUDITOR,

  'GET /api/v1/exceptions': ALL_ROLES,
  'GET /api/v1/exceptions/:id': ALL_ROLES,
  'POST /api/v1/exceptions': OFFICER_ADMIN,
  'POST /api/v1/exceptions/:id/approve': OFFICER_ADMIN,
  'POST /api/v1/exceptions/:id/deny': OFFICER_ADMIN,
  'POST /api/v1/exceptions/:id/revoke': OFFICER_ADMIN,

  'GET /api/v1/alerts': ALL_ROLES,
  'GET /api/v1/alerts/groups': ALL_ROLES,
  'POST /api/v1/alerts/acknowledge': OFFICER_ADMIN,
  'POST /api/v1/alerts/resolve': OFFICER_ADMIN,
  'GET /api/v1/alerts/rules': ALL_ROLES,
  'POST /api/v1/alerts/rules': ADMIN,
  'PATCH /api/v1/alerts/rules/:id': ADMIN,
  'DELETE /api/v1/alerts/rules/:id': ADMIN,
  'GET /api/v1/alerts/destinations': ADMIN_AUDITOR,
  'POST /api/v1/alerts/destinations': ADMIN,
  'PATCH /api/v1/alerts/destinations/:id': ADMIN,
  'DELETE /api/v1/alerts/destinations/:id': ADMIN,
  'POST /api/v1/alerts/destinations/:id/test': ADMIN,
  'GET /api/v1/alerts/delivery-stats': ADMIN_AUDITOR,
  'GET /api/v1/events': ALL_ROLES,
  'GET /api/v1/events/stream': ALL_ROLES,
  'GET /api/v1/reports/events/counts': ALL_ROLES,
  'GET /api/v1/reports/events/top': ALL_ROLES,
  'GET /api/v1/reports/events/week-over-week': ALL_ROLES,
  'GET /api/v1/reports/events/entity': ALL_ROLES,
  'GET /api/v1/reports/content/top': ALL_ROLES,
  'GET /api/v1/triage/events': ALL_ROLES,
  'GET /api/v1/triage/events/count': ALL_ROLES,
  'POST /api/v1/triage/events/bulk': OFFICER_ADMIN,
  'GET /api/v1/triage/events/:agentId/:seq': ALL_ROLES,
  'POST /api/v1/triage/events/:agentId/:seq': OFFICER_ADMIN,
  'GET /api/v1/exports/events.csv': ALL_ROLES,
  'GET /api/v1/report-schedules': ADMIN_AUDITOR,
  'POST /api/v1/report-schedules': ADMIN,
  'PUT /api/v1/report-schedules/:id': ADMIN,
  'DELETE /api/v1/report-schedules/:id': ADMIN,
  'POST /api/v1/report-schedules/:id/run': ADMIN,
  'GET /api/v1/report-schedules/:id/runs': ADMIN_AUDITOR,
};

/**
 * The family of the shared ROUTE_ROLES table each page's main read is authorised by. The web UI's
 * routes.test.ts names the same family for the page showing it, so both sides read one table.
 */
const FAMILY_OF_PAGE_READ: Record<string, RouteFamily> = {
  'GET /api/v1/agents': 'monitoring',
  'GET /api/v1/agents/overview': 'monitoring',
  'GET /api/v1/events': 'monitoring',
  'GET /api/v1/reports/events/counts': 'monitoring',
  'GET /api/v1/exceptions': 'monitoring',
  'GET /api/v1/alerts': 'monitoring',
  'GET /api/v1/policies': 'configurationView',
  'GET /api/v1/groups': 'configurationView',
  'GET /api/v1/groups/names': 'monitoring',
  'GET /api/v1/audit': 'audit',
  'GET /api/v1/users': 'administration',
  'GET /api/v1/settings': 'administration',
  'POST /api/v1/auth/password': 'account',
};

/** Auditors change nothing; these are the only state-changing routes they may call (their own session). */
const AUDITOR_SELF_SERVICE = new Set([
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/password',
  // One's own saved filters of the agent table: nobody else sees them.
  'POST /api/v1/agents/saved-filters',
  'DELETE /api/v1/agents/saved-filters/:id',
]);

/** A well-formed id that names nothing, so allowed callers get 400/404 and change nothing. */
const NO_SUCH_ID = '0190aaaa-0000-7000-8000-000000000000';

interface Caller {
  name: string;
  client: RestClient;
  /** The role it acts in, or why it must be refused with 401. */
  kind: { role: Role; via: 'session' | 'api-token' } | { unauthenticated: string };
}

type Outcome = 401 | 403 | 'allowed';

function expectedOutcome(rule: Rule, caller: Caller): Outcome {
  if (rule.access === 'public') return 'allowed';
  if ('unauthenticated' in caller.kind) return 401;
  if (!rule.access.includes(caller.kind.role)) return 403;
  if ('sessionOnly' in rule && caller.kind.via !== 'session') return 403;
  return 'allowed';
}

/** Calls the route and reports its status, without waiting for a body (the SSE stream never ends). */
async function statusOf(client: RestClient, method: string, path: string): Promise<number> {
  const res = await client.call(method, path.replace(/:id\b/g, NO_SUCH_ID), method === 'GET' ? undefined : {});
  await res.body?.cancel();
  return res.status;
}

describe('route × role access table', () => {
  let t: TestConsole;
  let callers: Caller[];

  beforeAll(async () => {
    t = await startTestConsole();
    const officer = await createTestUser(t, 'officer', 'officer-olga');
    const auditor = await createTestUser(t, 'auditor', 'auditor-ada');
    const leaver = await createTestUser(t, 'admin', 'leaving-admin');
    const agent = await enrollAgent(t.console.agentUrl, await createEnrollSecret(t.admin));
    const tokens = {
      admin: await createTestApiToken(t, 'admin'),
      officer: await createTestApiToken(t, 'officer'),
      auditor: await createTestApiToken(t, 'auditor'),
    };
    // The leaver's browser keeps its cookie (and CSRF token) after the account is disabled.
    const disabled = await t.admin.json('PATCH', `/api/v1/users/${leaver.id}`, { disabled: true });
    if (disabled.status !== 200) throw new Error(`disable: ${disabled.status}`);

    callers = [
      { name: 'anonymous', client: new RestClient(t.console.url), kind: { unauthenticated: 'no credentials' } },
      { name: 'admin', client: t.admin, kind: { role: 'admin', via: 'session' } },
      { name: 'officer', client: officer.client, kind: { role: 'officer', via: 'session' } },
      { name: 'auditor', client: auditor.client, kind: { role: 'auditor', via: 'session' } },
      { name: 'agent token', client: new BearerClient(t.console.url, agent.token), kind: { unauthenticated: 'agent tokens never work on REST' } },
      { name: 'admin API token', client: new BearerClient(t.console.url, tokens.admin), kind: { role: 'admin', via: 'api-token' } },
      { name: 'officer API token', client: new BearerClient(t.console.url, tokens.officer), kind: { role: 'officer', via: 'api-token' } },
      { name: 'auditor API token', client: new BearerClient(t.console.url, tokens.auditor), kind: { role: 'auditor', via: 'api-token' } },
      { name: 'disabled user\'s old session', client: leaver.client, kind: { unauthenticated: 'the account was disabled' } },
    ];
  });
  afterAll(async () => {
    await t.stop();
  });

  it('has exactly one table row per registered route', () => {
    const registered = listRoutes(t.console.httpApp).map((r) => `${r.method} ${r.path}`);
    expect(registered.length).toBeGreaterThan(40);
    const missing = registered.filter((key) => !(key in ACCESS));
    const stale = Object.keys(ACCESS).filter((key) => !registered.includes(key));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('answers 401 without valid credentials, 403 for a wrong role, and lets the right roles through', async () => {
    const routes = listRoutes(t.console.httpApp);
    // Logging out ends the caller's session, so it goes last.
    routes.sort((a, b) => Number(a.path.endsWith('/auth/logout')) - Number(b.path.endsWith('/auth/logout')));
    const mismatches: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const rule = ACCESS[key];
      if (!rule) continue; // reported by the test above
      for (const caller of callers) {
        const expected = expectedOutcome(rule, caller);
        const status = await statusOf(caller.client, route.method, route.path);
        const ok = expected === 'allowed' ? status !== 401 && status !== 403 && status < 500 : status === expected;
        if (!ok) mismatches.push(`${key} as ${caller.name}: expected ${expected}, got ${status}`);
        checked += 1;
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(routes.length * callers.length);
  });

  it('authorises every endpoint with a list of the shared ROUTE_ROLES table (the one the web UI reads)', () => {
    const families = Object.values(ROUTE_ROLES) as readonly unknown[];
    const notFromTable: string[] = [];
    const accessOf = new Map<string, unknown>();
    for (const route of walkRoutes(t.console.httpApp)) {
      const spec = route.handlers.map(endpointSpecOf).find((s) => s !== undefined);
      const key = `${route.method} ${route.path}`;
      if (spec === undefined || spec.access === 'public') continue;
      accessOf.set(key, spec.access);
      // The same array object, not an equal copy: a list written out again in a route could drift.
      if (!families.includes(spec.access)) notFromTable.push(key);
    }
    expect(notFromTable).toEqual([]);
    for (const [key, family] of Object.entries(FAMILY_OF_PAGE_READ)) expect({ key, access: accessOf.get(key) }).toEqual({ key, access: ROUTE_ROLES[family] });
    for (const [key, family] of Object.entries(FAMILY_OF_PAGE_READ)) expect(accessOf.get(key)).toBe(ROUTE_ROLES[family]);
  });

  it('gives officers no policy publishing and auditors no state-changing route at all', () => {
    for (const [key, rule] of Object.entries(ACCESS)) {
      const [method = '', path = ''] = key.split(' ');
      if (rule.access === 'public') continue;
      const changes = method !== 'GET';
      if (changes && !AUDITOR_SELF_SERVICE.has(key)) expect({ key, auditor: rule.access.includes('auditor') }).toEqual({ key, auditor: false });
      if (changes && /\/(policies|drafts|groups)\b/.test(path)) expect({ key, officer: rule.access.includes('officer') }).toEqual({ key, officer: false });
    }
  });
});
