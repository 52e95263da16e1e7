import { isUniqueViolation } from '../store-errors';
import type { StoreSuite } from './store-suite';
import { addAgent, addGroup } from './suite-fixtures';

/** Groups and the enroll secrets that place new agents in them. */
export const groupsStoreSuite: StoreSuite = (context) => {
  it('lists built-in groups first, then by name, and finds them by id and name', async () => {
    const { store } = context;
    const zeta = await addGroup(store, 'zeta');
    await addGroup(store, 'alpha');
    await addGroup(store, 'default', true);
    expect((await store.groups.list()).map((g) => g.name)).toEqual(['default', 'alpha', 'zeta']);
    expect(await store.groups.findById(zeta)).toMatchObject({ id: zeta, name: 'zeta', policyId: null, builtIn: false });
    expect((await store.groups.findByName('default'))?.builtIn).toBe(true);
    expect(await store.groups.findByName('nope')).toBeUndefined();
  });

  it('renames, refuses duplicate names, and never deletes a built-in group', async () => {
    const { store } = context;
    const id = await addGroup(store, 'sales');
    await addGroup(store, 'default', true);
    await store.groups.rename(id, '销售部');
    expect((await store.groups.findById(id))?.name).toBe('销售部');
    // The refusal is recognisable as a uniqueness race, which the REST layer answers with 409, not 500.
    const duplicate = await store.transaction((tx) => addGroup(tx, '销售部')).then(() => undefined, (err: unknown) => err);
    expect(isUniqueViolation(duplicate)).toBe(true);
    expect(isUniqueViolation(new Error('UNIQUE constraint failed: but not from a store'))).toBe(false);
    expect(await store.groups.delete('default')).toBe(false);
    expect(await store.groups.delete(id)).toBe(true);
    expect(await store.groups.delete(id)).toBe(false);
  });

  it('keeps only hashes of enroll secrets and finds them by hash', async () => {
    const { store } = context;
    const groupId = await addGroup(store, 'default', true);
    const secret = { id: 's1', label: 'lab', secretHash: 'c'.repeat(64), groupId, createdAt: '2026-01-01T00:00:00.000Z', maxUses: null, useCount: 0, expiresAt: null, needsApproval: false, ratePerMinute: null };
    await store.enrollSecrets.insert(secret);
    await store.enrollSecrets.insert({ ...secret, id: 's2', label: 'office', secretHash: 'd'.repeat(64), createdAt: '2026-01-02T00:00:00.000Z' });
    expect((await store.enrollSecrets.list()).map((s) => s.id)).toEqual(['s1', 's2']);
    expect(await store.enrollSecrets.findByHash('c'.repeat(64))).toEqual(secret);
    await expect(store.transaction((tx) => tx.enrollSecrets.insert({ ...secret, id: 's3' }))).rejects.toThrow();
    expect(await store.enrollSecrets.delete('s1')).toBe(true);
    expect(await store.enrollSecrets.delete('s1')).toBe(false);
    expect(await store.enrollSecrets.findByHash('c'.repeat(64))).toBeUndefined();
  });

  it('counts enroll secret uses within the limit and expiry, and keeps enrollment requests', async () => {
    const { store } = context;
    const groupId = await addGroup(store, 'default', true);
    const base = { label: 'limited', groupId, createdAt: '2026-01-01T00:00:00.000Z', useCount: 0, needsApproval: true, ratePerMinute: 5 };
    await store.enrollSecrets.insert({ ...base, id: 'lim', secretHash: 'e'.repeat(64), maxUses: 2, expiresAt: '2030-01-01T00:00:00.000Z' });
    const now = '2026-06-01T00:00:00.000Z';
    const claims = await Promise.all([1, 2, 3].map(() => store.enrollSecrets.claimUse('lim', now)));
    expect(claims.filter(Boolean)).toHaveLength(2);
    expect(await store.enrollSecrets.findById('lim')).toMatchObject({ useCount: 2, maxUses: 2, needsApproval: true, ratePerMinute: 5, expiresAt: '2030-01-01T00:00:00.000Z' });
    await store.enrollSecrets.insert({ ...base, id: 'old', secretHash: 'f'.repeat(64), maxUses: null, expiresAt: '2026-02-01T00:00:00.000Z' });
    expect(await store.enrollSecrets.claimUse('old', now)).toBe(false);

    const info = { hostname: 'ws-17', os: 'linux' as const, osVersion: '6.1', agentVersion: '1.0.0', user: null };
    const request = { id: 'r1', enrollSecretId: 'lim', requestKeyHash: 'a'.repeat(64), info, remoteAddress: '10.0.0.9', requestedAt: now, lastSeenAt: now, status: 'pending' as const, decidedBy: null, decidedAt: null, agentId: null };
    await store.enrollSecrets.insertRequest(request);
    await expect(store.enrollSecrets.insertRequest({ ...request, id: 'r2' })).rejects.toThrow();
    expect(await store.enrollSecrets.findRequest('lim', 'a'.repeat(64))).toEqual(request);
    expect(await store.enrollSecrets.pendingCounts()).toEqual(new Map([['lim', 1]]));
    expect(await store.enrollSecrets.decideRequest('r1', 'approved', 'admin', now)).toBe(true);
    expect(await store.enrollSecrets.decideRequest('r1', 'rejected', 'admin', now)).toBe(false);
    await store.enrollSecrets.markRequestEnrolled('r1', 'agent-1');
    expect(await store.enrollSecrets.listRequests('enrolled', 10)).toEqual([{ ...request, status: 'enrolled', decidedBy: 'admin', decidedAt: now, agentId: 'agent-1' }]);
    expect(await store.enrollSecrets.listRequests('pending', 10)).toEqual([]);
    expect(await store.enrollSecrets.delete('lim')).toBe(true);
    expect(await store.enrollSecrets.findRequestById('r1')).toBeUndefined();
  });

  it('keeps everything across a reopen (migrations run once)', async () => {
    const groupId = await addGroup(context.store, 'persisted');
    const agentId = await addAgent(context.store, groupId, { hostname: 'ws-持久' });
    const reopened = await context.reopen();
    expect((await reopened.groups.findById(groupId))?.name).toBe('persisted');
    expect((await reopened.agents.findById(agentId))?.info.hostname).toBe('ws-持久');
  });

  it('counts the active agents of each group', async () => {
    const { store } = context;
    const a = await addGroup(store, 'a');
    const b = await addGroup(store, 'b');
    await addAgent(store, a);
    const revoked = await addAgent(store, a);
    await addAgent(store, b);
    await store.agents.revoke(revoked, new Date().toISOString());
    expect(await store.agents.countActiveByGroup()).toEqual(new Map([[a, 1], [b, 1]]));
  });
};
