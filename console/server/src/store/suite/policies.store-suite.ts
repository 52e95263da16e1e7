import { uuidv7 } from '@dlp/shared';
import type { StoreSuite } from './store-suite';
import { addGroup, policyVersion } from './suite-fixtures';

/** Policies: the console-wide serial, immutable versions, the current version, group assignment. */
export const policiesStoreSuite: StoreSuite = (context) => {
  it('hands out strictly increasing policy serials', async () => {
    const { store } = context;
    expect(await store.policies.latestSerial()).toBe(0);
    const a = await store.transaction((tx) => tx.policies.allocateSerial());
    const b = await store.transaction((tx) => tx.policies.allocateSerial());
    expect([a, b]).toEqual([1, 2]);
    expect(await store.policies.latestSerial()).toBe(2);
  });

  it('hands out distinct serials to concurrent transactions', async () => {
    const { store } = context;
    const serials = await Promise.all(Array.from({ length: 8 }, () => store.transaction((tx) => tx.policies.allocateSerial())));
    expect([...serials].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps every version and makes the newest one current', async () => {
    const { store } = context;
    const id = uuidv7();
    const v1 = policyVersion(id, 1, 1);
    const v2 = policyVersion(id, 2, 2, 'Baseline v2', 'monitor');
    await store.transaction(async (tx) => {
      await tx.policies.insertVersion(v1);
      await tx.policies.insertVersion(v2);
    });
    expect(await store.policies.findById(id)).toEqual({ id, name: 'Baseline v2', mode: 'monitor', version: 2, serial: 2, publishedAt: v2.publishedAt });
    expect(await store.policies.findCurrentVersion(id)).toEqual(v2);
    expect(await store.policies.findVersion(id, 1)).toEqual(v1);
    expect(await store.policies.findVersion(id, 3)).toBeUndefined();
    expect((await store.policies.listVersions(id)).map((v) => v.version)).toEqual([2, 1]);
    expect((await store.policies.findByName('Baseline v2'))?.id).toBe(id);
    expect(await store.policies.findByName('Baseline')).toBeUndefined();
  });

  it('refuses a second version with the same number or serial', async () => {
    const { store } = context;
    const id = uuidv7();
    await store.policies.insertVersion(policyVersion(id, 1, 1));
    await store.policies.insertVersion(policyVersion(id, 2, 2));
    await expect(store.transaction((tx) => tx.policies.insertVersion(policyVersion(id, 2, 3)))).rejects.toThrow();
    await expect(store.transaction((tx) => tx.policies.insertVersion(policyVersion(uuidv7(), 1, 2)))).rejects.toThrow();
    expect((await store.policies.listVersions(id)).map((v) => v.serial)).toEqual([2, 1]);
  });

  it('lists policies by name and resolves the policy a group enforces', async () => {
    const { store } = context;
    const [a, b] = [uuidv7(), uuidv7()];
    await store.policies.insertVersion(policyVersion(a, 1, 1, 'Zeta'));
    await store.policies.insertVersion(policyVersion(b, 1, 2, 'Alpha'));
    await store.policies.insertVersion(policyVersion(b, 2, 3, 'Alpha'));
    expect((await store.policies.list()).map((p) => [p.name, p.version])).toEqual([
      ['Alpha', 2],
      ['Zeta', 1],
    ]);
    const groupId = await addGroup(store, 'finance');
    expect(await store.policies.effectiveForGroup(groupId)).toBeUndefined();
    await store.groups.setPolicy(groupId, b);
    expect((await store.policies.effectiveForGroup(groupId))?.signed.bundle).toMatchObject({ policyId: b, version: 2, serial: 3 });
    expect((await store.groups.listByPolicy(b)).map((g) => g.id)).toEqual([groupId]);
  });
};
