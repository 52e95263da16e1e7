import { agentScan, agentScanList, PROTOCOL_VERSION, type ScanProgress } from '@dlp/shared';
import type { AgentPeer } from '../testing/agent-peer';
import { connectTestAgent, createEnrollSecret, type TestConsole } from '../testing/test-console';
import { enrollAgent } from '../testing/agent-peer';
import { createTestUser } from '../testing/test-users';
import { waitFor } from '../testing/wait-for';

const progress = (over: Partial<ScanProgress> = {}): ScanProgress => ({
  phase: 'scanning',
  filesFound: 40,
  filesDone: 12,
  bytesFound: 4_000_000,
  bytesDone: 1_200_000,
  filesFlagged: 1,
  filesBelowThreshold: 2,
  filesUnreadable: 0,
  skipped: { symlinks: 1, denied: 2, special: 0, excluded: 0 },
  fileLimitReached: false,
  ...over,
});

/**
 * POST and GET /api/v1/agents/:id/scans against one database engine, with a simulated agent on the
 * real gateway: an officer's request reaches the agent and is audited, the agent's reports become
 * the scan's state, and bad requests, unknown, offline and revoked agents are refused.
 */
export function describeAgentScanRoutes(engine: string, start: () => Promise<TestConsole>, stop: (t: TestConsole) => Promise<void>): void {
  describe(`/api/v1/agents/:id/scans (${engine})`, () => {
    let t: TestConsole;
    const peers: AgentPeer[] = [];
    beforeEach(async () => {
      t = await start();
    });
    afterEach(async () => {
      for (const peer of peers.splice(0)) peer.close();
      await stop(t);
    });

    it('sends an officer’s request to the agent, audits it, and shows the state the agent reports', async () => {
      const { creds, peer } = await connectTestAgent(t);
      peers.push(peer);
      const officer = await createTestUser(t, 'officer', 'officer-olga');
      const asked = await officer.client.json('POST', `/api/v1/agents/${creds.agentId}/scans`, { path: '/srv/客户/exports' });
      expect(asked.status).toBe(202);
      const scan = agentScan.parse((asked.body as { scan: unknown }).scan);
      expect(scan).toMatchObject({ agentId: creds.agentId, path: '/srv/客户/exports', requestedBy: 'officer-olga', state: 'requested', progress: null });

      const request = await peer.next('scan-request');
      expect(request).toEqual({ v: PROTOCOL_VERSION, type: 'scan-request', scanId: scan.id, path: '/srv/客户/exports', requestedBy: 'officer-olga' });
      // One console scan per agent at a time.
      expect(await officer.client.json('POST', `/api/v1/agents/${creds.agentId}/scans`, { path: '/tmp' })).toMatchObject({ status: 409, body: { error: 'scan_running' } });

      const list = async () => agentScanList.parse((await t.admin.json('GET', `/api/v1/agents/${creds.agentId}/scans`)).body).items;
      const at = new Date().toISOString();
      peer.send({ v: PROTOCOL_VERSION, type: 'scan-status', scanId: scan.id, path: scan.path, state: 'running', progress: progress(), at });
      await waitFor('the running state', async () => ((await list())[0]?.state === 'running' ? true : undefined));
      peer.send({ v: PROTOCOL_VERSION, type: 'scan-status', scanId: scan.id, path: scan.path, state: 'done', progress: progress({ phase: 'finished', filesDone: 40, bytesDone: 4_000_000 }), at });
      const done = await waitFor('the done state', async () => {
        const [first] = await list();
        return first?.state === 'done' ? first : undefined;
      });
      expect(done).toMatchObject({ id: scan.id, requestedBy: 'officer-olga', progress: { filesDone: 40, filesFlagged: 1, skipped: { denied: 2 } } });
      // A report that arrives late (sent before the end) does not reopen it.
      peer.send({ v: PROTOCOL_VERSION, type: 'scan-status', scanId: scan.id, path: scan.path, state: 'running', progress: progress(), at });
      peer.send({ v: PROTOCOL_VERSION, type: 'heartbeat', sentAt: at });
      await peer.next('heartbeat');
      expect((await list())[0]).toMatchObject({ state: 'done' });

      const audit = await t.admin.json<{ items: Array<{ action: string; target: unknown; after: unknown }> }>('GET', `/api/v1/audit?action=agent.scan&targetId=${creds.agentId}`);
      expect(audit.body.items).toEqual([expect.objectContaining({ action: 'agent.scan', target: { type: 'agent', id: creds.agentId }, after: expect.objectContaining({ scanId: scan.id, path: '/srv/客户/exports' }) })]);
      // Every role reads the state; an auditor cannot ask for a scan.
      const auditor = await createTestUser(t, 'auditor', 'auditor-ada');
      expect((await auditor.client.json('GET', `/api/v1/agents/${creds.agentId}/scans`)).status).toBe(200);
      expect((await auditor.client.json('POST', `/api/v1/agents/${creds.agentId}/scans`, { path: '/srv' })).status).toBe(403);
    });

    it('refuses bad paths, unknown, offline and revoked agents, and never sends them anything', async () => {
      const { creds, peer } = await connectTestAgent(t);
      peers.push(peer);
      const url = `/api/v1/agents/${creds.agentId}/scans`;
      for (const path of ['srv/relative', '/srv/a\u0007b', `/${'x'.repeat(1024)}`, '']) {
        expect({ path: path.slice(0, 20), ...(await t.admin.json('POST', url, { path })) }).toMatchObject({ status: 400, body: { error: 'invalid_request', issues: expect.arrayContaining([expect.objectContaining({ path: 'path' })]) } });
      }
      expect(await t.admin.json('POST', url, { path: '/srv', extra: 1 })).toMatchObject({ status: 400 });
      expect(await t.admin.json('POST', '/api/v1/agents/01900000-0000-7000-8000-000000000000/scans', { path: '/srv' })).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect(await t.admin.json('GET', '/api/v1/agents/01900000-0000-7000-8000-000000000000/scans')).toMatchObject({ status: 404 });

      const offline = await enrollAgent(t.console.agentUrl, await createEnrollSecret(t.admin, 'offline'));
      expect(await t.admin.json('POST', `/api/v1/agents/${offline.agentId}/scans`, { path: '/srv' })).toMatchObject({ status: 409, body: { error: 'agent_offline' } });

      expect((await t.admin.json('POST', `/api/v1/agents/${creds.agentId}/revoke`)).status).toBe(200);
      expect(await t.admin.json('POST', url, { path: '/srv' })).toMatchObject({ status: 409, body: { error: 'agent_revoked' } });
      expect(peer.received.filter((m) => m.type === 'scan-request')).toEqual([]);
      expect(agentScanList.parse((await t.admin.json('GET', url)).body).items).toEqual([]);
    });
  });
}
