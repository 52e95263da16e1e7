import { agentResponse, PROTOCOL_VERSION, type CapabilityReport, type PolicySummary } from '@dlp/shared';
import { canonicalHash } from '@dlp/shared/node';
import { AgentPeer, enrollAgent, TEST_AGENT_INFO } from '../testing/agent-peer';
import { createEnrollSecret, type TestConsole } from '../testing/test-console';
import { createTestUser } from '../testing/test-users';
import { waitFor } from '../testing/wait-for';

/** A Linux host with pre-exec app control, its residual limits and a note: what the host page shows. */
export const HOST_CAPABILITIES: CapabilityReport = {
  apps: { method: 'fanotify', preExec: true, failMode: 'closed', helper: { running: true, restarts: 1, timeouts: 0, cacheHitRate: 0.9 } },
  usb: { method: 'sysfs-authorized', mountGuard: true },
  screen: { captureToolBlocking: true, windowCaptureExclusion: false },
  notes: ['exec helper restarted once'],
  residuals: [{ id: 'anonymous-exec-memory', closedBy: 'memfdNoexec', state: 'open' }],
};

/**
 * GET /api/v1/agents/:id, the host page's source, run against one database engine: the agent with
 * its group, the serial its group expects, the refused receipt with its error and hash, and the
 * capability report; every role reads it; a bad id is 400 and an unknown one 404.
 */
export function describeAgentReadRoute(engine: string, start: () => Promise<TestConsole>, stop: (t: TestConsole) => Promise<void>): void {
  describe(`GET /api/v1/agents/:id (${engine})`, () => {
    let t: TestConsole;
    const peers: AgentPeer[] = [];
    beforeEach(async () => {
      t = await start();
    });
    afterEach(async () => {
      for (const peer of peers.splice(0)) peer.close();
      await stop(t);
    });

    it('shows the agent with its group, the expected serial and the rejected receipt with its error', async () => {
      const policy = await t.admin.json<{ policy: PolicySummary }>('POST', '/api/v1/policies', { document: { schema: 'dlp.policy/v1', name: 'Floor', mode: 'enforce' } });
      expect(policy.status).toBe(201);
      expect((await t.admin.json('PATCH', '/api/v1/groups/default', { policyId: policy.body.policy.id })).status).toBe(200);
      const creds = await enrollAgent(t.console.agentUrl, await createEnrollSecret(t.admin));
      const peer = await AgentPeer.connect(t.console.agentUrl);
      peers.push(peer);
      peer.send({ v: PROTOCOL_VERSION, type: 'hello', agentId: creds.agentId, token: creds.token, agent: TEST_AGENT_INFO, policySerial: null, capabilities: HOST_CAPABILITIES });
      await peer.next('welcome');
      const pushed = await peer.next('policy');
      const hash = canonicalHash(pushed.policy.bundle);
      peer.send({ v: PROTOCOL_VERSION, type: 'policy-receipt', serial: pushed.policy.bundle.serial, hash, status: 'rejected', error: 'signature does not verify' });

      const shown = await waitFor('the receipt', async () => {
        const res = await t.admin.json('GET', `/api/v1/agents/${creds.agentId}`);
        expect(res.status).toBe(200);
        const { agent } = agentResponse.parse(res.body);
        return agent.lastPolicyReceipt ? agent : undefined;
      });
      expect(shown).toMatchObject({
        id: creds.agentId,
        info: TEST_AGENT_INFO,
        online: true,
        revoked: false,
        policySerial: null,
        group: { id: 'default', name: 'default' },
        expectedPolicySerial: pushed.policy.bundle.serial,
        policyInSync: false,
        capabilities: HOST_CAPABILITIES,
        lastPolicyReceipt: { serial: pushed.policy.bundle.serial, hash, status: 'rejected', error: 'signature does not verify', receivedAt: expect.any(String) },
      });
    });

    it('answers every role, 404 for an unknown agent and 400 for a malformed id', async () => {
      const creds = await enrollAgent(t.console.agentUrl, await createEnrollSecret(t.admin));
      for (const role of ['officer', 'auditor'] as const) {
        const user = await createTestUser(t, role);
        const res = await user.client.json('GET', `/api/v1/agents/${creds.agentId}`);
        expect({ role, status: res.status, id: agentResponse.parse(res.body).agent.id }).toEqual({ role, status: 200, id: creds.agentId });
      }
      const unknown = '01900000-0000-7000-8000-000000000000';
      expect(await t.admin.json('GET', `/api/v1/agents/${unknown}`)).toMatchObject({ status: 404, body: { ok: false, error: 'not_found' } });
      expect(await t.admin.json('GET', `/api/v1/agents/${'a'.repeat(65)}`)).toMatchObject({ status: 400, body: { ok: false, error: 'invalid_request', issues: [{ path: 'id' }] } });
      expect(await t.admin.json('GET', '/api/v1/agents/not%20an%20id')).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    });
  });
}
