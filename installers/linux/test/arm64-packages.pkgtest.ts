import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agentPackages, type AgentPackages } from '../../testing/built-packages';

/** e_machine of ELF files (elf.h): what a file was compiled for. */
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
/** The arm64 libraries of the cross toolchain (libc6-arm64-cross, libstdc++6-arm64-cross): qemu's -L. */
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
const LIB = 'usr/lib/dlp-agent';

/** The ELF machine of `file`, read from its header as the kernel does; undefined when not ELF. */
function elfMachine(file: string): number | undefined {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, header, 0, 20, 0) < 20) return undefined;
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  return header.readUInt16LE(18);
}

const text = (command: string, args: string[]): string => execFileSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * The arm64 agent packages (`npm run package -- --arch arm64`): cross-compiled on this x86_64 machine,
 * so what is checked is what an arm64 workstation would get: the architecture in the metadata, every
 * compiled file an aarch64 ELF, the linters' verdict, and the helper and runtime run under qemu-user.
 */
describe('arm64 agent packages (.deb, .rpm)', () => {
  let packages: AgentPackages;
  let dir: string;
  let root: string;

  beforeAll(() => {
    packages = agentPackages('arm64', 'aarch64');
    dir = mkdtempSync(path.join(os.tmpdir(), 'dlp-arm64-'));
    root = path.join(dir, 'root');
    execFileSync('dpkg-deb', ['-x', packages.deb, root]);
  }, 30 * 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says arm64 in the .deb’s control file, with the library dependencies of the arm64 files', () => {
    expect(text('dpkg-deb', ['-f', packages.deb, 'Package', 'Architecture']).trim()).toBe('Package: dlp-agent\nArchitecture: arm64');
    const depends = text('dpkg-deb', ['-f', packages.deb, 'Depends']);
    // The oldest glibc of UOS 20 and Kylin V10, what the bundled Node itself needs; the helper is static.
    expect(depends).toMatch(/libc6 \(>= 2\.(1\d|2[0-8])\)/);
    expect(depends).toMatch(/libstdc\+\+6 \(>= \d+\)/);
    expect(depends).toMatch(/libudev1 \(>= \d+\)/);
    expect(depends).toMatch(/libgcc-s1 \(>= \d+\.\d+\)/);
    expect(depends).not.toMatch(/-cross|:amd64|amd64/);
  });

  it('holds only aarch64 programs and native modules: the bundled node, the static helper and usb (no SQLite module: node:sqlite)', () => {
    const files = text('find', [root, '-type', 'f']).trim().split('\n');
    const elf = files.map((file) => ({ file: path.relative(root, file), machine: elfMachine(file) })).filter((f) => f.machine !== undefined);
    expect(elf.filter((f) => f.machine !== EM_AARCH64)).toEqual([]);
    expect(elf.map((f) => f.file).sort()).toEqual([
      `${LIB}/dlp-exec-guard`,
      `${LIB}/node`,
      `${LIB}/node_modules/usb/prebuilds/linux-arm64/node.napi.armv8.node`,
    ]);
    // readelf, the binutils view of the same header.
    expect(text('readelf', ['-h', path.join(root, LIB, 'node')])).toMatch(/Machine:\s+AArch64/);
    expect(text('readelf', ['-h', path.join(root, LIB, 'dlp-exec-guard')])).toMatch(/Machine:\s+AArch64/);
    // Static: it needs no glibc of the workstation (the package promises 2.28, installers/linux/lib/packages.mjs).
    expect(text('readelf', ['-d', path.join(root, LIB, 'dlp-exec-guard')])).not.toMatch(/NEEDED/);
    expect(EM_X86_64).not.toBe(EM_AARCH64);
  });

  it('passes lintian (no error or warning beyond the documented overrides, no binary of another architecture)', () => {
    let output: string;
    try {
      output = text('lintian', ['--pedantic', '--tag-display-limit', '0', packages.deb]);
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).not.toMatch(/binary-from-other-architecture|arch-dependent-file/);
    expect(output.split('\n').filter((line) => /^[EW]: /.test(line))).toEqual([]);
  }, 10 * 60_000);

  it('says aarch64 in the .rpm (rpm -qpi) and carries the very files of the .deb', () => {
    const info = text('rpm', ['-qpi', packages.rpm]);
    expect(info).toMatch(/^Name\s+: dlp-agent$/m);
    expect(info).toMatch(/^Architecture: aarch64$/m);
    const requires = text('rpm', ['-qp', '--requires', packages.rpm]);
    expect(requires).toMatch(/^libc\.so\.6\(GLIBC_2\.\d+\)\(64bit\)$/m);
    expect(requires).toMatch(/^libudev\.so\.1\(\)\(64bit\)$/m);
    // --dump: path size mtime digest …; the digest is the file's SHA-256.
    const digests = new Map(text('rpm', ['-qp', '--dump', packages.rpm]).trim().split('\n').map((line) => {
      const [file = '', , , digest = ''] = line.split(' ');
      return [file, digest] as const;
    }));
    for (const file of ['node', 'dlp-exec-guard', 'service.js']) {
      expect(digests.get(`/${LIB}/${file}`)).toBe(sha256(path.join(root, LIB, file)));
    }
  });

  it('runs under qemu-user: the helper hashes a file as Node does, the bundled Node has the node:sqlite the agent uses', () => {
    const qemu = (args: string[]): string => text('qemu-aarch64-static', ['-L', ARM64_SYSROOT, ...args]);
    const sample = path.join(dir, 'sample.bin');
    writeFileSync(sample, Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256)));
    expect(qemu([path.join(root, LIB, 'dlp-exec-guard'), '--sha256', sample]).trim()).toBe(sha256(sample));
    const script = `const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
const row = new DatabaseSync(':memory:').prepare('SELECT sqlite_version() AS v, 6 * 7 AS answer').get();
console.log(JSON.stringify({ arch: process.arch, node: process.version, sqlite: row.v, answer: row.answer }));`;
    const out = JSON.parse(qemu([path.join(root, LIB, 'node'), '-e', script])) as { arch: string; node: string; sqlite: string; answer: number };
    expect(out).toMatchObject({ arch: 'arm64', answer: 42 });
    expect(out.node).toBe(`v${(JSON.parse(readFileSync(path.join(__dirname, '../node-runtime.json'), 'utf8')) as { version: string }).version}`);
  });
});
