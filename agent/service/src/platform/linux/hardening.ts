import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { HardeningSection, HardeningStatus, HardeningSwitch, PolicyMode } from '@dlp/shared';

/**
 * One kernel switch: its name (a sysctl, or `fuse.allow_sys_admin_access` for the module
 * parameter), the file that carries it and the value that closes the gap.
 */
interface SysctlTarget {
  sysctl: string;
  file: string;
  value: string;
}

/** The fuse module's parameter: root may mark and read FUSE mounts of other users (`Y`). */
const FUSE_SYS_ADMIN_ACCESS = 'fuse.allow_sys_admin_access';

/** Previous values, by sysctl name, so a restart still restores what the host had before us. */
const savedState = z.record(z.string().regex(/^[a-z_.]+$/), z.string().max(64));

export interface HostHardeningOptions {
  /** The proc root (`/proc`, or a fake tree in tests). */
  procRoot: string;
  /** The sysfs root for module parameters (`/sys`, or a fake tree in tests); without it `fuseSysAdminAccess` is unavailable. */
  sysRoot?: string;
  /** Where the previous values are kept (root-only data dir). */
  stateFile: string;
}

function sysctlPath(procRoot: string, sysctl: string): string {
  return path.join(procRoot, 'sys', ...sysctl.split('.'));
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * The policy's `hardening` section on Linux (issue 12, items 1 and 2): sets sysctls that close ways
 * around app control no per-exec check sees, remembers what the host had, and puts it back when the
 * policy turns a switch off or the agent stops cleanly. Monitor mode changes nothing (`would-apply`).
 */
export class HostHardening {
  private statuses: HardeningStatus[] = [];

  constructor(private readonly options: HostHardeningOptions) {}

  /** What each switch is now (empty before the first apply). */
  status(): HardeningStatus[] {
    return this.statuses;
  }

  /** Applies the section of the policy in force (undefined: every switch off). */
  async applySection(section: Partial<HardeningSection> | undefined, mode: PolicyMode | null): Promise<HardeningStatus[]> {
    const wanted: Record<HardeningSwitch, boolean> = {
      restrictUserNamespaces: section?.restrictUserNamespaces ?? false,
      memfdNoexec: section?.memfdNoexec ?? false,
      fuseSysAdminAccess: section?.fuseSysAdminAccess ?? false,
    };
    const statuses: HardeningStatus[] = [];
    for (const name of Object.keys(wanted) as HardeningSwitch[]) {
      statuses.push(await this.applyOne(name, wanted[name], mode === 'enforce'));
    }
    this.statuses = statuses;
    return statuses;
  }

  /** Puts back every value this agent changed (clean stop). */
  async restoreAll(): Promise<void> {
    const saved = await this.readSaved();
    // Each on its own: one sysctl that cannot be written must not leave the others changed.
    for (const [sysctl, previous] of Object.entries(saved)) {
      try {
        await writeFile(this.fileOf(sysctl), `${previous}\n`);
        delete saved[sysctl];
      } catch {
        // Kept in the state file: the next start or policy change tries again.
      }
    }
    await this.writeSaved(saved);
    this.statuses = this.statuses.map((s) => (s.state === 'on' ? { ...s, state: 'off' } : s));
  }

  /** Where a saved switch lives: the fuse parameter under the sysfs root, sysctls under /proc/sys. */
  private fileOf(sysctl: string): string {
    if (sysctl === FUSE_SYS_ADMIN_ACCESS) return path.join(this.options.sysRoot ?? '/sys', 'module', 'fuse', 'parameters', 'allow_sys_admin_access');
    return sysctlPath(this.options.procRoot, sysctl);
  }

  private async found(sysctl: string, value: string): Promise<SysctlTarget | null> {
    const file = this.fileOf(sysctl);
    return (await exists(file)) ? { sysctl, file, value } : null;
  }

  private async targetFor(name: HardeningSwitch): Promise<SysctlTarget | null> {
    if (name === 'memfdNoexec') return this.found('vm.memfd_noexec', '2');
    // Only where the fuse module is loaded (its parameters appear then) and a sysfs root is known.
    if (name === 'fuseSysAdminAccess') return this.options.sysRoot ? this.found(FUSE_SYS_ADMIN_ACCESS, 'Y') : null;
    // AppArmor's switch keeps namespaces for profiled programs (browsers); the generic one stops all.
    return (await this.found('kernel.apparmor_restrict_unprivileged_userns', '1')) ?? (await this.found('user.max_user_namespaces', '0'));
  }

  private async applyOne(name: HardeningSwitch, requested: boolean, enforce: boolean): Promise<HardeningStatus> {
    const target = await this.targetFor(name);
    if (!target) return { switch: name, requested, state: requested ? 'unavailable' : 'off', value: null };
    const { file } = target;
    try {
      const saved = await this.readSaved();
      const current = (await readFile(file, 'utf8')).trim();
      if (requested && enforce) {
        if (current !== target.value) {
          if (saved[target.sysctl] === undefined) {
            saved[target.sysctl] = current;
            // Saved before the write: a crash in between still restores the host's own value.
            await this.writeSaved(saved);
          }
          try {
            await writeFile(file, `${target.value}\n`);
          } catch {
            // e.g. no CAP_SYS_RESOURCE in a container: nothing changed, nothing to restore.
            delete saved[target.sysctl];
            await this.writeSaved(saved);
            return { switch: name, requested, state: 'failed', value: `${target.sysctl}=${current}` };
          }
        }
        const now = (await readFile(file, 'utf8')).trim();
        return { switch: name, requested, state: now === target.value ? 'on' : 'failed', value: `${target.sysctl}=${now}` };
      }
      const previous = saved[target.sysctl];
      if (previous !== undefined) {
        await writeFile(file, `${previous}\n`);
        delete saved[target.sysctl];
        await this.writeSaved(saved);
      }
      const now = (await readFile(file, 'utf8')).trim();
      return { switch: name, requested, state: requested ? 'would-apply' : 'off', value: `${target.sysctl}=${now}` };
    } catch {
      return { switch: name, requested, state: requested && enforce ? 'failed' : 'off', value: null };
    }
  }

  private async readSaved(): Promise<Record<string, string>> {
    try {
      const parsed = savedState.safeParse(JSON.parse(await readFile(this.options.stateFile, 'utf8')));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  private async writeSaved(saved: Record<string, string>): Promise<void> {
    await writeFile(this.options.stateFile, JSON.stringify(saved), { mode: 0o600 });
  }
}
