import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync } from 'node:fs';
import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { ExecGuard } from './exec-guard';
import type { ExecDecision } from './exec-guard-types';
import { ensureHelperBuilt } from './testing/helper-binary';
import { parseHelperLine, type HelperMessage } from './helper-messages';
import { mountTmpfs, NOBODY, runAsNobody, sha256File, waitUntil, type TmpfsMount } from './testing/kernel-fixtures';

/** Hostile file names and kinds, tried as nobody on a tmpfs only this file marks. */
let helperPath: string;
let mount: TmpfsMount;
let guard: ExecGuard;
const decisions: ExecDecision[] = [];
const MARKER = 'BLOCKED-PROGRAM-RAN';

beforeAll(async () => {
  helperPath = ensureHelperBuilt();
  mount = mountTmpfs('hostile-files');
  chmodSync(path.dirname(mount.mountPoint), 0o755);
  const reference = mount.install('reference', { source: '/bin/echo' });
  guard = new ExecGuard({ helperPath, marks: [mount.mountPoint], statsIntervalMs: 0, reportIntervalMs: 0 });
  guard.on('decision', (decision) => decisions.push(decision));
  await guard.applyPolicy(
    appsSection.parse({
      rules: [
        { id: 'no-echo-copy', action: 'block', kind: 'sha256', value: sha256File(reference) },
        { id: 'no-named-tool', action: 'block', kind: 'name', value: 'tool' },
      ],
    }),
    'enforce',
  );
  await guard.start();
});

afterAll(async () => {
  await guard.stop();
  mount.cleanup();
});

it('refuses a blocked program whose name holds a newline, and reports the exact path', async () => {
  const tricky = mount.install('evil\nname', { source: '/bin/echo' });
  const outcome = await runAsNobody([tricky, MARKER]);
  expect(outcome.stdout).not.toContain(MARKER);
  expect(outcome.denied).toBe(true);
  await waitUntil(() => decisions.some((d) => d.exePath === tricky), 5000, 'the report');
  expect(decisions.find((d) => d.exePath === tricky)).toMatchObject({ verdict: 'deny', ruleId: 'no-echo-copy', name: 'evil\nname' });
});

it('never hangs on a FIFO named like a blocked program: the kernel refuses to exec it before asking, and decisions go on', async () => {
  const fifo = path.join(mount.mountPoint, 'tool');
  execFileSync('mkfifo', ['-m', '0777', fifo]);
  chownSync(fifo, NOBODY.uid, NOBODY.gid);
  const outcome = await runAsNobody([fifo]);
  expect(outcome).toMatchObject({ denied: true });
  expect(decisions.some((d) => d.exePath === fifo)).toBe(false);
  const other = mount.install('other-program', { source: '/bin/echo', append: '\n' });
  expect(await runAsNobody([other, 'still answering'])).toMatchObject({ code: 0, stdout: 'still answering\n' });
  expect((await guard.stats()).pending).toBe(0);
});

it('takes a rule set of 100,000 rules (the protocol limit), decides right with it, and refuses one rule more, keeping the old set', async () => {
  await guard.stop(); // this test drives a helper of its own directly on stdin
  const helper = spawn(helperPath, ['--stats-interval-ms', '0', '--report-interval-ms', '0'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const messages: HelperMessage[] = [];
  let buffered = '';
  helper.stdout.setEncoding('utf8');
  helper.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const parsed = parseHelperLine(line);
      if ('message' in parsed) messages.push(parsed.message);
    }
  });
  const ruleSet = (generation: number, count: number, blockedName: string) => {
    const lines = [`BEGIN ${generation}`, 'MODE enforce', 'DEFAULT allow', 'FAILMODE closed'];
    for (let i = 0; i < count - 1; i++) {
      lines.push(i % 2 ? `RULE n${i} block name tool-${i}` : `RULE s${i} block sha256 ${createHash('sha256').update(`x${i}`).digest('hex')}`);
    }
    lines.push(`RULE last block name ${blockedName}`, 'END');
    return `${lines.join('\n')}\n`;
  };
  try {
    helper.stdin.write(ruleSet(1, 100_000, 'huge-policy-target'));
    helper.stdin.write(`MARK ${mount.mountPoint}\n`);
    await waitUntil(() => messages.some((m) => m.type === 'marked'), 60_000, 'the big rule set and the mark');
    expect(messages.find((m) => m.type === 'ready')).toMatchObject({ generation: 1, rules: 100_000 });
    const target = mount.install('huge-policy-target', { source: '/bin/echo' });
    const other = mount.install('huge-policy-other', { source: '/bin/echo', append: 'other' });
    expect((await runAsNobody([target, MARKER])).stdout).not.toContain(MARKER);
    expect(await runAsNobody([other, 'fine'])).toMatchObject({ code: 0, stdout: 'fine\n' });

    helper.stdin.write(ruleSet(2, 100_001, 'huge-policy-other'));
    await waitUntil(() => messages.some((m) => m.type === 'error' && m.generation === 2), 60_000, 'the refusal of 100,001 rules');
    expect(await runAsNobody([other, 'still fine'])).toMatchObject({ code: 0, stdout: 'still fine\n' });
    expect((await runAsNobody([target, MARKER])).stdout).not.toContain(MARKER);
  } finally {
    helper.stdin.end();
    helper.kill('SIGKILL');
  }
}, 120_000);
