import { PROTOCOL_VERSION, type AgentSummary, type EffectivePolicyResponse, type GroupRollout, type GroupSummary, type PolicySummary } from '@dlp/shared';
import { canonicalHash } from '@dlp/shared/node';
import { AgentPeer, enrollAgent, helloAgent, TEST_AGENT_INFO } from '../testing/agent-peer';
import { startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestUser } from '../testing/test-users';
import { waitFor } from '../testing/wait-for';

const doc = (name: string) => ({ schema: 'dlp.policy/v1', name, mode: 'enforce', apps: { rules: [{ id: `no-nc-${name.length}`, action: 'block', kind: 'name', value: 'nc' }] } });

describe('groups, agent placement and rollout', () => {
  let t: TestConsole;
  const peers: AgentPeer[] = [];
  beforeEach(async () => {
    t = await startTestConsole();
  });
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await t.stop();
  });

  async function createGroup(name: string, policyId?: string): Promise<GroupSummary> {
    const res = await t.admin.json<{ group: GroupSummary }>('POST', '/api/v1/groups', policyId ? { name, policyId } : { name });
    expect(res.status).toBe(201);
    return res.body.group;
  }
  async function createPolicy(name: string): Promise<PolicySummary> {
    const res = await t.admin.json<{ policy: PolicySummary }>('POST', '/api/v1/policies', { document: doc(name) });
    expect(res.status).toBe(201);
    return res.body.policy;
  }
  async function secretFor(groupId: string): Promise<string> {
    const res = await t.admin.json<{ secret: string; groupId: string }>('POST', '/api/v1/enroll-secrets', { label: `for ${groupId}`, groupId });
    expect(res).toMatchObject({ status: 201, body: { groupId } });
    return res.body.secret;
  }
  async function agent(id: string): Promise<AgentSummary> {
    return (await t.admin.json<{ agent: AgentSummary }>('GET', `/api/v1/agents/${id}`)).body.agent;
  }

  it('enrolls agents into their secret’s group and protects the built-in and non-empty groups', async () => {
    const finance = await createGroup('Finance');
    expect(finance).toEqual({ id: expect.any(String), name: 'Finance', policyId: null, builtIn: false, agentCount: 0 });
    expect(await t.admin.json('POST', '/api/v1/groups', { name: 'Finance' })).toMatchObject({ status: 409, body: { error: 'group_exists' } });
    // Names differing only in case would read as one group in every list.
    expect(await t.admin.json('POST', '/api/v1/groups', { name: 'DEFAULT' })).toMatchObject({ status: 409, body: { error: 'group_exists', message: expect.stringContaining('"default"') } });
    expect(await t.admin.json('POST', '/api/v1/groups', { name: 'finance' })).toMatchObject({ status: 409, body: { error: 'group_exists' } });
    expect(await t.admin.json('POST', '/api/v1/enroll-secrets', { label: 'x', groupId: 'nope' })).toMatchObject({ status: 404, body: { error: 'not_found' } });

    const enrolled = await enrollAgent(t.console.agentUrl, await secretFor(finance.id));
    expect((await agent(enrolled.agentId)).group).toEqual({ id: finance.id, name: 'Finance' });
    expect((await t.admin.json<{ items: GroupSummary[] }>('GET', '/api/v1/groups')).body.items.find((g) => g.id === finance.id)?.agentCount).toBe(1);

    expect(await t.admin.json('PATCH', '/api/v1/groups/default', { name: 'renamed' })).toMatchObject({ status: 409, body: { error: 'built_in_group' } });
    expect(await t.admin.json('DELETE', '/api/v1/groups/default')).toMatchObject({ status: 409, body: { error: 'built_in_group' } });
    expect(await t.admin.json('DELETE', `/api/v1/groups/${finance.id}`)).toMatchObject({ status: 409, body: { error: 'group_not_empty' } });
    expect(await t.admin.json('PATCH', `/api/v1/groups/${finance.id}`, { name: 'FINANCE' })).toMatchObject({ status: 200, body: { group: { name: 'FINANCE' } } });
    expect(await t.admin.json('PATCH', `/api/v1/groups/${finance.id}`, { name: 'Default' })).toMatchObject({ status: 409, body: { error: 'group_exists' } });
    expect(await t.admin.json('PATCH', `/api/v1/groups/${finance.id}`, { name: 'Finance EU' })).toMatchObject({ status: 200, body: { group: { name: 'Finance EU', agentCount: 1 } } });

    const temp = await createGroup('Temp');
    expect((await t.admin.json('DELETE', `/api/v1/groups/${temp.id}`)).status).toBe(204);
    expect((await t.admin.json<{ items: GroupSummary[] }>('GET', '/api/v1/groups')).body.items.map((g) => g.name)).toEqual(['default', 'Finance EU']);

    expect(await t.admin.json('POST', '/api/v1/groups', { name: '' })).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ path: 'name' })] } });
    expect(await t.admin.json('PATCH', `/api/v1/groups/${finance.id}`, {})).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect((await t.admin.json('PATCH', '/api/v1/groups/unknown-group', { name: 'x' })).status).toBe(404);
  });

  it('pushes the new group’s policy at once when an agent moves, re-signed above the serial it holds', async () => {
    const older = await createPolicy('Older');
    const group = await createGroup('Kiosks', older.id);
    const newer = await createPolicy('Newer');
    expect((await t.admin.json('PUT', '/api/v1/groups/default/policy', { policyId: newer.id })).status).toBe(200);

    const creds = await enrollAgent(t.console.agentUrl, await secretFor('default'));
    const peer = await helloAgent(t.console.agentUrl, creds);
    peers.push(peer);
    const first = await peer.next('policy');
    expect(first.policy.bundle).toMatchObject({ policyId: newer.id, serial: newer.serial });
    peer.send({ v: PROTOCOL_VERSION, type: 'policy-receipt', serial: newer.serial, hash: canonicalHash(first.policy.bundle), status: 'applied' });
    await waitFor('receipt', async () => (await agent(creds.agentId)).policySerial === newer.serial);

    const moved = await t.admin.json<{ agent: AgentSummary }>('PUT', `/api/v1/agents/${creds.agentId}/group`, { groupId: group.id });
    expect(moved).toMatchObject({ status: 200, body: { agent: { group: { id: group.id, name: 'Kiosks' }, policyInSync: false } } });
    // Older's version 1 has serial 2, below the 3 the agent holds: it arrives re-signed as version 2.
    const pushed = await peer.next('policy', 1);
    expect(pushed.policy.bundle).toMatchObject({ policyId: older.id, version: 2 });
    expect(pushed.policy.bundle.serial).toBeGreaterThan(newer.serial);

    const effective = await t.admin.json<EffectivePolicyResponse>('GET', `/api/v1/agents/${creds.agentId}/effective-policy`);
    expect(effective.body).toMatchObject({
      group: { id: group.id, name: 'Kiosks' },
      policy: { id: older.id, name: 'Older', version: 2, serial: pushed.policy.bundle.serial },
      source: `group "Kiosks" → policy "Older" v2 (serial ${pushed.policy.bundle.serial})`,
      appliedSerial: newer.serial,
      inSync: false,
    });
    peer.send({ v: PROTOCOL_VERSION, type: 'policy-receipt', serial: pushed.policy.bundle.serial, hash: canonicalHash(pushed.policy.bundle), status: 'applied' });
    await waitFor('in sync', async () => (await t.admin.json<EffectivePolicyResponse>('GET', `/api/v1/agents/${creds.agentId}/effective-policy`)).body.inSync);

    const audit = await t.admin.json<{ items: Array<{ action: string; actor: unknown; target: unknown; before: unknown; after: unknown }> }>('GET', '/api/v1/audit?action=agent.move');
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ username: 'admin', role: 'admin' }),
        target: { type: 'agent', id: creds.agentId },
        before: { groupId: 'default' },
        after: { groupId: group.id, policySerial: pushed.policy.bundle.serial },
      }),
    ]);
    expect((await t.admin.json('PUT', `/api/v1/agents/${creds.agentId}/group`, { groupId: 'nope' })).status).toBe(404);
  });

  it('shows rollout per group (applied, failed with errors, pending, offline) and filters the inventory', async () => {
    const policy = await createPolicy('Rollout');
    const group = await createGroup('Floor 3', policy.id);
    const secret = await secretFor(group.id);
    const hosts = ['ws-roll-applied', 'ws-roll-failed', 'ws-roll-pending', 'ws-roll-offline'];
    const creds = [];
    for (const hostname of hosts) creds.push(await enrollAgent(t.console.agentUrl, secret, { ...TEST_AGENT_INFO, hostname, user: hostname === 'ws-roll-failed' ? 'bob' : 'alice' }));
    for (const [index, c] of creds.slice(0, 3).entries()) {
      const peer = await helloAgent(t.console.agentUrl, c, null, { ...TEST_AGENT_INFO, hostname: hosts[index] ?? '', user: index === 1 ? 'bob' : 'alice' });
      peers.push(peer);
      const pushed = await peer.next('policy');
      const hash = canonicalHash(pushed.policy.bundle);
      if (index === 0) peer.send({ v: PROTOCOL_VERSION, type: 'policy-receipt', serial: policy.serial, hash, status: 'applied' });
      if (index === 1) peer.send({ v: PROTOCOL_VERSION, type: 'policy-receipt', serial: policy.serial, hash, status: 'rejected', error: 'fanotify helper missing' });
    }
    const rollout = await waitFor('receipts', async () => {
      const res = await t.admin.json<{ rollout: GroupRollout }>('GET', `/api/v1/groups/${group.id}/rollout`);
      return res.body.rollout.applied === 1 && res.body.rollout.failed === 1 ? res.body.rollout : undefined;
    });
    expect(rollout).toEqual({
      groupId: group.id,
      groupName: 'Floor 3',
      policyId: policy.id,
      policyName: 'Rollout',
      version: 1,
      serial: policy.serial,
      total: 4,
      applied: 1,
      pending: 1,
      failed: 1,
      offline: 1,
      failedAgents: [{ agentId: creds[1]?.agentId, hostname: 'ws-roll-failed', serial: policy.serial, error: 'fanotify helper missing', receivedAt: expect.any(String) }],
    });
    const all = await t.admin.json<{ items: GroupRollout[] }>('GET', '/api/v1/rollout');
    expect(all.body.items.map((r) => [r.groupName, r.total])).toEqual([
      ['default', 0],
      ['Floor 3', 4],
    ]);

    const list = async (query: string) => (await t.admin.json<{ items: AgentSummary[] }>('GET', `/api/v1/agents?${query}`)).body.items.map((a) => a.info.hostname);
    expect(await list(`groupId=${group.id}`)).toEqual(hosts);
    expect(await list(`groupId=${group.id}&online=true`)).toEqual(hosts.slice(0, 3));
    expect(await list('search=ROLL-F')).toEqual(['ws-roll-failed']);
    expect(await list('search=bob')).toEqual(['ws-roll-failed']);
    expect(await list('search=%25')).toEqual([]);
    const applied = (await t.admin.json<{ agent: AgentSummary }>('GET', `/api/v1/agents/${creds[0]?.agentId}`)).body.agent;
    expect(applied).toMatchObject({ group: { id: group.id, name: 'Floor 3' }, expectedPolicySerial: policy.serial, policySerial: policy.serial, policyInSync: true });
    expect((await t.admin.json('GET', '/api/v1/agents?groupId=bad%20id')).status).toBe(400);
  });

  it('lets auditors read groups and rollout, and keeps officers and auditors from changing them', async () => {
    const officer = await createTestUser(t, 'officer');
    const auditor = await createTestUser(t, 'auditor');
    expect((await auditor.client.json('GET', '/api/v1/groups')).status).toBe(200);
    expect((await auditor.client.json('GET', '/api/v1/rollout')).status).toBe(200);
    expect((await officer.client.json('GET', '/api/v1/groups')).status).toBe(403);
    // Names only, for the search's group filter: every role.
    for (const client of [officer.client, auditor.client, t.admin]) {
      const names = await client.json<{ items: { id: string; name: string }[] }>('GET', '/api/v1/groups/names');
      expect(names.status).toBe(200);
      expect(names.body.items).toEqual([{ id: 'default', name: expect.any(String) }]);
    }
    for (const client of [officer.client, auditor.client]) {
      expect((await client.json('POST', '/api/v1/groups', { name: 'x' })).status).toBe(403);
      expect((await client.json('PATCH', '/api/v1/groups/default', { name: 'x' })).status).toBe(403);
    }
    expect((await t.admin.json<{ items: GroupSummary[] }>('GET', '/api/v1/groups')).body.items).toHaveLength(1);
  });
});
