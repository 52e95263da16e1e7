import { CLOSE_CODES, PROTOCOL_VERSION, sampleEvent, type AuditEntry, type Page, type StoredEvent } from '@dlp/shared';
import path from 'node:path';
import { AuditService } from './audit-service';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import { AgentPeer } from '../testing/agent-peer';
import { RestClient } from '../testing/rest-client';
import { connectTestAgent, startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestUser, type TestUser } from '../testing/test-users';

describe('audit log over REST', () => {
  let t: TestConsole;
  let auditor: TestUser;
  beforeEach(async () => {
    t = await startTestConsole();
    auditor = await createTestUser(t, 'auditor', 'aud');
  });
  afterEach(async () => {
    await t.stop();
  });

  it('records who did what, in which role, from where, with before and after', async () => {
    expect((await t.admin.json('PUT', '/api/v1/settings', { passwordMaxAgeDays: 60 })).status).toBe(200);
    const page = await auditor.client.json<Page<AuditEntry>>('GET', '/api/v1/audit?action=settings.update');
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([
      {
        id: expect.any(Number),
        at: expect.any(String),
        actor: { kind: 'user', id: expect.any(String), username: 'admin', role: 'admin' },
        action: 'settings.update',
        target: { type: 'settings', id: 'console' },
        before: { passwordMaxAgeDays: null },
        after: { passwordMaxAgeDays: 60 },
        sourceIp: expect.stringMatching(/127\.0\.0\.1/),
        prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(Math.abs(Date.parse(page.body.items[0]?.at ?? '') - Date.now())).toBeLessThan(60_000);
  });

  it('lets admins and auditors read and verify it, not officers; nobody can change it', async () => {
    const officer = await createTestUser(t, 'officer', 'offi');
    expect((await officer.client.json('GET', '/api/v1/audit')).status).toBe(403);
    expect((await officer.client.json('GET', '/api/v1/audit/verify')).status).toBe(403);
    expect((await officer.client.json('GET', '/api/v1/audit/export.csv')).status).toBe(403);
    expect(await auditor.client.json('GET', '/api/v1/audit/verify')).toMatchObject({ status: 200, body: { ok: true, rows: expect.any(Number) } });
    expect((await t.admin.json('GET', '/api/v1/audit')).status).toBe(200);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const route of ['/api/v1/audit', '/api/v1/audit/1']) {
        expect({ method, route, status: (await t.admin.json(method, route, {})).status }).toEqual({ method, route, status: 404 });
      }
    }
  });

  it('pages newest first with a cursor and filters by actor and target', async () => {
    for (let i = 0; i < 5; i++) await t.admin.json('POST', '/api/v1/enroll-secrets', { label: `floor ${i}` });
    const first = await auditor.client.json<Page<AuditEntry>>('GET', '/api/v1/audit?action=enroll_secret.create&limit=3');
    expect(first.body.items.map((e) => e.after)).toEqual([{ label: 'floor 4' }, { label: 'floor 3' }, { label: 'floor 2' }].map(expect.objectContaining));
    const next = await auditor.client.json<Page<AuditEntry>>('GET', `/api/v1/audit?action=enroll_secret.create&limit=3&cursor=${first.body.nextCursor ?? ''}`);
    expect(next.body.items.map((e) => (e.after as { label: string }).label)).toEqual(['floor 1', 'floor 0']);
    expect(next.body.nextCursor).toBeNull();

    const byActor = await auditor.client.json<Page<AuditEntry>>('GET', '/api/v1/audit?actor=aud');
    expect(byActor.body.items.map((e) => e.action)).toEqual(['auth.login']);
    const target = first.body.items[0]?.target;
    const byTarget = await auditor.client.json<Page<AuditEntry>>('GET', `/api/v1/audit?targetType=enroll_secret&targetId=${target?.id ?? ''}`);
    expect(byTarget.body.items).toHaveLength(1);
    expect(await auditor.client.json('GET', '/api/v1/audit?from=yesterday&limit=0&bogus=1')).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', issues: expect.arrayContaining([expect.objectContaining({ path: 'from' }), expect.objectContaining({ path: 'limit' })]) },
    });
  });

  it('streams a CSV export with a BOM, across many pages of rows', async () => {
    // More rows than one export page (500), appended through a second connection as the CLI would.
    const store = await openSqliteStore({ path: path.join(t.dataDir, 'console.sqlite'), synchronous: 'NORMAL' });
    try {
      const audit = new AuditService(store);
      for (let i = 0; i < 1100; i++) await audit.record({ actor: { system: 'bulk' }, action: 'test.bulk', target: { type: 'row', id: `r${i}` }, sourceIp: null });
    } finally {
      await store.close();
    }
    await new RestClient(t.console.url).login('=cmd|\' /C calc\'!A0', 'x');

    const res = await fetch(`${t.console.url}/api/v1/audit/export.csv`, { headers: { cookie: auditor.client.cookie ?? '' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(/^id,at,actor_kind,/);
    const bulk = lines.filter((l) => l.includes(',test.bulk,'));
    expect(bulk).toHaveLength(1100);
    expect(bulk.map((l) => Number(l.split(',')[0]))).toEqual([...bulk.keys()].map((i) => Number(bulk[0]?.split(',')[0]) + i));
    // A formula-looking user name is exported as text.
    expect(lines.at(-2)).toMatch(/,auth\.login_failed,username,'=cmd\|' \/C calc'!A0,/);
    // The export itself is on record, last.
    expect(lines.at(-1)).toMatch(/^\d+,[^,]+,user,[^,]+,aud,auditor,,audit\.export,,,/);

    const filtered = await fetch(`${t.console.url}/api/v1/audit/export.csv?action=auth.login_failed`, { headers: { cookie: auditor.client.cookie ?? '' } });
    expect((await filtered.text()).split('\r\n').filter((l) => l !== '')).toHaveLength(2);
  });
});

describe('DELETE /agents/:id', () => {
  let t: TestConsole;
  const peers: AgentPeer[] = [];
  beforeEach(async () => {
    t = await startTestConsole();
  });
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await t.stop();
  });

  it('disconnects the agent, refuses it afterwards, removes the record and keeps its events', async () => {
    const { creds, peer } = await connectTestAgent(t);
    peers.push(peer);
    await peer.sendEvents([sampleEvent({ seq: 1 }), sampleEvent({ seq: 2 })]);

    const officer = await createTestUser(t, 'officer', 'olive');
    expect((await officer.client.json('DELETE', `/api/v1/agents/${creds.agentId}`)).status).toBe(403);
    expect((await t.admin.json('DELETE', `/api/v1/agents/${creds.agentId}`)).status).toBe(204);
    expect(await peer.closeCode()).toBe(CLOSE_CODES.revoked);

    expect((await t.admin.json('GET', `/api/v1/agents/${creds.agentId}`)).status).toBe(404);
    expect((await t.admin.json('DELETE', `/api/v1/agents/${creds.agentId}`)).status).toBe(404);
    const events = await t.admin.json<Page<StoredEvent>>('GET', `/api/v1/events?agentId=${creds.agentId}`);
    expect(events.body.items.map((e) => e.seq).sort()).toEqual([1, 2]);

    const again = await AgentPeer.connect(t.console.agentUrl);
    peers.push(again);
    again.send({ v: PROTOCOL_VERSION, type: 'hello', agentId: creds.agentId, token: creds.token, agent: { hostname: 'ws-test-01', os: 'linux', osVersion: 'Debian 12', agentVersion: '0.1.0', user: 'alice' }, policySerial: null });
    expect(await again.closeCode()).toBe(CLOSE_CODES.unauthorized);

    const audit = await t.admin.json<Page<AuditEntry>>('GET', `/api/v1/audit?action=agent.delete&targetId=${creds.agentId}`);
    expect(audit.body.items).toEqual([expect.objectContaining({ actor: expect.objectContaining({ username: 'admin' }), before: expect.objectContaining({ hostname: 'ws-test-01' }) })]);
  });
});
