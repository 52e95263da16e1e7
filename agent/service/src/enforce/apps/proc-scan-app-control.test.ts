import { appsSection, type AppsSection } from '@dlp/shared';
import { silentLogger } from '../logger';
import { FakeProcessTable, fakeSha256 } from '../../testing/fake-process-table';
import { waitFor } from '../../testing/fixtures';
import type { AppDecisionReport, AppPolicy } from './app-control';
import { ProcScanAppControl } from './proc-scan-app-control';

const TOOL_CONTENT = 'the forbidden tool';

function policy(mode: 'monitor' | 'enforce', apps: Partial<AppsSection>, serial = 7): AppPolicy {
  return { serial, mode, apps: appsSection.parse(apps) };
}

const blockTool = (mode: 'monitor' | 'enforce') =>
  policy(mode, {
    rules: [
      { id: 'no-tool-hash', action: 'block', kind: 'sha256', value: fakeSha256(TOOL_CONTENT) },
      { id: 'no-nc', action: 'block', kind: 'name', value: 'nc' },
    ],
  });

/** The fake process table and the agent's own identity (pid 4242, parent 4241), as the fake platform has them. */
interface FakeHost {
  processes: FakeProcessTable;
  self: { pid: number; ppid: number };
}

describe('ProcScanAppControl (fake process table)', () => {
  let platform: FakeHost;
  let reports: AppDecisionReport[];
  let control: ProcScanAppControl;

  function makeControl(reuseCheckEvery = 20): ProcScanAppControl {
    return new ProcScanAppControl({
      processes: platform.processes,
      self: platform.self,
      scanIntervalMs: 20,
      sink: { report: (r) => reports.push(r) },
      log: silentLogger,
      reuseCheckEvery,
    });
  }

  beforeEach(() => {
    platform = { processes: new FakeProcessTable(), self: { pid: 4242, ppid: 4241 } };
    reports = [];
    control = makeControl();
  });
  afterEach(async () => {
    await control.stop();
  });

  it('kills a blocked process in enforce mode and reports it, leaving others alone', async () => {
    platform.processes.spawn({ pid: 100, ppid: 50, uid: 1000, exePath: '/usr/bin/bash' });
    platform.processes.spawn({ pid: 101, ppid: 100, uid: 1000, exePath: '/home/alice/renamed-tool', content: TOOL_CONTENT });
    control.applyPolicy(blockTool('enforce'));
    await control.start();

    expect(platform.processes.isRunning(101)).toBe(false);
    expect(platform.processes.isRunning(100)).toBe(true);
    expect(reports).toEqual([
      {
        action: 'blocked',
        ruleId: 'no-tool-hash',
        policySerial: 7,
        method: 'proc-scan',
        process: { pid: 101, ppid: 100, uid: 1000, exePath: '/home/alice/renamed-tool', name: 'renamed-tool', sha256: fakeSha256(TOOL_CONTENT) },
      },
    ]);
  });

  it('identifies the binary by its hash even when a name rule decided', async () => {
    platform.processes.spawn({ pid: 150, exePath: '/usr/bin/nc', content: 'netcat build 42' });
    control.applyPolicy(policy('enforce', { rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc' }] }));
    await control.start();
    expect(platform.processes.isRunning(150)).toBe(false);
    expect(reports).toEqual([expect.objectContaining({ action: 'blocked', ruleId: 'no-nc', process: expect.objectContaining({ pid: 150, sha256: fakeSha256('netcat build 42') }) })]);
  });

  it('only reports in monitor mode, once per process', async () => {
    platform.processes.spawn({ pid: 200, exePath: '/usr/bin/nc' });
    control.applyPolicy(blockTool('monitor'));
    await control.start();
    const scansBefore = platform.processes.listCalls;
    await waitFor(() => platform.processes.listCalls >= scansBefore + 3, 'three more scans');

    expect(platform.processes.isRunning(200)).toBe(true);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ action: 'would-block', ruleId: 'no-nc', process: { pid: 200, name: 'nc', sha256: fakeSha256('binary:/usr/bin/nc') } });
  });

  it('does nothing before the first policy', async () => {
    platform.processes.spawn({ pid: 300, exePath: '/usr/bin/nc' });
    await control.start();
    expect(platform.processes.isRunning(300)).toBe(true);
    expect(reports).toEqual([]);
  });

  it('never kills itself, its parent, init or kernel threads, whatever the rules say', async () => {
    platform.processes.spawn({ pid: 1, exePath: '/usr/lib/systemd/systemd' });
    platform.processes.spawn({ pid: platform.self.pid, exePath: '/usr/bin/node' });
    platform.processes.spawn({ pid: platform.self.ppid, exePath: '/usr/bin/sudo' });
    platform.processes.spawn({ pid: 2, ppid: 0, exePath: null, kernelThread: true });
    platform.processes.spawn({ pid: 400, exePath: '/usr/bin/vim' });
    control.applyPolicy(policy('enforce', { rules: [{ id: 'block-all', action: 'block', kind: 'path', value: '/**' }] }));
    await control.start();

    expect(platform.processes.killed).toEqual([400]);
    expect(reports.map((r) => r.process.pid)).toEqual([400]);
  });

  it('catches a judged process that execs a blocked program', async () => {
    platform.processes.spawn({ pid: 500, exePath: '/usr/bin/bash' });
    control.applyPolicy(blockTool('enforce'));
    await control.start();
    expect(platform.processes.isRunning(500)).toBe(true);

    platform.processes.exec(500, '/usr/bin/nc');
    await waitFor(() => !platform.processes.isRunning(500), 'the exec to be caught');
    expect(reports).toEqual([expect.objectContaining({ action: 'blocked', ruleId: 'no-nc', process: expect.objectContaining({ pid: 500, exePath: '/usr/bin/nc' }) })]);
  });

  it('judges again after a pid is reused by another process running the same path', async () => {
    control = makeControl(2);
    platform.processes.spawn({ pid: 600, startTime: '1000', exePath: '/opt/app/run', content: 'harmless' });
    control.applyPolicy(blockTool('enforce'));
    await control.start();
    // The old process exits and, between two scans, a new one gets the same pid and path with other content.
    platform.processes.exit(600);
    platform.processes.spawn({ pid: 600, startTime: '2000', exePath: '/opt/app/run', content: TOOL_CONTENT });
    await waitFor(() => !platform.processes.isRunning(600), 'the reused pid to be judged');
    expect(reports).toEqual([expect.objectContaining({ ruleId: 'no-tool-hash', process: expect.objectContaining({ pid: 600 }) })]);
  });

  it('judges running processes again when a new policy arrives', async () => {
    platform.processes.spawn({ pid: 700, exePath: '/usr/bin/nc' });
    await control.start();
    expect(platform.processes.isRunning(700)).toBe(true);
    control.applyPolicy(blockTool('enforce'));
    await waitFor(() => !platform.processes.isRunning(700), 'the new policy to apply');
    expect(reports[0]).toMatchObject({ action: 'blocked', policySerial: 7 });
  });

  it('hashes a binary once however many processes run it', async () => {
    for (let pid = 800; pid < 810; pid++) platform.processes.spawn({ pid, exePath: '/usr/bin/python3', content: 'python' });
    control.applyPolicy(blockTool('enforce'));
    await control.start();
    expect(platform.processes.hashCalls).toBe(1);
    expect(platform.processes.killed).toEqual([]);
  });

  it('reports would-block when a blocked process cannot be killed', async () => {
    platform.processes.spawn({ pid: 900, exePath: '/usr/bin/nc' });
    platform.processes.protectedPids.add(900);
    control.applyPolicy(blockTool('enforce'));
    await control.start();
    expect(reports).toEqual([expect.objectContaining({ action: 'would-block', process: expect.objectContaining({ pid: 900 }) })]);
  });

  it('lets a blocked executable run under an exception for its content, and reports the exception in use', async () => {
    platform.processes.spawn({ pid: 950, uid: 1000, exePath: '/usr/bin/nc', content: 'approved netcat' });
    platform.processes.spawn({ pid: 951, uid: 1000, exePath: '/usr/local/bin/nc', content: 'other netcat' });
    control.applyPolicy({ ...blockTool('enforce'), exceptions: [{ id: 'exc-7', sha256: fakeSha256('approved netcat') }] });
    await control.start();
    expect(platform.processes.isRunning(950)).toBe(true);
    expect(platform.processes.isRunning(951)).toBe(false);
    expect(reports).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'allowed', ruleId: 'no-nc', exceptionId: 'exc-7', process: expect.objectContaining({ pid: 950, sha256: fakeSha256('approved netcat') }) }),
        expect.objectContaining({ action: 'blocked', ruleId: 'no-nc', process: expect.objectContaining({ pid: 951 }) }),
      ]),
    );
    expect(reports).toHaveLength(2);
  });

  it('reports its capability honestly', () => {
    expect(control.capabilities()).toEqual({ method: 'proc-scan', preExec: false, failMode: 'open' });
  });

  it('judges the script an allowed interpreter runs, by content, and kills the interpreter (reported under the script)', async () => {
    const script = 'echo the forbidden script';
    platform.processes.addFile('/home/alice/renamed.sh', script);
    control.applyPolicy(policy('enforce', { rules: [{ id: 'no-script', action: 'block', kind: 'sha256', value: fakeSha256(script) }] }));
    platform.processes.spawn({ pid: 900, exePath: '/usr/bin/dash', argv: ['sh', 'renamed.sh'], cwd: '/home/alice' });
    platform.processes.spawn({ pid: 901, exePath: '/usr/bin/dash', argv: ['sh', '-c', 'echo inline'], cwd: '/home/alice' });
    await control.start();
    expect(platform.processes.isRunning(900)).toBe(false);
    expect(platform.processes.isRunning(901)).toBe(true);
    expect(reports).toEqual([
      expect.objectContaining({ action: 'blocked', ruleId: 'no-script', method: 'proc-scan', process: expect.objectContaining({ pid: 900, exePath: '/home/alice/renamed.sh', name: 'renamed.sh', sha256: fakeSha256(script) }) }),
    ]);
  });
});
