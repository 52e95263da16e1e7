import { uuidv7, type AlertGroupPage, type AlertTriageResult, type AuditEntry, type FiredAlert } from '@dlp/shared';
import type { FiredAlertRecord } from '../store/alert-store';
import type { ConsoleStore } from '../store/store';
import type { TestConsole } from '../testing/test-console';
import { createTestUser, type TestUser } from '../testing/test-users';

const T0 = Date.parse('2026-05-04T08:00:00.000Z');
const MINUTE = 60_000;
/** Single alerts, each 20 minutes apart (longer than the group window): 133 rows, as in the issue. */
export const SINGLE_ALERTS = 133;
/** One burst of agent-offline alerts: one inbox row. */
export const OFFLINE_BURST = 50;

function firedAlert(at: number, overrides: Partial<FiredAlertRecord>): FiredAlertRecord {
  const id = uuidv7(at);
  return {
    id,
    dedupeKey: `seed|${id}`,
    ruleId: 'rule-threshold',
    ruleName: 'Blocked burst',
    kind: 'threshold',
    severity: 'high',
    entityType: 'host',
    entityId: 'agent-x',
    entityLabel: 'ws-x',
    title: '5 blocked events',
    eventCount: 5,
    firedAt: new Date(at).toISOString(),
    state: 'open',
    resolvedAt: null,
    details: { countInWindow: 5, windowMinutes: 10 },
    groupKey: id,
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgeNote: null,
    resolvedBy: null,
    resolveNote: null,
    ...overrides,
  };
}

/** 133 single threshold alerts, then (newest) 50 agent-offline alerts of one burst. */
export async function seedAlerts(store: ConsoleStore): Promise<void> {
  for (let i = 0; i < SINGLE_ALERTS; i += 1) await store.alerts.claimAlert(firedAlert(T0 + i * 20 * MINUTE, { entityLabel: `ws-${i}` }));
  const burstAt = T0 + SINGLE_ALERTS * 20 * MINUTE;
  const leader = uuidv7(burstAt);
  for (let i = 0; i < OFFLINE_BURST; i += 1) {
    const at = burstAt + i * 1000;
    await store.alerts.claimAlert(
      firedAlert(at, {
        ...(i === 0 ? { id: leader } : {}),
        ruleId: 'rule-offline',
        ruleName: 'Agents offline',
        kind: 'agent-offline',
        entityType: 'agent',
        entityId: `agent-${i}`,
        entityLabel: `branch-${String(i).padStart(2, '0')}`,
        details: { lastSeenAt: new Date(burstAt - 30 * MINUTE).toISOString(), afterMinutes: 10 },
        groupKey: leader,
      }),
    );
  }
}

/**
 * The inbox routes against a console whose store was seeded before it started (`start` seeds and
 * starts; `stop` stops and cleans up), run on SQLite and on PostgreSQL.
 */
