import { copyFileSync, chmodSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Fleet, waitFor } from './harness/fleet';
import { startProgram } from './harness/programs';

// Issue 14 item 5, the first five minutes: `npm start` runs the console with --demo-rule, and its
// banner prints one command; running that command must give the newcomer a first event.
describe('end to end: the first event a newcomer makes after npm start', () => {
  const fleet = new Fleet({ consoleArgs: ['--demo-rule'] });

  beforeAll(() => fleet.start(), 60_000);
  afterAll(() => fleet.stop());

  it('reports a copy of any program named dlp-demo-blocked as would-block, and lets it run', async () => {
    const policy = await fleet.defaultPolicy();
    expect(policy.document.mode).toBe('monitor');
    expect(policy.document.apps.rules).toEqual([expect.objectContaining({ id: 'demo-first-event', kind: 'name', value: 'dlp-demo-blocked', action: 'block' })]);

    // What the banner of scripts/start.mjs tells the newcomer to run, in a folder of the test's own.
    mkdirSync(fleet.programsDir, { recursive: true });
    const demo = path.join(fleet.programsDir, 'dlp-demo-blocked');
    copyFileSync('/bin/sleep', demo);
    chmodSync(demo, 0o755);
    const run = startProgram(demo, ['2']);
    expect(await run.exit).toEqual({ code: 0, signal: null });
    const events = await waitFor('the demo would-block event', async () => {
      const found = await fleet.events(`agentId=${fleet.agentId}&action=would-block`);
      return found.length > 0 ? found : undefined;
    });
    expect(events[0]).toMatchObject({ type: 'app', ruleId: 'demo-first-event', subject: { kind: 'process', name: 'dlp-demo-blocked' } });
  });

  it('is what npm start turns on and tells the newcomer to run', () => {
    const start = readFileSync(path.join(__dirname, '../../scripts/start.mjs'), 'utf8');
    expect(start).toContain("'--demo-rule'");
    expect(start).toContain('dlp-demo-blocked');
  });
});
