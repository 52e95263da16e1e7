import { policyDetail, uuidv7, type GroupSummary, type PolicyDetail, type PolicyDocumentInput, type PolicySummary } from '@dlp/shared';
import { verifySignedPolicy } from '@dlp/shared/node';
import { startTestConsole, type TestConsole } from '../testing/test-console';

const blockTool: PolicyDocumentInput = {
  schema: 'dlp.policy/v1',
  name: 'Block tools',
  mode: 'enforce',
  apps: { rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc' }] },
};

describe('policy REST API', () => {
  let t: TestConsole;
  beforeEach(async () => {
    t = await startTestConsole();
  });
  afterEach(async () => {
    await t.stop();
  });

  async function detail(id: string): Promise<PolicyDetail> {
    const res = await t.admin.json<PolicyDetail>('GET', `/api/v1/policies/${id}`);
    expect(res.status).toBe(200);
    return policyDetail.parse(res.body);
  }

  it('starts with a Default monitor-mode policy (version 1, serial 1) on the default group', async () => {
    const list = await t.admin.json<{ items: PolicySummary[] }>('GET', '/api/v1/policies');
    expect(list.body.items).toEqual([{ id: expect.any(String), name: 'Default', version: 1, serial: 1, mode: 'monitor', publishedAt: expect.any(String) }]);
    const groups = await t.admin.json<{ items: GroupSummary[] }>('GET', '/api/v1/groups');
    expect(groups.body.items).toEqual([{ id: 'default', name: 'default', builtIn: true, policyId: list.body.items[0]?.id, agentCount: 0 }]);
  });

  it('publishes every save as a new signed, immutable version with a higher serial', async () => {
    const created = await t.admin.json<{ policy: PolicySummary }>('POST', '/api/v1/policies', { document: blockTool });
    expect(created.status).toBe(201);
    expect(created.body.policy).toMatchObject({ name: 'Block tools', version: 1, serial: 2, mode: 'enforce' });
    const id = created.body.policy.id;
    const v1 = await detail(id);

    const updated = await t.admin.json<{ policy: PolicySummary }>('PUT', `/api/v1/policies/${id}`, { document: { ...blockTool, mode: 'monitor' } });
    expect(updated.status).toBe(200);
    expect(updated.body.policy).toMatchObject({ id, version: 2, serial: 3, mode: 'monitor' });

    const v2 = await detail(id);
    expect(v2.policy).toEqual(updated.body.policy);
    expect(v2.signed.bundle).toMatchObject({ policyId: id, version: 2, serial: 3 });
    // Defaults are filled in, so what is signed is exactly what agents enforce.
    expect(v2.document.apps.defaultAction).toBe('allow');
    expect(v2.document).toEqual(v2.signed.bundle.document);
    for (const signed of [v1.signed, v2.signed]) {
      expect(signed.keyId).toBe(t.console.consoleKey.keyId);
      expect(verifySignedPolicy(signed, t.console.consoleKey.publicKey)).toEqual({ ok: true });
    }
    expect(verifySignedPolicy({ ...v2.signed, bundle: { ...v2.signed.bundle, serial: 99 } }, t.console.consoleKey.publicKey)).toEqual({ ok: false, reason: 'bad_signature' });

    const versions = await t.admin.json<{ items: PolicySummary[] }>('GET', `/api/v1/policies/${id}/versions`);
    expect(versions.body.items.map((v) => [v.version, v.serial, v.mode])).toEqual([
      [2, 3, 'monitor'],
      [1, 2, 'enforce'],
    ]);
  });

  it('refuses an invalid document with 400 and the offending field paths', async () => {
    const res = await t.admin.json('POST', '/api/v1/policies', {
      document: { ...blockTool, apps: { rules: [{ id: 'r1', action: 'block', kind: 'sha256', value: 'not-a-hash' }] }, usb: { defaultAction: 'explode' } },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      ok: false,
      error: 'invalid_policy',
      issues: expect.arrayContaining([
        { path: 'apps.rules.0.value', message: expect.stringContaining('sha256'), code: 'custom' },
        // The code and its values let the console's pages say it in the reader's language.
        expect.objectContaining({ path: 'usb.defaultAction', code: 'invalid_value', params: { values: 'allow, block, read-only' } }),
      ]),
    });
    const missing = await t.admin.json('POST', '/api/v1/policies', {});
    expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_request', issues: [expect.objectContaining({ path: 'document' })] } });
    expect((await t.admin.json<{ items: unknown[] }>('GET', '/api/v1/policies')).body.items).toHaveLength(1);
  });

  it('re-signs an older policy as a new version when it is assigned, so agents accept its serial', async () => {
    const older = (await t.admin.json<{ policy: PolicySummary }>('POST', '/api/v1/policies', { document: blockTool })).body.policy;
    const newer = (await t.admin.json<{ policy: PolicySummary }>('POST', '/api/v1/policies', { document: { ...blockTool, name: 'Newer' } })).body.policy;
    expect(newer.serial).toBeGreaterThan(older.serial);
    const before = await detail(older.id);

    const assigned = await t.admin.json('PUT', '/api/v1/groups/default/policy', { policyId: older.id });
    expect(assigned).toEqual({ status: 200, body: { group: { id: 'default', name: 'default', builtIn: true, policyId: older.id } } });
    const now = await detail(older.id);
    expect(now.policy).toMatchObject({ version: 2, serial: newer.serial + 1 });
    expect(now.document).toEqual(before.document);
    expect(verifySignedPolicy(now.signed, t.console.consoleKey.publicKey)).toEqual({ ok: true });

    // A policy whose version holds the newest serial needs no new version.
    const newest = (await t.admin.json<{ policy: PolicySummary }>('POST', '/api/v1/policies', { document: { ...blockTool, name: 'Newest' } })).body.policy;
    expect((await t.admin.json('PUT', '/api/v1/groups/default/policy', { policyId: newest.id })).status).toBe(200);
    expect((await detail(newest.id)).policy).toMatchObject({ version: 1, serial: newest.serial });
  });

  it('answers unknown policies and groups with 404', async () => {
    const unknown = uuidv7();
    expect((await t.admin.json('GET', `/api/v1/policies/${unknown}`)).status).toBe(404);
    expect((await t.admin.json('PUT', `/api/v1/policies/${unknown}`, { document: blockTool })).status).toBe(404);
    expect((await t.admin.json('GET', `/api/v1/policies/${unknown}/versions`)).status).toBe(404);
    expect((await t.admin.json('PUT', '/api/v1/groups/nope/policy', { policyId: unknown })).body).toMatchObject({ ok: false, error: 'not_found' });
  });
});
