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
});
