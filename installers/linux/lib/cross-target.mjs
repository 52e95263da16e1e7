// The CPU architectures the Linux packages are built for, and what building for one that is not the
// build machine's takes: the GNU cross tools (Debian: gcc-aarch64-linux-gnu g++-aarch64-linux-gnu
// libc6-dev-arm64-cross, which bring binutils-aarch64-linux-gnu), and native modules compiled for it.
import { openSync, readSync, closeSync } from 'node:fs';
import { run } from './run.mjs';

/**
 * Debian architecture → Node's name, the GNU triplet of its tools, the ELF machine number
 * (e_machine), the RPM architecture, and the file name of node-usb's prebuilt binary for it.
 */
export const TARGETS = {
  amd64: { nodeArch: 'x64', triplet: 'x86_64-linux-gnu', elfMachine: 62, rpmArch: 'x86_64', usbPrebuild: 'node.napi.glibc.node' },
  arm64: { nodeArch: 'arm64', triplet: 'aarch64-linux-gnu', elfMachine: 183, rpmArch: 'aarch64', usbPrebuild: 'node.napi.armv8.node' },
};

/** The Debian architecture of the machine running the build. */
export const BUILD_ARCH = Object.keys(TARGETS).find((arch) => TARGETS[arch].nodeArch === process.arch) ?? process.arch;

/** True when packages for `arch` need the cross tools here. */
export const isCross = (arch) => arch !== BUILD_ARCH;

/** A binutils/gcc tool for `arch`: the plain name natively, `<triplet>-<tool>` across. */
export function toolFor(arch, tool) {
  const target = TARGETS[arch];
  if (!target) throw new Error(`no target ${arch} (known: ${Object.keys(TARGETS).join(', ')})`);
  return isCross(arch) ? `${target.triplet}-${tool}` : tool;
}

/** The ELF machine number (e_machine, little-endian at byte 18) of `file`, or undefined when not ELF. */
export function elfMachine(file) {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, header, 0, 20, 0) < 20) return undefined;
  } finally {
    closeSync(fd);
  }
  if (header[0] !== 0x7f || header.toString('latin1', 1, 4) !== 'ELF') return undefined;
  return header.readUInt16LE(18);
}

/** The Debian architecture an ELF file was built for (by its e_machine). */
export function archOfElf(file) {
  const machine = elfMachine(file);
  return Object.keys(TARGETS).find((arch) => TARGETS[arch].elfMachine === machine);
}

/** Stops a cross build early, naming the Debian packages that provide a missing tool. */
export function assertCrossTools(arch) {
  if (!isCross(arch)) return;
  for (const tool of ['gcc', 'g++', 'strip', 'readelf']) {
    try {
      run(toolFor(arch, tool), ['--version'], { capture: true, quiet: true });
    } catch {
      const t = TARGETS[arch].triplet;
      throw new Error(`${toolFor(arch, tool)} is missing: building for ${arch} here needs apt-get install gcc-${t} g++-${t} libc6-dev-${arch}-cross`);
    }
  }
}
