import { mkdirSync } from 'node:fs';
import { blockBySha256, Fleet, waitFor } from './harness/fleet';
import { copyProgram, renameCopy, startProgram, type TestProgram } from './harness/programs';

// One blocked program travels from a workstation to the console: real console and agent processes,
// a real program killed by the real /proc scanner, the event read back through the REST API.
describe('end to end: a blocked program is stopped and reported', () => {
  const fleet = new Fleet();
  let tool: TestProgram;

  beforeAll(async () => {
    await fleet.start();
    mkdirSync(fleet.programsDir, { recursive: true });
    tool = copyProgram(fleet.programsDir);
  }, 60_000);
  afterAll(() => fleet.stop());

  it('starts in monitor mode with the Default policy before anything is blocked', async () => {
    const agent = await fleet.waitForAgent('the first policy to be applied', (a) => a.policySerial !== null);
    expect(agent.info.os).toBe('linux');
    expect(agent.capabilities?.apps.method).toBe('proc-scan');
    const policy = await fleet.defaultPolicy();
    expect(policy.document.mode).toBe('monitor');
  });

  it('reports would-block in monitor mode and lets the program run', async () => {
    await fleet.publishDefault(blockBySha256(tool.sha256, 'monitor'));
    // Long enough for a scanner slowed by a busy machine to see it (and hash it) while it runs.
    const run = startProgram(tool.path, ['2']);
    expect(await run.exit).toEqual({ code: 0, signal: null });
    const events = await waitFor('a would-block event', async () => {
      const found = await fleet.events(`agentId=${fleet.agentId}&action=would-block`);
      return found.length > 0 ? found : undefined;
    });
    expect(events[0]).toMatchObject({ type: 'app', ruleId: 'block-e2e-tool', subject: { kind: 'process', sha256: tool.sha256 } });
  });

  it('kills the program in enforce mode and the console returns a blocked event naming agent, rule and sha256', async () => {
    await fleet.publishDefault(blockBySha256(tool.sha256));
    const run = startProgram(tool.path);
    expect(await run.exit).toEqual({ code: null, signal: 'SIGKILL' });
    const event = await waitFor('the blocked event', async () => (await fleet.events('action=blocked')).find((e) => e.subject.kind === 'process' && e.subject.pid === run.pid));
    expect(event).toMatchObject({
      agentId: fleet.agentId,
      type: 'app',
      action: 'blocked',
      ruleId: 'block-e2e-tool',
      subject: { kind: 'process', exePath: tool.path, name: tool.name, sha256: tool.sha256, method: 'proc-scan' },
    });
  });

  it('blocks a renamed copy too, because the rule matches content', async () => {
    const renamed = renameCopy(tool, fleet.programsDir, 'totally-harmless-notes');
    const run = startProgram(renamed.path);
    expect(await run.exit).toEqual({ code: null, signal: 'SIGKILL' });
    const event = await waitFor('the blocked event for the renamed copy', async () => (await fleet.events('action=blocked')).find((e) => e.subject.kind === 'process' && e.subject.pid === run.pid));
    expect(event.subject).toMatchObject({ name: 'totally-harmless-notes', sha256: tool.sha256 });
  });

  it('lets other programs run', async () => {
    const other = copyProgram(fleet.programsDir, '/bin/sleep', 'dlp-e2e-allowed');
    expect(await startProgram(other.path, ['0.3']).exit).toEqual({ code: 0, signal: null });
  });
});
