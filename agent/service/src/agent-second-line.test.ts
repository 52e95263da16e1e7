import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { agentConfig } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent } from './agent';
import { silentLogger } from './core/logger';
import { fanotifyPreExec } from './platform/linux/fanotify/fanotify-pre-exec';
import { ensureHelperBuilt } from './platform/linux/fanotify/testing/helper-binary';
import { mountTmpfs, NOBODY, sha256File, type TmpfsMount } from './platform/linux/fanotify/testing/kernel-fixtures';
import { createLinuxPlatform } from './platform/linux/linux-platform';
import type { Platform } from './platform/types';
import { signedPolicyFor, waitFor } from './testing/fixtures';
import { useAgentTestHarness } from './testing/agent-test-harness';

/**
 * Issue 12 item 10, against the real kernel (run under `flock /tmp/dlp-kernel.lock`): pre-exec
 * blocking marks one tmpfs; a program blocked by sha256 started from a second, unmarked tmpfs gets
 * past it, and the /proc second line kills it and reports a high-severity bypass.
 */
const key = generateSigningKeyPair();

let helperPath: string;
let marked: TmpfsMount;
let unmarked: TmpfsMount;

beforeAll(() => {
  helperPath = ensureHelperBuilt();
  marked = mountTmpfs('second-line-marked', 64);
  unmarked = mountTmpfs('second-line-unmarked', 64);
  for (const mount of [marked, unmarked]) chmodSync(path.dirname(mount.mountPoint), 0o755);
});
afterAll(() => {
  marked.cleanup();
  unmarked.cleanup();
});

/** Starts a program as nobody; resolves with how it ended (or the spawn error). */
function runAsNobody(file: string, args: string[]): Promise<{ error: string | null; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve) => {
    try {
      const child = spawn(file, args, { ...NOBODY, stdio: 'ignore' });
      child.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, signal: null, code: null }));
      child.once('exit', (code, signal) => resolve({ error: null, signal, code }));
    } catch (error) {
      resolve({ error: (error as NodeJS.ErrnoException).code ?? 'spawn failed', signal: null, code: null });
    }
  });
}

describe('second line behind pre-exec blocking (real kernel)', () => {
  const h = useAgentTestHarness('second-line', { key });

  it('kills blocked content run from a filesystem pre-exec blocking does not watch, and reports a bypass', async () => {
    const linux = createLinuxPlatform({ roots: { proc: '/proc', sys: path.join(h.dir, 'sys'), etc: '/etc' } });
    const platform: Platform = { ...linux, preExec: fanotifyPreExec({ agentPid: process.pid, processes: linux.processes, helperPath }) };
    const config = agentConfig.parse({
      consoleUrl: h.console.url,
      enrollSecret: h.console.enrollSecret,
      dataDir: path.join(h.dir, 'data'),
      secondLineIntervalMs: 200,
      appControl: { method: 'fanotify', fanotifyMarks: [marked.mountPoint] },
    });
    const running = await startAgent(config, { platform, log: silentLogger, linkTimings: { backoffBaseMs: 20, backoffCapMs: 200 } });
    h.agent = running;
    await waitFor(() => running.linkState() === 'ready', 'the agent to be welcomed');

    const seed = randomBytes(16);
    const onMarked = marked.install(`tool-${randomBytes(3).toString('hex')}/escape-tool`, { source: '/bin/sleep', append: seed });
    const onUnmarked = unmarked.install(`copy-${randomBytes(3).toString('hex')}/escape-tool`, { source: '/bin/sleep', append: seed });
    const sha256 = sha256File(onMarked);
    expect(sha256File(onUnmarked)).toBe(sha256);
    // A script too, run through /bin/sh (which is on no watched filesystem): judged from the command line.
    const script = path.join(path.dirname(onUnmarked), 'escape.sh');
    writeFileSync(script, `# ${randomBytes(8).toString('hex')}\nsleep 30\n`, { mode: 0o755 });
    const scriptSha256 = sha256File(script);
    h.console.pushPolicy(
      signedPolicyFor(key, 3, {
        mode: 'enforce',
        apps: {
          rules: [
            { id: 'no-escape-tool', action: 'block', kind: 'sha256', value: sha256 },
            { id: 'no-escape-script', action: 'block', kind: 'sha256', value: scriptSha256 },
          ],
        },
      }),
    );
    await waitFor(() => h.console.receipts.some((r) => r.serial === 3 && r.status === 'applied'), 'the policy to be applied');
    expect(running.capabilities().apps).toMatchObject({ method: 'fanotify', preExec: true });
    expect(running.capabilities().notes).toContainEqual(expect.stringMatching(/^apps: second line: \/proc scan every 200 ms/));

    // On the watched filesystem the kernel refuses it; the unwatched copy starts, then dies.
    expect(['EPERM', 'EACCES']).toContain((await runAsNobody(onMarked, ['30'])).error);
    expect(await runAsNobody(onUnmarked, ['30'])).toEqual({ error: null, code: null, signal: 'SIGKILL' });
    const bypass = await waitFor(() => [...h.console.events.values()].find((e) => e.type === 'bypass'), 'the bypass event');
    expect(bypass).toMatchObject({ action: 'blocked', severity: 'high', ruleId: 'no-escape-tool', policySerial: 3, user: 'nobody', subject: { kind: 'process', method: 'proc-scan', exePath: onUnmarked, sha256 } });

    expect(await runAsNobody('/bin/sh', [script])).toEqual({ error: null, code: null, signal: 'SIGKILL' });
    const scriptBypass = await waitFor(() => [...h.console.events.values()].find((e) => e.type === 'bypass' && e.ruleId === 'no-escape-script'), 'the script bypass event');
    expect(scriptBypass).toMatchObject({ action: 'blocked', severity: 'high', user: 'nobody', subject: { kind: 'process', exePath: script, name: 'escape.sh', sha256: scriptSha256 } });
  });
});
