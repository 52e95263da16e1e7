import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HostHardening } from './hardening';

// Real sysctls of this machine: run only as `flock /tmp/dlp-kernel.lock npx jest <this file>`.
const NOBODY = { uid: 65534, gid: 65534 };

function sysctl(name: string): string {
  return readFileSync(path.join('/proc/sys', ...name.split('.')), 'utf8').trim();
}

/** CAP_SYS_RESOURCE (bit 24) in this process's effective set: needed to write user.max_user_namespaces. */
function hasSysResource(): boolean {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('CapEff:')) ?? '';
  return (BigInt(`0x${line.split(/\s+/)[1] ?? '0'}`) & (1n << 24n)) !== 0n;
}

/** The fuse module's allow_sys_admin_access parameter (Y/N). */
function fuseSysAdminAccess(): string {
  return readFileSync('/sys/module/fuse/parameters/allow_sys_admin_access', 'utf8').trim();
}

/** `unshare -U` as nobody: can an ordinary employee create a user namespace? */
function nobodyUnshare(): { status: number | null; stderr: string } {
  const run = spawnSync('unshare', ['-U', 'true'], { ...NOBODY, encoding: 'utf8', timeout: 10_000 });
  return { status: run.status, stderr: run.stderr };
}

it('restricts user namespaces and memfd exec on the real kernel, and restores the host values', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-hardening-real-'));
  const before = { users: sysctl('user.max_user_namespaces'), memfd: sysctl('vm.memfd_noexec'), fuse: fuseSysAdminAccess() };
  const hardening = new HostHardening({ procRoot: '/proc', sysRoot: '/sys', stateFile: path.join(dir, 'hardening.json') });
  try {
    expect(nobodyUnshare().status).toBe(0);
    const statuses = await hardening.applySection({ restrictUserNamespaces: true, memfdNoexec: true, fuseSysAdminAccess: true }, 'enforce');
    expect(statuses[1]).toEqual({ switch: 'memfdNoexec', requested: true, state: 'on', value: 'vm.memfd_noexec=2' });
    expect(sysctl('vm.memfd_noexec')).toBe('2');
    // The fuse module's parameter (fuse.test.ts needs the fuse module too): root may mark users' FUSE mounts.
    expect(statuses[2]).toEqual({ switch: 'fuseSysAdminAccess', requested: true, state: 'on', value: 'fuse.allow_sys_admin_access=Y' });
    expect(fuseSysAdminAccess()).toBe('Y');
    if (hasSysResource()) {
      expect(statuses[0]?.state).toBe('on');
      const refused = nobodyUnshare();
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/No space left on device|Operation not permitted|Permission denied/);
    } else {
      // This machine's root lacks CAP_SYS_RESOURCE (a container): the kernel refuses the write, the
      // switch is reported as failed, never as on, and nothing is left to restore.
      expect(statuses[0]).toEqual({ switch: 'restrictUserNamespaces', requested: true, state: 'failed', value: `user.max_user_namespaces=${before.users}` });
      expect(nobodyUnshare().status).toBe(0);
    }
    // python3's memfd_create without MFD_NOEXEC_SEAL/MFD_EXEC: with memfd_noexec=2 it is not executable.
    // /usr/bin/python3 by full path: PATH may lead to a user's shim (pyenv under /root) nobody cannot run.
    const memfd = spawnSync('/usr/bin/python3', ['-c', 'import os; fd = os.memfd_create("x", 0); os.write(fd, open("/bin/true","rb").read()); os.execv(f"/proc/self/fd/{fd}", ["x"])'], { ...NOBODY, encoding: 'utf8', timeout: 10_000 });
    expect(memfd.status).not.toBe(0);
    expect(memfd.stderr).toMatch(/Permission denied/);
  } finally {
    await hardening.restoreAll();
    rmSync(dir, { recursive: true, force: true });
  }
  expect({ users: sysctl('user.max_user_namespaces'), memfd: sysctl('vm.memfd_noexec'), fuse: fuseSysAdminAccess() }).toEqual(before);
  expect(nobodyUnshare().status).toBe(0);
});
