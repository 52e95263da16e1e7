import { sampleEvent, uuidv7, type StoredEvent } from '@dlp/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditService } from '../audit/audit-service';
import { ConsoleEvents } from '../service-kit/console-events';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import type { ConsoleStore } from '../store/store';
import { createMemoryLogger } from '../testing/memory-logger';
import { startAlerting, type Alerting } from './alerting';

describe('startAlerting wiring', () => {
  let dir = '';
  let store: ConsoleStore;
  let alerting: Alerting;
  let bus: ConsoleEvents;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-alerting-'));
    store = await openSqliteStore({ path: path.join(dir, 'console.sqlite') });
    bus = new ConsoleEvents(() => undefined);
    alerting = await startAlerting({ store, audit: new AuditService(store), bus, logger: createMemoryLogger() });
  });

  afterEach(async () => {
    await alerting.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function content(agentId: string): StoredEvent {
    return { ...sampleEvent({ type: 'content', subject: { kind: 'file', path: '/media/usb/x.csv', matches: { mobile: 1 }, samples: [] } }), agentId, receivedAt: new Date().toISOString() };
  }

  it('evaluates only events this node ingested, not events relayed from other nodes', async () => {
    const who = { actor: { system: 'test' }, sourceIp: null };
    await alerting.service.createRule({ name: 'pii', enabled: true, severity: 'high', params: { kind: 'content' }, destinationIds: [], cooldownMinutes: 15 }, who);
    // Another node's events, re-emitted here by the cluster bridge: that node evaluates them.
    bus.emit('events-stored', [content(uuidv7())]);
    await alerting.engine.settled();
    expect((await alerting.service.listAlerts({ limit: 10 })).items).toEqual([]);
    const mine = content(uuidv7());
    bus.emit('events-stored', [mine]);
    bus.emit('events-ingested', [mine]);
    await alerting.engine.settled();
    expect((await alerting.service.listAlerts({ limit: 10 })).items).toEqual([expect.objectContaining({ kind: 'content', entity: expect.objectContaining({ id: mine.agentId }) })]);
    // Rule changes are audited, and listed for readers.
    expect((await alerting.service.listRules()).map((r) => r.name)).toEqual(['pii']);
    expect((await store.audit.query({ limit: 5 })).map((row) => row.action)).toEqual(['alert.rule.create']);
  });
});
