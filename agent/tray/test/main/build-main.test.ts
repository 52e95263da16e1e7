import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { IPC_VERSION, type IpcTrayReport } from '@dlp/shared';
import { FakeAgent, socketDir, until } from './fake-agent';
import { sampleStatus } from './samples';

const buildScript = path.join(__dirname, '../../build-main.mjs');

/** Runs build-main.mjs in its own Node process (it is an ES module) into `outDir`. */
function build(outDir: string): void {
  execFileSync(process.execPath, ['--input-type=module', '-e', `import { buildTrayMain } from ${JSON.stringify(buildScript)}; await buildTrayMain({ outDir: ${JSON.stringify(outDir)}, sourcemap: false });`], { stdio: 'pipe' });
}

const requiredModules = (bundle: string) => [...new Set([...readFileSync(bundle, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1] ?? ''))].sort();

describe('build-main.mjs', () => {
  let dir: string;
  let socketPath: string;
  let cleanup: () => void;

  beforeAll(() => {
    ({ socketPath, cleanup } = socketDir());
    dir = path.dirname(socketPath);
    build(path.join(dir, 'dist'));
  });
  afterAll(() => cleanup());

  it('bundles a preload that requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    expect(requiredModules(path.join(dir, 'dist/preload.js'))).toEqual(['electron']);
  });

  it('bundles a main process that requires only electron and Node built-ins (no native module)', () => {
    const required = requiredModules(path.join(dir, 'dist/main.js'));
    expect(required).toContain('electron');
    const foreign = required.filter((name) => name !== 'electron' && !builtinModules.includes(name.replace(/^node:/, '')));
    expect(foreign).toEqual([]);
  });

  it('starts under a stand-in electron module: subscribes, watermarks the display, reports to the agent', async () => {
    mkdirSync(path.join(dir, 'node_modules/electron'), { recursive: true });
    copyFileSync(path.join(__dirname, 'electron-stub/index.js'), path.join(dir, 'node_modules/electron/index.js'));
    const reports: IpcTrayReport['watermark'][] = [];
    const agent = await FakeAgent.start(socketPath, sampleStatus({ watermark: { enabled: true, text: 'Internal', opacity: 0.1 } }), (request) => {
      if (request.type === 'tray-report') reports.push(request.watermark);
      return { v: IPC_VERSION, type: 'tray-report-result', recorded: true };
    });
    const child = spawn(process.execPath, [path.join(dir, 'dist/main.js')], { env: { ...process.env, DLP_AGENT_SOCKET: socketPath }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await until(() => reports.some((r) => r.state === 'shown'), 10_000, `a shown report; output so far:\n${output}`);
      expect(reports.at(-1)).toEqual({ state: 'shown', shownOn: 1, displays: 1 });
      const lines = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      const window = lines.find((line) => line.what === 'window')?.options as { width: number; transparent: boolean; webPreferences: { preload: string; sandbox: boolean } };
      expect(window).toMatchObject({ width: 1280, transparent: true, webPreferences: { preload: path.join(dir, 'dist/preload.js'), sandbox: true } });
      expect(lines).toContainEqual({ what: 'load', url: `file://${path.join(dir, 'dist/renderer/watermark.html')}` });
      expect(lines).toContainEqual({ what: 'alwaysOnTop', flag: true, level: 'screen-saver' });
      expect(lines).toContainEqual({ what: 'permissions' });
      expect(lines.filter((line) => line.what === 'handle')).toHaveLength(6);
      expect(output).toContain('dlp-tray: running (en)');
    } finally {
      child.kill();
      await agent.close();
    }
  });
});
