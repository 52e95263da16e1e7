import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureHelperBuilt, NATIVE_DIR } from '../helper-binary';

/**
 * This machine's own kernel lists the BPF LSM but refuses every BTF-attached program (lsm, tracing,
 * ext: EPERM before the verifier, root with every capability), so the helper's BPF LSM half is
 * tested in a VM: Debian's kernel (`linux-image-cloud-amd64`, CONFIG_BPF_LSM=y, bpf in its default
 * LSM list) under QEMU, with an initramfs of busybox, the helper built here, and the attempts
 * (guest-init.sh runs them as nobody, BPF LSM on and then off). TCG, not KVM: nested KVM here
 * fails on some instructions, and the whole run takes ~10 s under TCG.
 */

/** This folder, also when bundled into dist/bench (npm run bench runs from the repository root). */
const VM_DIR = existsSync(path.join(__dirname, 'guest-init.sh')) ? __dirname : path.resolve('agent/service/src/platform/linux/fanotify/testing/vm');

/** The newest /boot kernel whose config has the BPF LSM built in (DLP_TEST_VM_KERNEL overrides). */
export function findVmKernel(): string {
  const override = process.env.DLP_TEST_VM_KERNEL;
  if (override) return override;
  const kernels = existsSync('/boot') ? readdirSync('/boot').filter((name) => name.startsWith('vmlinuz-')) : [];
  const withBpfLsm = kernels.filter((name) => {
    const config = path.join('/boot', `config-${name.slice('vmlinuz-'.length)}`);
    return existsSync(config) && /^CONFIG_BPF_LSM=y$/m.test(readFileSync(config, 'utf8'));
  });
  const newest = withBpfLsm.sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).pop();
  if (!newest) throw new Error('no kernel with CONFIG_BPF_LSM=y in /boot: install linux-image-cloud-amd64 (README prerequisites)');
  return path.join('/boot', newest);
}

function requireTool(file: string, packageName: string): string {
  if (!existsSync(file)) throw new Error(`${file} is missing: install ${packageName} (README prerequisites)`);
  return file;
}

/** The shared libraries a dynamic binary needs, from ldd (absolute paths). */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+) \(0x[0-9a-f]+\)/g)].map((match) => match[1] as string);
}

function listFiles(root: string, dir = ''): string[] {
  const entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  return entries.flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    return entry.isDirectory() ? [relative, ...listFiles(root, relative)] : [relative];
  });
}

function compileStatic(source: string, output: string): void {
  execFileSync('cc', ['-static', '-O2', '-Wall', '-Wextra', '-Werror', '-o', output, source]);
}

/** What the guest runs as PID 1 (a script beside this file) and the files it reads. */
export interface VmScript {
  init: 'guest-init.sh' | 'guest-bench.sh';
  /** Extra files at the initramfs root, by name. */
  files?: Record<string, string>;
}

/** Builds the guest's initramfs (newc cpio) in `work`; returns its path and the blocked program's sha256. */
export function buildInitramfs(work: string, script: VmScript = { init: 'guest-init.sh' }): { initramfs: string; blockedSha256: string } {
  const root = path.join(work, 'root');
  for (const dir of ['bin', 'proc', 'sys', 'dev', 'tmp', 'mnt']) mkdirSync(path.join(root, dir), { recursive: true });
  copyFileSync(requireTool('/bin/busybox', 'busybox-static'), path.join(root, 'bin/busybox'));
  // Bundled into dist/bench, the helper built by `npm run bench` is used as it is.
  const helper = existsSync(NATIVE_DIR) ? ensureHelperBuilt() : path.resolve('agent/service/native/build/dlp-exec-guard');
  copyFileSync(helper, path.join(root, 'dlp-exec-guard'));
  for (const library of sharedLibraries(helper)) {
    mkdirSync(path.join(root, path.dirname(library)), { recursive: true });
    copyFileSync(library, path.join(root, library));
  }
  compileStatic(path.join(VM_DIR, 'attempts.c'), path.join(root, 'attempts'));
  const blockedSource = path.join(work, 'blocked.c');
  writeFileSync(blockedSource, '#include <stdio.h>\nint main(void) { puts("BLOCKED-RAN"); return 0; }\n');
  compileStatic(blockedSource, path.join(root, 'blocked'));
  const harmlessSource = path.join(work, 'harmless.c');
  writeFileSync(harmlessSource, 'int main(void) { return 0; }\n');
  compileStatic(harmlessSource, path.join(root, 'harmless'));
  for (const [name, content] of Object.entries(script.files ?? {})) writeFileSync(path.join(root, name), content);
  const blockedSha256 = createHash('sha256').update(readFileSync(path.join(root, 'blocked'))).digest('hex');
  writeFileSync(path.join(root, 'blocked.sha'), `${blockedSha256}\n`);
  copyFileSync(path.join(VM_DIR, script.init), path.join(root, 'init'));
  copyFileSync(path.join(VM_DIR, 'guest-setup.sh'), path.join(root, 'guest-setup.sh'));
  chmodSync(path.join(root, 'init'), 0o755);
  const initramfs = path.join(work, 'initramfs.cpio');
  const list = listFiles(root).join('\n');
  writeFileSync(initramfs, execFileSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: root, input: `${list}\n`, maxBuffer: 256 * 2 ** 20 }));
  return { initramfs, blockedSha256 };
}