export function describeAlertInboxRoutes(engine: string, start: () => Promise<TestConsole>, stop: (t: TestConsole) => Promise<void>): void {
  describe(`alerts inbox routes on ${engine}`, () => {
    let t: TestConsole;
    let officer: TestUser;
    let auditor: TestUser;

    beforeAll(async () => {
      t = await start();
      officer = await createTestUser(t, 'officer', 'olga');
      auditor = await createTestUser(t, 'auditor', 'aude');
    });
    afterAll(async () => {
      await stop(t);
    });

    async function groups(query: string): Promise<AlertGroupPage> {
      const res = await officer.client.json<AlertGroupPage>('GET', `/api/v1/alerts/groups?${query}`);
      expect(res.status).toBe(200);
      return res.body;
    }

    it('pages through every group and every alert, with totals; the offline burst is one row with its 50 agents', async () => {
      const first = await groups('limit=100');
      expect(first.items).toHaveLength(100);
      expect(first.total).toEqual({ alerts: SINGLE_ALERTS + OFFLINE_BURST, groups: SINGLE_ALERTS + 1, exact: true });
      const burst = first.items[0];
      expect(burst).toMatchObject({ kind: 'agent-offline', count: OFFLINE_BURST, ruleName: 'Agents offline' });
      expect(burst?.alerts.map((a) => a.entity.label)).toEqual(Array.from({ length: OFFLINE_BURST }, (_, i) => `branch-${String(OFFLINE_BURST - 1 - i).padStart(2, '0')}`));
      expect(first.nextCursor).not.toBeNull();
      const second = await groups(`limit=100&cursor=${first.nextCursor ?? ''}`);
      expect(second.items).toHaveLength(SINGLE_ALERTS + 1 - 100);
      expect(second.nextCursor).toBeNull();
      const seen = new Set([...first.items, ...second.items].flatMap((g) => g.alerts.map((a) => a.id)));
      expect(seen.size).toBe(SINGLE_ALERTS + OFFLINE_BURST);

      // The flat list pages through all of them too.
      const flat1 = await officer.client.json<{ items: FiredAlert[]; nextCursor: string | null }>('GET', '/api/v1/alerts?limit=100');
      const flat2 = await officer.client.json<{ items: FiredAlert[]; nextCursor: string | null }>('GET', `/api/v1/alerts?limit=100&cursor=${flat1.body.nextCursor ?? ''}`);
      expect(flat1.body.items.length + flat2.body.items.length).toBe(SINGLE_ALERTS + OFFLINE_BURST);
      expect(flat2.body.nextCursor).toBeNull();
    });

    it('acknowledges a whole group and resolves one alert with notes, shown on the alerts and audited', async () => {
      const burst = (await groups('limit=1')).items[0];
      const ids = burst?.alerts.map((a) => a.id) ?? [];
      const acked = await officer.client.json<AlertTriageResult>('POST', '/api/v1/alerts/acknowledge', { ids, note: '  branch uplink down, ticket 4411  ' });
      expect(acked.status).toBe(200);
      expect(acked.body.unchanged).toEqual([]);
      expect(acked.body.items.every((a) => a.state === 'acknowledged' && a.acknowledged?.by === 'olga' && a.acknowledged.note === 'branch uplink down, ticket 4411')).toBe(true);

      // Again: nothing changes, every id is reported unchanged.
      const again = await t.admin.json<AlertTriageResult>('POST', '/api/v1/alerts/acknowledge', { ids: ids.slice(0, 2), note: 'me too' });
      expect(again.body.unchanged).toEqual(ids.slice(0, 2));
      expect(again.body.items[0]?.acknowledged?.by).toBe('olga');

      const resolved = await t.admin.json<AlertTriageResult>('POST', '/api/v1/alerts/resolve', { ids: [ids[0]], note: 'switch replaced' });
      expect(resolved.status).toBe(200);
      expect(resolved.body.items[0]).toMatchObject({ state: 'resolved', resolvedBy: 'admin', resolveNote: 'switch replaced', acknowledged: { by: 'olga' } });

      expect((await groups('state=acknowledged')).total).toEqual({ alerts: OFFLINE_BURST - 1, groups: 1, exact: true });
      expect((await groups('state=resolved')).items.map((g) => g.alerts.map((a) => a.id))).toEqual([[ids[0]]]);
      expect((await groups('state=open')).total.alerts).toBe(SINGLE_ALERTS);

      const audit = await t.admin.json<{ items: AuditEntry[] }>('GET', '/api/v1/audit?action=alert.&limit=200');
      const acks = audit.body.items.filter((e) => e.action === 'alert.acknowledge');
      expect(acks).toHaveLength(OFFLINE_BURST);
      expect(acks[0]).toMatchObject({ actor: { username: 'olga' }, target: { type: 'alert' }, after: { state: 'acknowledged', note: 'branch uplink down, ticket 4411' } });
      expect(audit.body.items.filter((e) => e.action === 'alert.resolve')).toEqual([expect.objectContaining({ target: { type: 'alert', id: ids[0] }, after: { state: 'resolved', note: 'switch replaced' } })]);
    });

    it('refuses auditors (403) and bad input (400, or 404 for an unknown alert, changing nothing)', async () => {
      const someId = (await groups('limit=1&state=open')).items[0]?.alerts[0]?.id ?? '';
      for (const route of ['acknowledge', 'resolve']) {
        expect((await auditor.client.json('POST', `/api/v1/alerts/${route}`, { ids: [someId], note: 'x' })).status).toBe(403);
      }
      const bad: unknown[] = [{ ids: [] }, { ids: [someId, someId] }, { ids: [someId], note: 'n'.repeat(1001) }, { ids: ['../etc'] }, { ids: [someId], extra: 1 }, { note: 'x' }];
      for (const body of bad) expect((await officer.client.json('POST', '/api/v1/alerts/acknowledge', body)).status).toBe(400);
      const unknown = await officer.client.json<{ error: string }>('POST', '/api/v1/alerts/resolve', { ids: [someId, uuidv7()], note: '' });
      expect(unknown.status).toBe(404);
      expect((await officer.client.json<{ items: FiredAlert[] }>('GET', `/api/v1/alerts?state=open&limit=1000`)).body.items.map((a) => a.id)).toContain(someId);
      for (const query of ['state=closed', 'cursor=%2F%2F', 'limit=0', 'kind=nope']) {
        expect((await officer.client.json('GET', `/api/v1/alerts/groups?${query}`)).status).toBe(400);
      }
      expect((await auditor.client.json('GET', '/api/v1/alerts/groups?limit=5')).status).toBe(200);
    });
  });
}
