import type { EventSubject } from '@dlp/shared';
import { triageGroupKey } from '../triage-fingerprint';
import type { TriageStateRecord } from '../triage-store';
import type { StoreSuite } from './store-suite';
import { seedAgent, storedEvent } from './suite-fixtures';

const usb = (serial?: string): EventSubject => ({ kind: 'device', vendorId: '0781', productId: '5581', interfaces: [8], ...(serial !== undefined ? { serial } : {}) });
const proc = (sha256: string | undefined, exePath = '/usr/bin/tool'): EventSubject => ({
  kind: 'process',
  pid: 10,
  exePath,
  name: 'tool',
  method: 'proc-scan',
  ...(sha256 !== undefined ? { sha256 } : {}),
});

function by(state: TriageStateRecord['state'], at = '2026-05-01T00:00:00.000Z'): TriageStateRecord {
  return { state, updatedById: 'u1', updatedBy: '李四', updatedAt: at };
}

/** Triage: per-event and per-group states joined onto events, and the append-only history. */
export const triageStoreSuite: StoreSuite = (context) => {
  let agentId = '';
  beforeEach(async () => {
    ({ agentId } = await seedAgent(context.store));
  });

  it('computes subject keys: sha256 first, else the path; USB vendor:product:serial', async () => {
    const { store } = context;
    await store.events.insertEvents([
      storedEvent(agentId, 1, { subject: proc('b'.repeat(64)) }),
      storedEvent(agentId, 2, { subject: proc(undefined, '/opt/x y/工具') }),
      storedEvent(agentId, 3, { type: 'usb', ruleId: null, subject: usb('SN-1') }),
      storedEvent(agentId, 4, { type: 'usb', ruleId: null, subject: usb() }),
    ]);
    const found = await store.triage.annotate([1, 2, 3, 4, 99].map((seq) => ({ agentId, seq })));
    const keys = new Map(found.map((a) => [a.seq, a.subjectKey]));
    expect(keys).toEqual(
      new Map([
        [1, `sha256:${'b'.repeat(64)}`],
        [2, 'exe:/opt/x y/工具'],
        [3, 'usb:0781:5581:SN-1'],
        [4, 'usb:0781:5581:'],
      ]),
    );
    expect(found.every((a) => a.eventState === null && a.groupState === null)).toBe(true);
  });

  it('applies a group state to every identical event, now and later, and an event state only to its event', async () => {
    const { store } = context;
    const sha = 'c'.repeat(64);
    await store.events.insertEvents([
      storedEvent(agentId, 1, { subject: proc(sha, '/a/tool') }),
      // Same hash under another name: the same program, the same group.
      storedEvent(agentId, 2, { subject: proc(sha, '/b/renamed') }),
      storedEvent(agentId, 3, { subject: proc('d'.repeat(64)) }),
      storedEvent(agentId, 4, { subject: proc(sha), ruleId: 'other-rule' }),
    ]);
    const first = await store.triage.findEvent(agentId, 1);
    if (!first) throw new Error('event 1 missing');
    await store.triage.setGroupState(triageGroupKey(first.event, first.annotation.subjectKey), by('false-positive'));
    await store.triage.setEventState(agentId, 2, by('escalated'));
    await store.events.insertEvents([storedEvent(agentId, 5, { subject: proc(sha, '/c/again') })]);

    const found = await store.triage.annotate([1, 2, 3, 4, 5].map((seq) => ({ agentId, seq })));
    const view = new Map(found.map((a) => [a.seq, [a.eventState?.state ?? null, a.groupState?.state ?? null]]));
    expect(view).toEqual(
      new Map([
        [1, [null, 'false-positive']],
        [2, ['escalated', 'false-positive']],
        [3, [null, null]],
        [4, [null, null]],
        [5, [null, 'false-positive']],
      ]),
    );
    expect(found.find((a) => a.seq === 1)?.groupState).toEqual(by('false-positive'));
  });

  it('replaces a state on a second change and keeps the history in order', async () => {
    const { store } = context;
    await store.events.insertEvents([storedEvent(agentId, 1)]);
    await store.triage.setEventState(agentId, 1, by('acknowledged', '2026-05-01T00:00:00.000Z'));
    await store.triage.setEventState(agentId, 1, by('escalated', '2026-05-02T00:00:00.000Z'));
    const found = await store.triage.findEvent(agentId, 1);
    expect(found?.annotation.eventState).toEqual(by('escalated', '2026-05-02T00:00:00.000Z'));
    expect(found?.event.seq).toBe(1);
    expect(await store.triage.findEvent(agentId, 2)).toBeUndefined();

    const base = { agentId, at: '2026-05-01T00:00:00.000Z', actorId: 'u1', actorUsername: '李四' };
    await store.triage.appendHistory({ ...base, scope: 'event', seq: 1, fingerprint: null, state: 'acknowledged', previousState: null, note: null });
    await store.triage.appendHistory({ ...base, scope: 'group', seq: null, fingerprint: 'fp-1', state: null, previousState: null, note: '同一U盘' });
    await store.triage.appendHistory({ ...base, scope: 'group', seq: null, fingerprint: 'fp-other', state: 'new', previousState: null, note: null });
    await store.triage.appendHistory({ ...base, scope: 'event', seq: 1, fingerprint: null, state: 'escalated', previousState: 'acknowledged', note: 'see ticket' });
    const history = await store.triage.listHistory(agentId, 1, 'fp-1');
    expect(history.map((h) => [h.scope, h.state, h.note])).toEqual([
      ['event', 'acknowledged', null],
      ['group', null, '同一U盘'],
      ['event', 'escalated', 'see ticket'],
    ]);
    expect(history[2]?.previousState).toBe('acknowledged');
  });

  it('annotates a thousand events in one call', async () => {
    const { store } = context;
    await store.events.insertEvents(Array.from({ length: 1200 }, (_, i) => storedEvent(agentId, i + 1)));
    const found = await store.triage.annotate(Array.from({ length: 1200 }, (_, i) => ({ agentId, seq: i + 1 })));
    expect(found).toHaveLength(1200);
  });
};
