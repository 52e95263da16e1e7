import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { agentConfig } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent, type RunningAgent } from './agent';
import { silentLogger } from './core/logger';
import { fanotifyPreExec } from './platform/linux/fanotify/fanotify-pre-exec';
import { ensureHelperBuilt } from './platform/linux/fanotify/testing/helper-binary';
import { mountTmpfs, NOBODY, type TmpfsMount } from './platform/linux/fanotify/testing/kernel-fixtures';
import { createLinuxPlatform } from './platform/linux/linux-platform';
import type { Platform } from './platform/types';
import { makeTempDir, signedPolicyFor, waitFor } from './testing/fixtures';
import { TestConsole } from './testing/test-console';

/**
 * Issue 12 item 5 on the pre-exec path (real kernel, run under `flock /tmp/dlp-kernel.lock`): a name
 * rule for the name users type matches the file the standard program folders link it to, which is
 * the only name the kernel reports. The program folders are a fake host root (`hostRoots.root`); the
 * program itself sits on a tmpfs only this test marks.
 */
const key = generateSigningKeyPair();
let helperPath: string;
let mount: TmpfsMount;

beforeAll(() => {
  helperPath = ensureHelperBuilt();
  mount = mountTmpfs('name-rules', 64);
  chmodSync(path.dirname(mount.mountPoint), 0o755);
});
afterAll(() => mount.cleanup());

function runAsNobody(file: string, args: string[]): Promise<{ error: string | null; code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    try {
      const child = spawn(file, args, { ...NOBODY, stdio: 'ignore' });
      child.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, code: null, signal: null }));
      child.once('exit', (code, signal) => resolve({ error: null, code, signal }));
    } catch (error) {
      resolve({ error: (error as NodeJS.ErrnoException).code ?? 'spawn failed', code: null, signal: null });
    }
  });
}

it('a name rule for the typed name blocks the program its /usr/bin and /etc/alternatives links resolve to', async () => {
  const { dir, cleanup } = await makeTempDir('name-rules');
  const console_ = await TestConsole.start({ key });
  let agent: RunningAgent | null = null;
  try {
    const suffix = randomBytes(3).toString('hex');
    const typed = `dlp-tool-${suffix}`;
    const resolved = `dlp-tool-${suffix}.5`;
    // Fake program folders: /usr/bin/<typed> → /etc/alternatives/<typed> → /usr/bin/<resolved>.
    const root = path.join(dir, 'root');
    mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
    mkdirSync(path.join(root, 'etc/alternatives'), { recursive: true });
    writeFileSync(path.join(root, 'usr/bin', resolved), '');
    symlinkSync(`/etc/alternatives/${typed}`, path.join(root, 'usr/bin', typed));
    symlinkSync(`/usr/bin/${resolved}`, path.join(root, 'etc/alternatives', typed));
    const program = mount.install(`bin-${suffix}/${resolved}`, { source: '/bin/true' });
    const other = mount.install(`bin-${suffix}/unrelated-${suffix}`, { source: '/bin/true' });

    const linux = createLinuxPlatform({ roots: { proc: '/proc', sys: path.join(dir, 'sys'), etc: '/etc' } });
    const platform: Platform = { ...linux, preExec: fanotifyPreExec({ agentPid: process.pid, processes: linux.processes, helperPath }) };
    const config = agentConfig.parse({
      consoleUrl: console_.url,
      enrollSecret: console_.enrollSecret,
      dataDir: path.join(dir, 'data'),
      appControl: { method: 'fanotify', fanotifyMarks: [mount.mountPoint] },
      hostRoots: { root },
    });
    const running = await startAgent(config, { platform, log: silentLogger, linkTimings: { backoffBaseMs: 20, backoffCapMs: 200 } });
    agent = running;
    await waitFor(() => running.linkState() === 'ready', 'the agent to be welcomed');
    console_.pushPolicy(signedPolicyFor(key, 2, { mode: 'enforce', apps: { rules: [{ id: 'no-tool', action: 'block', kind: 'name', value: typed }] } }));
    await waitFor(() => console_.receipts.some((r) => r.serial === 2 && r.status === 'applied'), 'the policy to be applied');

    expect(['EPERM', 'EACCES']).toContain((await runAsNobody(program, [])).error);
    expect(await runAsNobody(other, [])).toEqual({ error: null, code: 0, signal: null });
    const event = await waitFor(() => [...console_.events.values()].find((e) => e.type === 'app' && e.action === 'blocked'), 'the blocked event');
    expect(event).toMatchObject({ ruleId: 'no-tool', subject: { kind: 'process', name: resolved, method: 'fanotify' } });
  } finally {
    await agent?.stop();
    await console_.stop();
    await cleanup();
  }
});
