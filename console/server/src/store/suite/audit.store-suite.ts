import type { AuditRecord } from '../store';
import type { StoreSuite } from './store-suite';

function row(id: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id,
    at: `2026-01-0${id}T00:00:00.000Z`,
    actorId: 'u1',
    actorUsername: 'admin',
    actorRole: 'admin',
    actorSystem: null,
    action: 'user.create',
    targetType: 'user',
    targetId: `t${id}`,
    beforeJson: null,
    afterJson: '{"username":"张三"}',
    sourceIp: '127.0.0.1',
    prevHash: `p${id}`,
    hash: `h${id}`,
    ...overrides,
  };
}

/** The append-only audit log: chain head, filters and both walking orders. */
export const auditStoreSuite: StoreSuite = (context) => {
  it('appends rows and reads them back exactly', async () => {
    const { store } = context;
    expect(await store.audit.last()).toBeUndefined();
    await store.transaction(async (tx) => {
      await tx.audit.append(row(1));
      await tx.audit.append(row(2, { actorId: null, actorUsername: null, actorRole: null, actorSystem: 'console', action: 'policy.publish' }));
    });
    expect(await store.audit.last()).toEqual(row(2, { actorId: null, actorUsername: null, actorRole: null, actorSystem: 'console', action: 'policy.publish' }));
    expect(await store.audit.listAfter(0, 10)).toHaveLength(2);
    expect((await store.audit.listAfter(1, 10)).map((r) => r.id)).toEqual([2]);
  });

  it('refuses a row that would fork the chain', async () => {
    const { store } = context;
    await store.audit.append(row(1));
    await expect(store.transaction((tx) => tx.audit.append(row(2, { prevHash: 'p1' })))).rejects.toThrow();
    await expect(store.transaction((tx) => tx.audit.append(row(1, { prevHash: 'x', hash: 'y' })))).rejects.toThrow();
    expect((await store.audit.listAfter(0, 10)).map((r) => r.id)).toEqual([1]);
  });

  it('filters by time, actor, action, prefix and target, in both orders with keyset cursors', async () => {
    const { store } = context;
    await store.audit.append(row(1));
    await store.audit.append(row(2, { action: 'user_x.create' }));
    await store.audit.append(row(3, { action: 'policy.publish', targetType: 'policy', actorUsername: null, actorSystem: 'scheduler' }));
    await store.audit.append(row(4, { action: 'user.disable' }));
    const ids = async (filter: Omit<Parameters<typeof store.audit.query>[0], 'limit'>, limit = 10): Promise<number[]> =>
      (await store.audit.query({ ...filter, limit })).map((r) => r.id);
    expect(await ids({})).toEqual([4, 3, 2, 1]);
    expect(await ids({ order: 'asc' }, 2)).toEqual([1, 2]);
    expect(await ids({ fromAt: '2026-01-02T00:00:00.000Z', toAt: '2026-01-04T00:00:00.000Z' })).toEqual([3, 2]);
    expect(await ids({ actor: 'scheduler' })).toEqual([3]);
    expect(await ids({ actor: 'admin' })).toEqual([4, 2, 1]);
    expect(await ids({ action: 'user.create' })).toEqual([1]);
    // The prefix's `_` is literal: "user_" does not match "user.".
    expect(await ids({ actionPrefix: 'user.' })).toEqual([4, 1]);
    expect(await ids({ actionPrefix: 'user_' })).toEqual([2]);
    expect(await ids({ targetType: 'policy' })).toEqual([3]);
    expect(await ids({ targetId: 't4' })).toEqual([4]);
    expect(await ids({ beforeId: 3 })).toEqual([2, 1]);
    expect(await ids({ afterId: 2, order: 'asc' })).toEqual([3, 4]);
  });
};
