import { mkdirSync } from 'node:fs';
import { blockBySha256, Fleet, waitFor } from './harness/fleet';
import { copyProgram, startProgram } from './harness/programs';

// Principles 1 and 3: enforcement never depends on the console, and nothing acknowledged is lost or
// stored twice. The console is stopped while the agent keeps blocking; after a restart on the same
// data and port every event arrives exactly once.
describe('end to end: the console goes away and comes back', () => {
  const fleet = new Fleet();

  beforeAll(async () => {
    await fleet.start();
    mkdirSync(fleet.programsDir, { recursive: true });
  }, 60_000);
  afterAll(() => fleet.stop());

  it('keeps enforcing while the console is down and delivers every event exactly once afterwards', async () => {
    const tool = copyProgram(fleet.programsDir);
    await fleet.publishDefault(blockBySha256(tool.sha256));
    const port = fleet.console.port;

    // Blocked while online: proves the path works before the outage.
    const before = startProgram(tool.path);
    expect((await before.exit).signal).toBe('SIGKILL');
    await waitFor('the first event', async () => (await fleet.events('action=blocked')).length === 1);

    await fleet.console.stop();
    const offlinePids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const run = startProgram(tool.path);
      expect(await run.exit).toEqual({ code: null, signal: 'SIGKILL' });
      offlinePids.push(run.pid);
    }

    await fleet.startConsole(port);
    const events = await waitFor('all six blocked events after the restart', async () => {
      const found = await fleet.events(`action=blocked&agentId=${fleet.agentId}`);
      return found.length >= 6 ? found : undefined;
    }, 60_000);

    // Exactly once: six events, six distinct ids and sequence numbers, one per killed process.
    expect(events).toHaveLength(6);
    expect(new Set(events.map((e) => e.id)).size).toBe(6);
    expect(new Set(events.map((e) => e.seq)).size).toBe(6);
    const pids = events.map((e) => (e.subject.kind === 'process' ? e.subject.pid : -1));
    expect(pids).toEqual(expect.arrayContaining([before.pid, ...offlinePids]));
    // The agent's outbox drains once everything is acknowledged.
    const agent = await fleet.waitForAgent('the agent to be acknowledged up to its last event', (a) => a.ackedSeq >= Math.max(...events.map((e) => e.seq)));
    expect(agent.online).toBe(true);
  }, 120_000);
});
