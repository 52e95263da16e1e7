import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HostHardening } from './hardening';

/** A fake proc tree with the sysctls the hardening section touches. */
function fakeProc(root: string, files: Record<string, string>): void {
  for (const [sysctl, value] of Object.entries(files)) {
    const file = path.join(root, 'sys', ...sysctl.split('.'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${value}\n`);
  }
}

function read(root: string, sysctl: string): string {
  return readFileSync(path.join(root, 'sys', ...sysctl.split('.')), 'utf8').trim();
}

describe('host hardening against a fake proc tree', () => {
  let dir: string;
  let proc: string;
  let stateFile: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-hardening-'));
    proc = path.join(dir, 'proc');
    stateFile = path.join(dir, 'hardening.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sets every switch in enforce mode, restores the host values when the policy turns them off', async () => {
    fakeProc(proc, { 'user.max_user_namespaces': '96367', 'vm.memfd_noexec': '0' });
    const sys = path.join(dir, 'sys');
    const fuseParameter = path.join(sys, 'module', 'fuse', 'parameters', 'allow_sys_admin_access');
    mkdirSync(path.dirname(fuseParameter), { recursive: true });
    writeFileSync(fuseParameter, 'N\n');
    const hardening = new HostHardening({ procRoot: proc, sysRoot: sys, stateFile });
    const on = await hardening.applySection({ restrictUserNamespaces: true, memfdNoexec: true, fuseSysAdminAccess: true }, 'enforce');
    expect(on).toEqual([
      { switch: 'restrictUserNamespaces', requested: true, state: 'on', value: 'user.max_user_namespaces=0' },
      { switch: 'memfdNoexec', requested: true, state: 'on', value: 'vm.memfd_noexec=2' },
      { switch: 'fuseSysAdminAccess', requested: true, state: 'on', value: 'fuse.allow_sys_admin_access=Y' },
    ]);
    expect(read(proc, 'user.max_user_namespaces')).toBe('0');
    expect(readFileSync(fuseParameter, 'utf8').trim()).toBe('Y');
    // A restarted agent (new instance) still knows what the host had.
    const again = new HostHardening({ procRoot: proc, sysRoot: sys, stateFile });
    const off = await again.applySection(undefined, 'enforce');
    expect(off.map((s) => s.state)).toEqual(['off', 'off', 'off']);
    expect(read(proc, 'user.max_user_namespaces')).toBe('96367');
    expect(read(proc, 'vm.memfd_noexec')).toBe('0');
    expect(readFileSync(fuseParameter, 'utf8').trim()).toBe('N');
  });

  it('restores the fuse parameter on a clean stop, and reports the switch unavailable where the fuse module is not loaded', async () => {
    const sys = path.join(dir, 'sys');
    const fuseParameter = path.join(sys, 'module', 'fuse', 'parameters', 'allow_sys_admin_access');
    const noFuse = new HostHardening({ procRoot: proc, sysRoot: sys, stateFile });
    expect((await noFuse.applySection({ fuseSysAdminAccess: true }, 'enforce'))[2]).toEqual({ switch: 'fuseSysAdminAccess', requested: true, state: 'unavailable', value: null });
    mkdirSync(path.dirname(fuseParameter), { recursive: true });
    writeFileSync(fuseParameter, 'N\n');
    const hardening = new HostHardening({ procRoot: proc, sysRoot: sys, stateFile });
    expect((await hardening.applySection({ fuseSysAdminAccess: true }, 'enforce'))[2]?.state).toBe('on');
    await hardening.restoreAll();
    expect(readFileSync(fuseParameter, 'utf8').trim()).toBe('N');
    expect(hardening.status()[2]?.state).toBe('off');
  });

  it('changes nothing in monitor mode and says what it would do', async () => {
    fakeProc(proc, { 'user.max_user_namespaces': '100', 'vm.memfd_noexec': '0' });
    const hardening = new HostHardening({ procRoot: proc, stateFile });
    const statuses = await hardening.applySection({ restrictUserNamespaces: true, memfdNoexec: false }, 'monitor');
    expect(statuses[0]).toEqual({ switch: 'restrictUserNamespaces', requested: true, state: 'would-apply', value: 'user.max_user_namespaces=100' });
    expect(statuses[1]?.state).toBe('off');
    expect(read(proc, 'user.max_user_namespaces')).toBe('100');
  });

  it("prefers AppArmor's switch where present and reports a kernel without memfd_noexec as unavailable", async () => {
    fakeProc(proc, { 'user.max_user_namespaces': '100', 'kernel.apparmor_restrict_unprivileged_userns': '0' });
    const hardening = new HostHardening({ procRoot: proc, stateFile });
    const statuses = await hardening.applySection({ restrictUserNamespaces: true, memfdNoexec: true }, 'enforce');
    expect(statuses).toEqual([
      { switch: 'restrictUserNamespaces', requested: true, state: 'on', value: 'kernel.apparmor_restrict_unprivileged_userns=1' },
      { switch: 'memfdNoexec', requested: true, state: 'unavailable', value: null },
      // No sysfs root given: the fuse parameter cannot be reached.
      { switch: 'fuseSysAdminAccess', requested: false, state: 'off', value: null },
    ]);
    expect(read(proc, 'user.max_user_namespaces')).toBe('100');
    await hardening.restoreAll();
    expect(read(proc, 'kernel.apparmor_restrict_unprivileged_userns')).toBe('0');
    expect(hardening.status()[0]?.state).toBe('off');
  });
});
