import { type DraftDetail, type PolicyDetail, type PolicyDiff, type PolicySummary, type PublishResponse } from '@dlp/shared';
import { verifySignedPolicy } from '@dlp/shared/node';
import type { AgentPeer } from '../testing/agent-peer';
import { connectTestAgent, startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestUser } from '../testing/test-users';

const strict = { schema: 'dlp.policy/v1', name: 'Default', mode: 'enforce', apps: { rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc' }] } };

describe('policy lifecycle: drafts, publish, diff, rollback', () => {
  let t: TestConsole;
  let policyId: string;
  let peer: AgentPeer | undefined;
  beforeEach(async () => {
    t = await startTestConsole();
    policyId = (await t.admin.json<{ items: PolicySummary[] }>('GET', '/api/v1/policies')).body.items[0]?.id ?? '';
  });
  afterEach(async () => {
    peer?.close();
    peer = undefined;
    await t.stop();
  });

  async function draft(document?: unknown): Promise<DraftDetail> {
    const res = await t.admin.json<DraftDetail>('POST', `/api/v1/policies/${policyId}/drafts`, document === undefined ? {} : { document });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('edits a draft, then publishes it as the next signed version that connected agents get at once', async () => {
    ({ peer } = await connectTestAgent(t));
    await peer.next('policy');

    const created = await draft();
    expect(created).toMatchObject({ draft: { policyId, baseVersion: 1, name: 'Default', mode: 'monitor', createdBy: 'admin' }, document: { name: 'Default', mode: 'monitor' } });
    const id = created.draft.id;
    const invalid = await t.admin.json('PUT', `/api/v1/drafts/${id}`, { document: { ...strict, apps: { rules: [{ id: 'x', action: 'block', kind: 'sha256', value: 'nope' }] } } });
    expect(invalid).toMatchObject({ status: 400, body: { error: 'invalid_policy', issues: [expect.objectContaining({ path: 'apps.rules.0.value' })] } });
    expect(await t.admin.json('PUT', `/api/v1/drafts/${id}`, { document: strict })).toMatchObject({ status: 200, body: { draft: { mode: 'enforce' }, document: { apps: { rules: [{ id: 'no-nc' }] } } } });
    expect((await t.admin.json<{ items: unknown[] }>('GET', `/api/v1/policies/${policyId}/drafts`)).body.items).toHaveLength(1);
    // A draft is not a version: nothing was signed or pushed yet.
    expect((await t.admin.json<PolicyDetail>('GET', `/api/v1/policies/${policyId}`)).body.policy.version).toBe(1);

    const published = await t.admin.json<PublishResponse>('POST', `/api/v1/drafts/${id}/publish`, {});
    expect(published).toMatchObject({ status: 200, body: { policy: { id: policyId, version: 2, serial: 2, mode: 'enforce' }, groupIds: ['default'] } });
    const pushed = await peer.next('policy', 1);
    expect(pushed.policy.bundle).toMatchObject({ policyId, version: 2, serial: 2, document: { mode: 'enforce' } });
    expect(verifySignedPolicy(pushed.policy, t.console.consoleKey.publicKey)).toEqual({ ok: true });
    expect((await t.admin.json('GET', `/api/v1/drafts/${id}`)).status).toBe(404);

    const audit = await t.admin.json<{ items: Array<{ action: string }> }>('GET', '/api/v1/audit?action=policy.');
    expect(audit.body.items.map((e) => e.action)).toEqual(['policy.publish', 'policy.draft_update', 'policy.draft_create', 'policy.create']);
  });

  it('refuses to publish a draft made from a version that is no longer current', async () => {
    const first = await draft(strict);
    const second = await draft({ ...strict, mode: 'monitor' });
    expect((await t.admin.json('POST', `/api/v1/drafts/${first.draft.id}/publish`, {})).status).toBe(200);
    expect(await t.admin.json('POST', `/api/v1/drafts/${second.draft.id}/publish`, {})).toMatchObject({ status: 409, body: { error: 'stale_draft' } });
    expect((await t.admin.json('DELETE', `/api/v1/drafts/${second.draft.id}`)).status).toBe(204);
    expect((await t.admin.json('DELETE', `/api/v1/drafts/${second.draft.id}`)).status).toBe(404);
  });

  it('diffs two versions and rolls back by republishing old content as a new version', async () => {
    const v1 = (await t.admin.json<PolicyDetail>('GET', `/api/v1/policies/${policyId}`)).body;
    await t.admin.json('POST', `/api/v1/drafts/${(await draft(strict)).draft.id}/publish`, {});

    const diff = await t.admin.json<PolicyDiff>('GET', `/api/v1/policies/${policyId}/diff?from=1&to=2`);
    expect(diff.status).toBe(200);
    expect(diff.body).toMatchObject({ policyId, from: 1, to: 2, summary: { appRules: { added: 1, removed: 0, changed: 0, moved: 0 } } });
    expect(diff.body.changes).toEqual(
      expect.arrayContaining([
        { path: '$.mode', kind: 'changed', section: 'document', before: 'monitor', after: 'enforce' },
        { path: '$.apps.rules[0]', kind: 'added', section: 'apps', ruleId: 'no-nc', after: { id: 'no-nc', action: 'block', kind: 'name', value: 'nc' } },
      ]),
    );
    expect((await t.admin.json('GET', `/api/v1/policies/${policyId}/diff?from=1&to=9`)).status).toBe(404);
    expect(await t.admin.json('GET', `/api/v1/policies/${policyId}/diff?from=one&to=2`)).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ path: 'from' })] } });

    const rolledBack = await t.admin.json<PublishResponse>('POST', `/api/v1/policies/${policyId}/rollback`, { version: 1 });
    expect(rolledBack).toMatchObject({ status: 200, body: { policy: { version: 3, serial: 3, mode: 'monitor' }, groupIds: ['default'] } });
    const v3 = (await t.admin.json<PolicyDetail>('GET', `/api/v1/policies/${policyId}`)).body;
    expect(v3.document).toEqual(v1.document);
    expect(v3.signed.bundle.version).toBe(3);
    expect((await t.admin.json<PolicyDiff>('GET', `/api/v1/policies/${policyId}/diff?from=1&to=3`)).body.changes).toEqual([]);
    expect(await t.admin.json('POST', `/api/v1/policies/${policyId}/rollback`, { version: 3 })).toMatchObject({ status: 409, body: { error: 'already_current' } });
    expect((await t.admin.json('POST', `/api/v1/policies/${policyId}/rollback`, { version: 7 })).status).toBe(404);
    expect(await t.admin.json('POST', `/api/v1/policies/${policyId}/rollback`, { version: 0 })).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ path: 'version' })] } });
    const versions = await t.admin.json<{ items: PolicySummary[] }>('GET', `/api/v1/policies/${policyId}/versions`);
    expect(versions.body.items.map((v) => [v.version, v.mode])).toEqual([
      [3, 'monitor'],
      [2, 'enforce'],
      [1, 'monitor'],
    ]);
    const audit = await t.admin.json<{ items: Array<{ after: unknown }> }>('GET', '/api/v1/audit?action=policy.rollback');
    expect(audit.body.items).toEqual([expect.objectContaining({ after: expect.objectContaining({ version: 3, origin: 'rollback:1' }) })]);
  });

  it('lets auditors read drafts and diffs but only admins write; officers see neither', async () => {
    const created = await draft(strict);
    const auditor = await createTestUser(t, 'auditor');
    const officer = await createTestUser(t, 'officer');
    expect((await auditor.client.json('GET', `/api/v1/drafts/${created.draft.id}`)).status).toBe(200);
    expect((await auditor.client.json('GET', `/api/v1/policies/${policyId}/diff?from=1&to=1`)).status).toBe(200);
    expect((await officer.client.json('GET', `/api/v1/drafts/${created.draft.id}`)).status).toBe(403);
    for (const client of [auditor.client, officer.client]) {
      expect((await client.json('POST', `/api/v1/drafts/${created.draft.id}/publish`, {})).status).toBe(403);
      expect((await client.json('POST', `/api/v1/policies/${policyId}/rollback`, { version: 1 })).status).toBe(403);
      expect((await client.json('POST', `/api/v1/drafts/${created.draft.id}/impact`, { days: 7 })).status).toBe(403);
    }
  });
});
