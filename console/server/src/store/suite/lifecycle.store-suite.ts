import { policyDocument, uuidv7 } from '@dlp/shared';
import type { ExceptionRecord } from '../lifecycle-store';
import type { StoreSuite } from './store-suite';
import { policyVersion, seedAgent } from './suite-fixtures';

const HOUR = 3_600_000;

function pending(agentId: string, overrides: Partial<ExceptionRecord> = {}): ExceptionRecord {
  return {
    id: uuidv7(),
    agentId,
    requestId: uuidv7(),
    state: 'pending',
    target: { kind: 'usb-device', device: { vendorId: '0781', productId: '5567', serial: '4C53' } },
    justification: '审计交接',
    requestedMinutes: 60,
    requestedBy: 'alice',
    createdBy: null,
    requestedAt: '2026-01-01T00:00:00.000Z',
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    grantedMinutes: null,
    expiresAt: null,
    revokedAt: null,
    serial: null,
    signed: null,
    delivery: null,
    ...overrides,
  };
}

/** Decides `record` as approved until `expiresAtMs` with `serial`. */
function approved(record: ExceptionRecord, serial: number, expiresAtMs: number): ExceptionRecord {
  return {
    ...record,
    state: 'approved',
    decidedBy: { id: 'u2', username: 'officer', role: 'officer' },
    decidedAt: '2026-01-01T00:01:00.000Z',
    decisionNote: 'ok',
    grantedMinutes: 60,
    expiresAt: new Date(expiresAtMs).toISOString(),
    serial,
  };
}