/** One guest run: what each "@@ name" section of guest-init.sh printed. */
export interface VmRun {
  sections: Map<string, string>;
  console: string;
  blockedSha256: string;
}

/**
 * Boots the guest (≈20 s under TCG here) and splits its console output into sections. A guest that
 * stops without a word — no "@@ end", no panic, no oops: seen once in a clean-clone `npm test` with
 * other suites beside it (qemu exited mid-section; six runs alone did not repeat it), the signature of
 * an emulated machine reset — is booted once more, and the first console is printed to stderr. A
 * guest that panics or oopses fails at once with it.
 */
export async function runBpfLsmVm(script: VmScript = { init: 'guest-init.sh' }, timeoutMs = 300_000): Promise<VmRun> {
  try {
    return await runBpfLsmVmOnce(script, timeoutMs);
  } catch (err) {
    if (!(err instanceof SilentGuestStop)) throw err;
    process.stderr.write(`bpf-lsm VM: ${err.message}; booting it once more\n`);
    return runBpfLsmVmOnce(script, timeoutMs);
  }
}

class SilentGuestStop extends Error {}

async function runBpfLsmVmOnce(script: VmScript, timeoutMs: number): Promise<VmRun> {
  const qemu = requireTool('/usr/bin/qemu-system-x86_64', 'qemu-system-x86');
  if (process.arch !== 'x64') throw new Error(`the BPF LSM VM test boots an x86_64 guest; this host is ${process.arch}`);
  const kernel = findVmKernel();
  const work = mkdtempSync(path.join(tmpdir(), 'dlp-bpf-lsm-vm-'));
  try {
    const { initramfs, blockedSha256 } = buildInitramfs(work, script);
    const accel = process.env.DLP_TEST_VM_ACCEL ?? 'tcg';
    const args = ['-accel', accel, '-cpu', 'max', '-m', '512', '-smp', '1', '-nographic', '-no-reboot', '-kernel', kernel, '-initrd', initramfs];
    args.push('-append', 'console=ttyS0 panic=-1 quiet rdinit=/init');
    const console = await new Promise<string>((resolve, reject) => {
      const child = spawn(qemu, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
    });
    const sections = new Map<string, string>();
    const lines = console.replace(/\r/g, '').split('\n');
    let current: string | null = null;
    for (const line of lines) {
      const heading = /^.*?@@ (.+)$/.exec(line);
      if (heading) {
        current = heading[1] as string;
        sections.set(current, '');
      } else if (current) {
        sections.set(current, `${sections.get(current) ?? ''}${line}\n`);
      }
    }
    if (!sections.has('end')) {
      const message = `the guest did not finish; its console:\n${console.slice(-4000)}`;
      throw /Kernel panic|Oops|BUG:|general protection/.test(console) ? new Error(message) : new SilentGuestStop(message);
    }
    return { sections, console, blockedSha256 };
  } finally {
    if (statSync(work, { throwIfNoEntry: false })) rmSync(work, { recursive: true, force: true });
  }
}
