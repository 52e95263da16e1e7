import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentLifecycle, STOP_REASON_FILE } from '../../../agent/service/src/core/lifecycle-events';
import type { EventInput } from '../../../agent/service/src/core/event-factory';
import { silentLogger } from '../../../agent/service/src/core/logger';

const prerm = path.resolve(__dirname, '../debian/prerm');
const preun = path.resolve(__dirname, '../rpm/preun.sh');

/**
 * Runs a maintainer script with /bin/sh in a temp root (DPKG_ROOT) and with a PATH whose
 * systemctl is a stub that only records its arguments: nothing here touches the host's units.
 */
function runScript(root: string, script: string, arg: string): Promise<{ code: number; systemctl: string }> {
  const bin = path.join(root, 'stub-bin');
  mkdirSync(bin, { recursive: true });
  const calls = path.join(root, 'systemctl-calls');
  writeFileSync(path.join(bin, 'systemctl'), `#!/bin/sh\necho "$*" >>"${calls}"\n`);
  chmodSync(path.join(bin, 'systemctl'), 0o755);
  return new Promise((resolve) => {
    execFile('sh', [script, arg], { env: { DPKG_ROOT: root, PATH: `${bin}:/usr/bin:/bin` } }, (error) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, systemctl: existsSync(calls) ? readFileSync(calls, 'utf8') : '' });
    });
  });
}

describe('package removal tells the agent why it stops (debian/prerm, rpm/preun.sh)', () => {
  let root: string;
  let dataDir: string;
  let marker: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'dlp-prerm-'));
    dataDir = path.join(root, 'var/lib/dlp-agent');
    marker = path.join(dataDir, STOP_REASON_FILE);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['prerm remove', prerm, 'remove'],
    ['%preun on erase', preun, '0'],
  ])('%s writes a root-only "package-removal" into the data dir before stopping the service', async (_name, script, arg) => {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    expect((await runScript(root, script, arg)).code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('package-removal\n');
    expect(statSync(marker).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['prerm upgrade', prerm, 'upgrade'],
    ['prerm deconfigure', prerm, 'deconfigure'],
    ['%preun on upgrade', preun, '1'],
  ])('%s writes nothing (the agent is restarted, not removed)', async (_name, script, arg) => {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    expect((await runScript(root, script, arg)).code).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('a removal of a never-configured agent (no data dir) succeeds and creates nothing', async () => {
    expect((await runScript(root, prerm, 'remove')).code).toBe(0);
    const rpm = await runScript(root, preun, '0');
    expect(rpm.code).toBe(0);
    expect(rpm.systemctl).toBe('disable dlp-agent.service\n');
    expect(existsSync(path.join(root, 'var'))).toBe(false);
  });

  /** An installed agent in the temp root whose `authorize-uninstall` answers `exit` (a stub of the bundled node). */
  function installedAgent(exit: number): string {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    mkdirSync(path.join(root, 'etc/dlp'), { recursive: true });
    writeFileSync(path.join(root, 'etc/dlp/agent.json'), '{}');
    const lib = path.join(root, 'usr/lib/dlp-agent');
    mkdirSync(lib, { recursive: true });
    const calls = path.join(root, 'node-calls');
    writeFileSync(path.join(lib, 'node'), `#!/bin/sh\necho "$*" >>"${calls}"\nexit ${exit}\n`);
    chmodSync(path.join(lib, 'node'), 0o755);
    return calls;
  }

  it.each([
    ['prerm remove', prerm, 'remove'],
    ['%preun on erase', preun, '0'],
  ])('%s asks the agent first, and a refusal (enforce mode, no uninstall code) fails it before anything stops', async (_name, script, arg) => {
    const calls = installedAgent(5);
    writeFileSync(path.join(root, 'etc/dlp/uninstall-code'), 'XXXX\n');
    const outcome = await runScript(root, script, arg);
    expect(outcome).toEqual({ code: 1, systemctl: '' });
    expect(readFileSync(calls, 'utf8')).toBe(`${root}/usr/lib/dlp-agent/service.js authorize-uninstall --config ${root}/etc/dlp/agent.json --code-file ${root}/etc/dlp/uninstall-code\n`);
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    ['prerm remove', prerm, 'remove'],
    ['%preun on erase', preun, '0'],
  ])('%s goes on when the agent allows it, keeping the stop reason the code wrote', async (_name, script, arg) => {
    installedAgent(0);
    writeFileSync(marker, 'package-removal\nuninstall-code 0a1b2c3d\n', { mode: 0o600 });
    expect((await runScript(root, script, arg)).code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('package-removal\nuninstall-code 0a1b2c3d\n');
  });

  it('the agent reads what the script wrote: its stop event says package removal', async () => {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const recorded: EventInput[] = [];
    const lifecycle = await AgentLifecycle.begin({ dataDir, record: (e) => void recorded.push(e), log: silentLogger });
    await runScript(root, prerm, 'remove');
    await lifecycle.stopping('SIGTERM', { flush: async () => undefined, drain: async () => true });
    expect(recorded).toEqual([expect.objectContaining({ severity: 'high', subject: expect.objectContaining({ message: 'agent stopping for package removal (SIGTERM)' }) })]);
    expect(existsSync(marker)).toBe(false);
  });
});
