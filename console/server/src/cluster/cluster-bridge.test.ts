import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { uuidv7, type StoredEvent } from '@dlp/shared';
import { ConsoleEvents } from '../service-kit/console-events';
import { openPostgresStore, type PostgresConsoleStore } from '../store/postgres/postgres-store';
import { pgEventsInRanges } from '../store/postgres/pg-event-queries';
import { pgStatements } from '../store/postgres/pg-statements';
import { policyVersion, seedAgent, storedEvent } from '../store/suite/suite-fixtures';
import { createMemoryLogger } from '../testing/memory-logger';
import { waitFor } from '../testing/wait-for';
import { ClusterBridge, mergeRanges, seqRanges } from './cluster-bridge';
import { InProcessClusterBus, InProcessClusterHub } from './cluster-bus';
import { PgClusterBus } from './pg-cluster-bus';

const DATABASE_URL = process.env.DLP_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

interface Node {
  store: PostgresConsoleStore;
  events: ConsoleEvents;
  bus: PgClusterBus;
  bridge: ClusterBridge;
  /** Everything emitted on this node's in-process bus, in order. */
  seen: Array<{ kind: string; value: unknown }>;
}

describe('cluster bridge over PostgreSQL LISTEN/NOTIFY', () => {
  let schema = '';
  let channel = '';
  const nodes: Node[] = [];
  const logger = createMemoryLogger();

  async function startNode(nodeId: string): Promise<Node> {
    const store = await openPostgresStore({ connectionString: DATABASE_URL, schema, maxConnections: 4, nodeId });
    const events = new ConsoleEvents(() => undefined);
    const bus = await PgClusterBus.start({ connection: { connectionString: DATABASE_URL }, pool: store.pool, channel, nodeId, logger, reconnectMinMs: 50 });
    const sql = pgStatements(store.pool);
    const bridge = new ClusterBridge({ events, bus, store, readEvents: (ranges) => pgEventsInRanges(sql, ranges), logger });
    const seen: Node['seen'] = [];
    events.on('events-stored', (value) => seen.push({ kind: 'events-stored', value }));
    events.on('policy-changed', (value) => seen.push({ kind: 'policy-changed', value }));
    events.on('agent-moved', (value) => seen.push({ kind: 'agent-moved', value }));
    events.on('agent-revoked', (value) => seen.push({ kind: 'agent-revoked', value }));
    events.on('exception-revoked', (value) => seen.push({ kind: 'exception-revoked', value }));
    const node = { store, events, bus, bridge, seen };
    nodes.push(node);
    return node;
  }

  beforeEach(() => {
    schema = `dlp_t_${randomBytes(6).toString('hex')}`;
    channel = `dlp_cluster_${schema}`;
  });

  afterEach(async () => {
    for (const node of nodes.splice(0)) {
      await node.bridge.close();
      await node.bus.close();
      await node.store.close();
    }
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
  });

  it('shows events committed on one node in the other node\'s live feed, once and in order', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const { agentId } = await seedAgent(a.store);
    const batch: StoredEvent[] = Array.from({ length: 300 }, (_, i) => storedEvent(agentId, i + 1, { user: '王五' }));
    await a.store.transaction((tx) => tx.events.insertEvents(batch));
    a.events.emit('events-stored', batch);

    const received = await waitFor('events on node B', () => {
      const all = b.seen.filter((s) => s.kind === 'events-stored').flatMap((s) => s.value as StoredEvent[]);
      return all.length >= 300 ? all : undefined;
    });
    expect(received.map((e) => e.seq)).toEqual(batch.map((e) => e.seq));
    expect(received[0]).toEqual(batch[0]);
    // Node A saw its own emission only; nothing bounced back.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(a.seen.filter((s) => s.kind === 'events-stored')).toHaveLength(1);
  });

  it('gathers many small batches into few notifications, losing none', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const { agentId } = await seedAgent(a.store);
    let notifications = 0;
    const counter = new pg.Client({ connectionString: DATABASE_URL });
    await counter.connect();
    counter.on('notification', () => void (notifications += 1));
    await counter.query(`LISTEN ${channel}`);
    try {
      for (let seq = 1; seq <= 200; seq++) {
        const event = storedEvent(agentId, seq);
        await a.store.events.insertEvents([event]);
        a.events.emit('events-stored', [event]);
      }
      const received = await waitFor('200 events on node B', () => {
        const all = b.seen.filter((s) => s.kind === 'events-stored').flatMap((s) => s.value as StoredEvent[]);
        return all.length >= 200 ? all : undefined;
      });
      expect(received.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(notifications).toBeLessThan(200);
    } finally {
      await counter.end();
    }
  });

  it('carries policy, move, revoke and exception announcements by reference and reads them back', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const { groupId, agentId } = await seedAgent(a.store);
    const version = policyVersion(uuidv7(), 1, 1);
    await a.store.policies.insertVersion(version);
    await a.store.groups.setPolicy(groupId, version.id);

    a.events.emit('policy-changed', { groupIds: [groupId], policy: version.signed });
    a.events.emit('agent-moved', { agentId, groupId, policy: version.signed });
    a.events.emit('agent-revoked', agentId);
    a.events.emit('exception-revoked', { agentId, id: uuidv7(), serial: 4 });
    await waitFor('four messages on node B', () => b.seen.length >= 4 || undefined);
    expect(b.seen.map((s) => s.kind)).toEqual(['policy-changed', 'agent-moved', 'agent-revoked', 'exception-revoked']);
    expect(b.seen[0]?.value).toEqual({ groupIds: [groupId], policy: version.signed });
    expect(b.seen[1]?.value).toEqual({ agentId, groupId, policy: version.signed });
  });

  it('ignores malformed notifications and recovers from a lost LISTEN connection with a resync', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const { groupId, agentId } = await seedAgent(a.store);
    const version = policyVersion(uuidv7(), 1, 1);
    await a.store.policies.insertVersion(version);
    await a.store.groups.setPolicy(groupId, version.id);

    await a.store.pool.query('SELECT pg_notify($1, $2)', [channel, '{"origin":"x","message":{"kind":"agent-revoked"}}']);
    await a.store.pool.query('SELECT pg_notify($1, $2)', [channel, 'not json']);
    a.events.emit('agent-revoked', agentId);
    await waitFor('the valid message', () => b.seen.length >= 1 || undefined);
    expect(b.seen).toEqual([{ kind: 'agent-revoked', value: agentId }]);
    expect(logger.records.some((r) => r.msg === 'cluster message refused')).toBe(true);

    // The database drops node B's listener: B reconnects and re-offers current policies locally.
    await a.store.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()", [`LISTEN ${channel}`]);
    await waitFor('resync on node B', () => b.seen.some((s) => s.kind === 'policy-changed') || undefined);
    expect(b.bus.listening).toBe(true);
    a.events.emit('exception-revoked', { agentId, id: uuidv7(), serial: 9 });
    await waitFor('a message after the reconnect', () => b.seen.some((s) => s.kind === 'exception-revoked') || undefined);
  });
});

