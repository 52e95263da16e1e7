import { createJsonLogger } from '../logging/logger';
import { openPostgresStore, type PostgresConsoleStore } from '../store/postgres/postgres-store';
import { pgStatements } from '../store/postgres/pg-statements';
import { addAgent, addGroup, AGENT_INFO } from '../store/suite/suite-fixtures';
import { dropTestSchema, randomSchemaName, TEST_DATABASE_URL } from '../testing/postgres-schema';
import { NodeLiveness } from './node-liveness';

const quiet = createJsonLogger({ minLevel: 'error', write: () => undefined });

/** Two console nodes on one PostgreSQL schema; node B goes silent. */
describe('node liveness on PostgreSQL', () => {
  const schema = randomSchemaName('dlp_liveness');
  let nodeA: PostgresConsoleStore;
  let nodeB: PostgresConsoleStore;

  beforeAll(async () => {
    nodeA = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, nodeId: 'node-a', maxConnections: 2 });
    nodeB = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, nodeId: 'node-b', maxConnections: 2 });
  });

  afterAll(async () => {
    await nodeA.close();
    await nodeB.close();
    await dropTestSchema(schema);
  });

  it('marks offline the agents of a node not heard from, and only those', async () => {
    const group = await addGroup(nodeA, 'default', true);
    const onA = await addAgent(nodeA, group);
    const onB = await addAgent(nodeA, group, { hostname: 'ws-2' });
    const seenAt = new Date().toISOString();
    await nodeA.agents.recordHello(onA, { info: AGENT_INFO, policySerial: null, seenAt });
    await nodeB.agents.recordHello(onB, { info: { ...AGENT_INFO, hostname: 'ws-2' }, policySerial: null, seenAt });

    let now = 1_000_000;
    const clock = (): number => now;
    const livenessOf = (store: PostgresConsoleStore): NodeLiveness =>
      new NodeLiveness({ sql: pgStatements(store.pool), nodeId: store.nodeId, logger: quiet, silentAfterMs: 45_000, now: clock });
    const a = livenessOf(nodeA);
    const b = livenessOf(nodeB);
    const online = async (id: string): Promise<boolean | undefined> => (await nodeA.agents.findById(id))?.online;

    await b.beat();
    now += 30_000;
    expect(await a.beat()).toBe(0); // B spoke 30 s ago: alive
    expect([await online(onA), await online(onB)]).toEqual([true, true]);

    now += 30_000; // B silent for 60 s
    expect(await a.beat()).toBe(1);
    expect([await online(onA), await online(onB)]).toEqual([true, false]);

    // The agent reconnects (to any node): online again, and a later round leaves it alone.
    await nodeA.agents.recordHello(onB, { info: { ...AGENT_INFO, hostname: 'ws-2' }, policySerial: null, seenAt });
    now += 10_000;
    expect(await a.beat()).toBe(0);
    expect(await online(onB)).toBe(true);
  });

  it("repairs this node's online marks from its connections after the database was away", async () => {
    const group = await addGroup(nodeA, 'after-outage', false);
    const left = await addAgent(nodeA, group, { hostname: 'ws-left' });
    const stayed = await addAgent(nodeA, group, { hostname: 'ws-stayed' });
    const elsewhere = await addAgent(nodeA, group, { hostname: 'ws-elsewhere' });
    const seenAt = new Date().toISOString();
    // `left` disconnected while the database was down: its offline mark never landed.
    await nodeA.agents.recordHello(left, { info: AGENT_INFO, policySerial: null, seenAt });
    // `stayed` kept its connection, but another node took its online mark away meanwhile.
    await nodeA.agents.recordHello(stayed, { info: AGENT_INFO, policySerial: null, seenAt });
    await nodeA.agents.setOffline(stayed);
    // `elsewhere` is connected to node B: none of node A's business.
    await nodeB.agents.recordHello(elsewhere, { info: AGENT_INFO, policySerial: null, seenAt });

    // Back from the outage, node B stamps first: node A looks silent to it.
    await new NodeLiveness({ sql: pgStatements(nodeB.pool), nodeId: 'node-b', logger: quiet }).beat();
    const a = new NodeLiveness({ sql: pgStatements(nodeA.pool), nodeId: 'node-a', logger: quiet });
    a.trackConnectedAgents(() => [stayed]);
    await a.beat();
    const online = async (id: string): Promise<boolean | undefined> => (await nodeA.agents.findById(id))?.online;
    expect([await online(left), await online(stayed), await online(elsewhere)]).toEqual([false, true, true]);
  });
});
