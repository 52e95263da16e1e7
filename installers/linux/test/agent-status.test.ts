import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const statusScript = path.resolve(__dirname, '../files/agent-status.js');

/** Runs `dlp-agent status` the way the launcher does: the status script with the config path. */
function status(configPath: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [statusScript, configPath], (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }));
  });
}

describe('dlp-agent diagnose (installers/linux/files/agent-status.js)', () => {
  let dir: string;
  let dataDir: string;
  let configPath: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dlp-status-'));
    dataDir = path.join(dir, 'data');
    configPath = path.join(dir, 'agent.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says how to configure when there is no agent.json (exit 3)', async () => {
    const result = await status(configPath);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe(`configured: no (${configPath} does not exist; write /etc/dlp/agent.conf and run: dlp-agent configure)\n`);
  });

  it('reports configured but not enrolled, not running, no policy (exit 1)', async () => {
    mkdirSync(dataDir);
    writeFileSync(configPath, JSON.stringify({ consoleUrl: 'ws://console.example/agent', dataDir }));
    const result = await status(configPath);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `configured: yes (console ws://console.example/agent, data in ${dataDir})`,
      'enrolled: not yet',
      'running: no',
      'last good policy on disk: none (monitor mode, no rules)',
      '',
    ]);
  });

  it('reports the enrollment, the running pid and the newest policy file (exit 0)', async () => {
    mkdirSync(path.join(dataDir, 'policies'), { recursive: true });
    writeFileSync(configPath, JSON.stringify({ consoleUrl: 'wss://c.example/agent', dataDir }));
    writeFileSync(path.join(dataDir, 'credentials.json'), JSON.stringify({ agentId: 'agent-1', enrolledAt: '2026-12-06T00:00:00.000Z', consoleKey: { keyId: '0123456789abcdef' } }));
    writeFileSync(path.join(dataDir, 'agent.pid'), `${process.pid}\n`);
    writeFileSync(path.join(dataDir, 'policies/1.json'), '{}');
    writeFileSync(path.join(dataDir, 'policies/2.json'), '{}');
    utimesSync(path.join(dataDir, 'policies/1.json'), new Date('2026-12-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'));
    utimesSync(path.join(dataDir, 'policies/2.json'), new Date('2026-12-05T00:00:00Z'), new Date('2026-12-05T00:00:00Z'));
    const result = await status(configPath);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('enrolled: yes (agent agent-1, since 2026-12-06T00:00:00.000Z, console key 0123456789abcdef)');
    expect(result.stdout).toContain(`running: yes (pid ${process.pid})`);
    expect(result.stdout).toContain('last good policy on disk: 2.json (2026-12-05T00:00:00.000Z)');
  });
});
