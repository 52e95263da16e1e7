import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { agentConfig } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent, type RunningAgent } from '../../agent';
import { silentLogger } from '../../core/logger';
import { makeTempDir, signedPolicyFor, waitFor } from '../../testing/fixtures';
import { TestConsole } from '../../testing/test-console';
import { captureToolContentRules } from './capture-tool-content';
import { HostRuleSources } from './host-rule-sources';
import { createLinuxPlatform } from './linux-platform';
import { dpkgDatabase, parseDpkgFileList, parseRpmFileList } from './package-files';
import { fakeDpkgHost } from './testing/fake-dpkg-host';

const key = generateSigningKeyPair();
const NOBODY = { uid: 65534, gid: 65534 };

const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('capture tools by content (issue 12 item 6)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('capture-content'));
  });
  afterEach(() => cleanup());

  it('parses dpkg and rpm file lists', () => {
    expect(parseDpkgFileList('/.\n/usr\n/usr/bin/flameshot\npackage diverts others to: /x\n\n')).toEqual(['/usr', '/usr/bin/flameshot']);
    expect(parseRpmFileList('/usr/bin/scrot\n/usr/share/man/man1/scrot.1.gz\npackage maim is not installed\n(contains no files)\n')).toEqual(['/usr/bin/scrot', '/usr/share/man/man1/scrot.1.gz']);
  });

  it("hashes only the tool's own executables that its packages install, and notices package changes", async () => {
    const root = path.join(dir, 'root');
    fakeDpkgHost(root, {
      flameshot: { '/usr/bin/flameshot': '/bin/sleep', '/usr/share/doc/flameshot/README': '/etc/hostname' },
      // mate-utils ships other programs too: only mate-screenshot is a capture tool.
      'mate-utils': { '/usr/bin/mate-screenshot': '/bin/true', '/usr/bin/mate-dictionary': '/bin/false' },
    });
    const rules = await captureToolContentRules('linux', dpkgDatabase(root), root);
    expect(rules.map((r) => [r.id, r.kind, r.value])).toEqual([
      ['screen:flameshot', 'sha256', sha256Of(path.join(root, 'usr/bin/flameshot'))],
      ['screen:mate-screenshot', 'sha256', sha256Of(path.join(root, 'usr/bin/mate-screenshot'))],
    ]);

    const sources = new HostRuleSources(root);
    expect(await sources.captureToolContent()).toHaveLength(2);
    expect(await sources.packagesChanged()).toBe(false);
    fakeDpkgHost(root, { scrot: { '/usr/bin/scrot': '/bin/true' } });
    utimesSync(path.join(root, 'var/lib/dpkg/status'), new Date(), new Date(Date.now() + 5000));
    expect(await sources.packagesChanged()).toBe(true);
    expect((await sources.captureToolContent()).map((r) => r.id)).toContain('screen:scrot');
  });

  it('kills a renamed copy of an installed capture tool that nobody runs, and names the tool (proc-scan, real /proc)', async () => {
    const root = path.join(dir, 'root');
    fakeDpkgHost(root, { flameshot: { '/usr/bin/flameshot': '/bin/sleep' } });
    const copy = path.join(dir, 'programs', 'quarterly-notes');
    mkdirSync(path.dirname(copy), { recursive: true });
    copyFileSync(path.join(root, 'usr/bin/flameshot'), copy);
    chmodSync(copy, 0o755);
    for (const folder of [dir, path.dirname(copy)]) chmodSync(folder, 0o755);
    const sha256 = sha256Of(copy);

    const console_ = await TestConsole.start({ key });
    let agent: RunningAgent | null = null;
    try {
      const linux = createLinuxPlatform({ roots: { proc: '/proc', sys: path.join(dir, 'sys'), etc: '/etc' } });
      const config = agentConfig.parse({
        consoleUrl: console_.url,
        enrollSecret: console_.enrollSecret,
        dataDir: path.join(dir, 'data'),
        scanIntervalMs: 50,
        appControl: { method: 'proc-scan' },
        hostRoots: { root },
      });
      const running = await startAgent(config, { platform: linux, log: silentLogger, linkTimings: { backoffBaseMs: 20, backoffCapMs: 200 } });
      agent = running;
      await waitFor(() => running.linkState() === 'ready', 'the agent to be welcomed');
      console_.pushPolicy(signedPolicyFor(key, 2, { mode: 'enforce', screen: { blockCaptureTools: true } }));
      await waitFor(() => console_.receipts.some((r) => r.serial === 2 && r.status === 'applied'), 'the policy to be applied');

      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
        const child = spawn(copy, ['30'], { ...NOBODY, stdio: 'ignore' });
        child.once('error', reject);
        child.once('exit', (code, signal) => resolve({ code, signal }));
      });
      expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
      const event = await waitFor(() => [...console_.events.values()].find((e) => e.type === 'screen-capture'), 'the screen-capture event');
      expect(event).toMatchObject({ action: 'blocked', ruleId: 'screen:flameshot', subject: { kind: 'process', exePath: copy, name: 'quarterly-notes', sha256, method: 'proc-scan' } });
    } finally {
      await agent?.stop();
      await console_.stop();
    }
  });
});