/** Policy drafts, exceptions (request → decision → delivery) and per-agent unlock keys. */
export const lifecycleStoreSuite: StoreSuite = (context) => {
  let agentId = '';
  beforeEach(async () => {
    ({ agentId } = await seedAgent(context.store));
  });

  it('keeps drafts per policy, newest first, and updates their document', async () => {
    const { store } = context;
    const policyId = uuidv7();
    await store.policies.insertVersion(policyVersion(policyId, 1, 1));
    const document = policyDocument.parse({ schema: 'dlp.policy/v1', name: 'Draft', mode: 'monitor' });
    const first = { id: uuidv7(), policyId, baseVersion: 1, name: 'Draft', mode: 'monitor' as const, document, createdBy: 'admin', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
    const second = { ...first, id: uuidv7() };
    await store.drafts.insert(first);
    await store.drafts.insert(second);
    // Newest first by UUIDv7 id (two made in one millisecond may sort either way).
    expect((await store.drafts.listByPolicy(policyId)).map((d) => d.id)).toEqual([second.id, first.id].sort().reverse());
    const renamed = { ...document, name: '草稿', mode: 'enforce' as const };
    expect(await store.drafts.update(first.id, renamed, '2026-01-02T00:00:00.000Z')).toBe(true);
    expect(await store.drafts.findById(first.id)).toEqual({ ...first, name: '草稿', mode: 'enforce', document: renamed, updatedAt: '2026-01-02T00:00:00.000Z' });
    expect(await store.drafts.update(uuidv7(), renamed, '2026-01-02T00:00:00.000Z')).toBe(false);
    expect(await store.drafts.delete(first.id)).toBe(true);
    expect(await store.drafts.delete(first.id)).toBe(false);
  });

  it('files a request once per agent request id and records the decision', async () => {
    const { store } = context;
    const request = pending(agentId);
    await store.exceptions.insert(request);
    await expect(store.transaction((tx) => tx.exceptions.insert(pending(agentId, { requestId: request.requestId })))).rejects.toThrow();
    expect(await store.exceptions.findByRequestId(agentId, request.requestId as string)).toEqual(request);

    const serial = await store.transaction((tx) => tx.exceptions.allocateSerial());
    expect(serial).toBe(1);
    const decision = approved(request, serial, Date.parse('2026-01-01T01:01:00.000Z'));
    await store.exceptions.saveDecision(decision);
    expect(await store.exceptions.findById(request.id)).toEqual(decision);
    const delivery = { status: 'applied' as const, action: 'grant' as const, error: null, at: '2026-01-01T00:02:00.000Z' };
    expect(await store.exceptions.recordDelivery(request.id, delivery)).toBe(true);
    expect(await store.exceptions.recordDelivery(uuidv7(), delivery)).toBe(false);
    expect((await store.exceptions.findById(request.id))?.delivery).toEqual(delivery);
  });

  it('lists by state (expiry derived from the clock), agent and keyset cursor', async () => {
    const { store } = context;
    const now = Date.parse('2026-06-01T00:00:00.000Z');
    const waiting = pending(agentId);
    const live = approved(pending(agentId), 1, now + HOUR);
    const expired = approved(pending(agentId), 2, now - HOUR);
    const denied = { ...pending(agentId), state: 'denied' as const };
    for (const r of [waiting, live, expired, denied]) await store.exceptions.insert(r);
    const ids = async (filter: Omit<Parameters<typeof store.exceptions.list>[0], 'limit' | 'nowMs'>, limit = 10): Promise<string[]> =>
      (await store.exceptions.list({ ...filter, nowMs: now, limit })).map((r) => r.id);
    const newestFirst = [denied.id, expired.id, live.id, waiting.id].sort().reverse();
    expect(await ids({})).toEqual(newestFirst);
    expect(await ids({ state: 'approved' })).toEqual([live.id]);
    expect(await ids({ state: 'expired' })).toEqual([expired.id]);
    expect(await ids({ state: 'pending', agentId })).toEqual([waiting.id]);
    expect(await ids({ agentId: uuidv7() })).toEqual([]);
    expect(await ids({ beforeId: newestFirst[1] }, 2)).toEqual(newestFirst.slice(2));
    expect((await store.exceptions.activeForAgent(agentId, now)).map((r) => r.id)).toEqual([live.id]);
  });

  it('re-sends a revoke until the agent confirms it', async () => {
    const { store } = context;
    const now = Date.parse('2026-06-01T00:00:00.000Z');
    const revoked = { ...approved(pending(agentId), 1, now + HOUR), state: 'revoked' as const, revokedAt: '2026-06-01T00:00:00.000Z' };
    const lapsed = { ...approved(pending(agentId), 2, now - HOUR), state: 'revoked' as const, revokedAt: '2026-05-31T00:00:00.000Z' };
    await store.exceptions.insert(revoked);
    await store.exceptions.insert(lapsed);
    expect((await store.exceptions.unconfirmedRevokesForAgent(agentId, now)).map((r) => r.id)).toEqual([revoked.id]);
    // The earlier grant delivery does not count as a confirmation.
    await store.exceptions.recordDelivery(revoked.id, { status: 'applied', action: 'grant', error: null, at: '2026-06-01T00:00:01.000Z' });
    expect(await store.exceptions.unconfirmedRevokesForAgent(agentId, now)).toHaveLength(1);
    await store.exceptions.recordDelivery(revoked.id, { status: 'applied', action: 'revoke', error: null, at: '2026-06-01T00:00:02.000Z' });
    expect(await store.exceptions.unconfirmedRevokesForAgent(agentId, now)).toEqual([]);
    expect(await store.exceptions.activeForAgent(agentId, now)).toEqual([]);
  });

  it('keeps one unlock key per agent, byte for byte', async () => {
    const { store } = context;
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37) % 256));
    await store.unlockKeys.insert(agentId, key, '2026-01-01T00:00:00.000Z');
    expect((await store.unlockKeys.find(agentId))?.equals(key)).toBe(true);
    expect(await store.unlockKeys.find(uuidv7())).toBeUndefined();
    await expect(store.transaction((tx) => tx.unlockKeys.insert(agentId, key, '2026-01-02T00:00:00.000Z'))).rejects.toThrow();
  });
};
