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
    const secret = { id: 's1', label: 'lab', secretHash: 'c'.repeat(64), groupId, createdAt: '2026-01-01T00:00:00.000Z' };
    await store.enrollSecrets.insert(secret);
    await store.enrollSecrets.insert({ ...secret, id: 's2', label: 'office', secretHash: 'd'.repeat(64), createdAt: '2026-01-02T00:00:00.000Z' });
    expect((await store.enrollSecrets.list()).map((s) => s.id)).toEqual(['s1', 's2']);
    expect(await store.enrollSecrets.findByHash('c'.repeat(64))).toEqual(secret);
    await expect(store.transaction((tx) => tx.enrollSecrets.insert({ ...secret, id: 's3' }))).rejects.toThrow();
    expect(await store.enrollSecrets.delete('s1')).toBe(true);
    expect(await store.enrollSecrets.delete('s1')).toBe(false);
    expect(await store.enrollSecrets.findByHash('c'.repeat(64))).toBeUndefined();
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
