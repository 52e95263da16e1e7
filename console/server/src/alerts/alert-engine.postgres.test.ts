import { sampleEvent, uuidv7, type AlertNotification, type StoredEvent } from '@dlp/shared';
import { openPostgresStore } from '../store/postgres/postgres-store';
import type { ConsoleStore } from '../store/store';
import { createMemoryLogger } from '../testing/memory-logger';
import { dropTestSchema, randomSchemaName, TEST_DATABASE_URL as DATABASE_URL } from '../testing/postgres-schema';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertEngine } from './alert-engine';

/**
 * Two console nodes = two connection pools on one PostgreSQL schema, each with its own engine and
 * dispatcher: an alert both could fire is delivered once, and a threshold counts events that
 * reached either node.
 */
describe('AlertEngine on PostgreSQL, two nodes', () => {
  let schema = '';
  const stores: ConsoleStore[] = [];
  const engines: AlertEngine[] = [];
  const received: AlertNotification[] = [];
  let agentId = '';

  async function node(): Promise<AlertEngine> {
    const store = await openPostgresStore({ connectionString: DATABASE_URL, schema, maxConnections: 4, nodeId: `node-${stores.length}` });
    stores.push(store);
    const dispatcher = new AlertDispatcher({ createSender: () => ({ send: async (n) => void received.push(n), close: () => undefined }) });
    const engine = new AlertEngine({ store, dispatcher, logger: createMemoryLogger(), scanIntervalMs: 60_000 });
    await engine.start();
    engines.push(engine);
    return engine;
  }

  function event(overrides: Partial<StoredEvent> = {}): StoredEvent {
    return { ...sampleEvent({ seq: 1, host: 'ws-pg' }), agentId, receivedAt: new Date().toISOString(), ...overrides };
  }

  beforeEach(async () => {
    schema = randomSchemaName('dlp_alert');
    received.length = 0;
    agentId = uuidv7();
    const first = await openPostgresStore({ connectionString: DATABASE_URL, schema, maxConnections: 2 });
    await first.alerts.insertDestination({ id: 'd1', name: 'hook', enabled: true, config: { kind: 'webhook', url: 'http://127.0.0.1:9/' }, rateLimit: { perMinute: 600, burst: 100 }, secret: 'x'.repeat(32), createdAt: '', updatedAt: '' });
    await first.close();
  });

  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
    for (const store of stores.splice(0)) await store.close();
    await dropTestSchema(schema);
  });

  async function addRule(params: Parameters<ConsoleStore['alerts']['insertRule']>[0]['params']): Promise<void> {
    const store = stores[0];
    if (!store) throw new Error('no node');
    await store.alerts.insertRule({ id: uuidv7(), name: params.kind, enabled: true, severity: 'high', params, destinationIds: ['d1'], cooldownMinutes: 15, createdAt: '', updatedAt: '' });
    await Promise.all(engines.map((e) => e.reload()));
  }

  it('delivers an alert both nodes claim at the same moment exactly once', async () => {
    const [a, b] = [await node(), await node()];
    await addRule({ kind: 'content' });
    for (let round = 0; round < 5; round++) {
      agentId = uuidv7();
      const pii = event({ type: 'content', subject: { kind: 'file', path: '/media/usb/x.csv', matches: { mobile: 2 }, samples: [] } });
      a.offer([pii]);
      b.offer([pii]);
      await Promise.all([a.settled(), b.settled()]);
    }
    expect(received).toHaveLength(5);
    expect(new Set(received.map((n) => n.alert.entity.id)).size).toBe(5);
  });

  it('counts a threshold across nodes: events split between them add up', async () => {
    const [a, b] = [await node(), await node()];
    await addRule({ kind: 'threshold', count: 3, windowMinutes: 5, per: 'host', action: 'blocked' });
    a.offer([event(), event()]);
    await a.settled();
    expect(received).toHaveLength(0);
    b.offer([event()]);
    await b.settled();
    expect(received.map((n) => n.alert.details['countInWindow'])).toEqual([3]);
  });
});