describe('cluster bus in process', () => {
  it('delivers to the other members of its hub, never to the sender', async () => {
    const hub = new InProcessClusterHub();
    const [a, b] = [new InProcessClusterBus('a', hub), new InProcessClusterBus('b', hub)];
    const gotA: unknown[] = [];
    const gotB: unknown[] = [];
    a.subscribe((m) => gotA.push(m));
    b.subscribe((m) => gotB.push(m));
    await a.publish({ kind: 'agent-revoked', agentId: 'x' });
    await waitFor('delivery', () => gotB.length > 0 || undefined);
    expect(gotB).toEqual([{ kind: 'agent-revoked', agentId: 'x' }]);
    expect(gotA).toEqual([]);
    await expect(a.publish({ kind: 'agent-revoked', agentId: '' })).rejects.toThrow();
    await a.close();
    await b.close();
  });

  it('turns a batch into per-agent runs of consecutive sequence numbers, and joins runs that continue', () => {
    const e = (agentId: string, seq: number): StoredEvent => storedEvent(agentId, seq);
    expect(seqRanges([e('a', 1), e('a', 2), e('b', 7), e('a', 3), e('a', 5), e('b', 8)])).toEqual([
      { agentId: 'a', from: 1, to: 3 },
      { agentId: 'b', from: 7, to: 8 },
      { agentId: 'a', from: 5, to: 5 },
    ]);
    // Consecutive batches of one agent gathered into one announcement.
    expect(mergeRanges([{ agentId: 'a', from: 1, to: 500 }, { agentId: 'b', from: 1, to: 9 }, { agentId: 'a', from: 501, to: 1000 }])).toEqual([
      { agentId: 'a', from: 1, to: 1000 },
      { agentId: 'b', from: 1, to: 9 },
    ]);
  });
});
