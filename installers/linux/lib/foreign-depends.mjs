// The shared-library dependencies of a package, for every architecture (deb.mjs). dpkg-shlibdeps
// needs the target's libraries installed (libudev1:arm64 is not, here) and overstates glibc on a
// Debian 12 build machine (deb.mjs), so the relations are found from the ELF files themselves: each needed soname names the Debian package
// that ships it (the same name on every architecture; asked of the build machine's own package
// database), and the newest symbol version each file needs from glibc and libstdc++ sets the
// minimum version, as dpkg-shlibdeps would from their symbols files.
import { run } from './run.mjs';
import { TARGETS, toolFor } from './cross-target.mjs';

/** GLIBCXX_3.4.N → the first libstdc++6 (GCC) release that defines it (libstdc++'s ABI docs). */
const GLIBCXX_TO_GCC = { 21: 5, 22: 6, 23: 7, 24: 8, 25: 8, 26: 9, 27: 10, 28: 10, 29: 11, 30: 12, 31: 13, 32: 14 };

/** Numeric compare of dotted versions ("2.34" > "2.4"). */
function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The sonames an ELF file needs, and per soname the symbol version names it needs from it. */
function elfNeeds(readelf, file) {
  const needed = [...run(readelf, ['-d', '--wide', file], { capture: true }).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  const versions = new Map();
  let current;
  for (const line of run(readelf, ['-V', '--wide', file], { capture: true }).split('\n')) {
    const fileLine = /File: (\S+)/.exec(line);
    if (fileLine) current = fileLine[1];
    const name = /Name: (\S+)/.exec(line);
    if (name && current) versions.set(current, [...(versions.get(current) ?? []), name[1]]);
  }
  return { needed, versions };
}

/** The Debian package shipping `soname` on the build machine (e.g. libudev.so.1 → libudev1). */
function packageOfSoname(soname) {
  // The dynamic loader's name differs per architecture; it is glibc's.
  if (soname.startsWith('ld-linux')) return 'libc6';
  const triplet = TARGETS[Object.keys(TARGETS).find((arch) => TARGETS[arch].nodeArch === process.arch) ?? 'amd64'].triplet;
  for (const dir of [`/lib/${triplet}`, `/usr/lib/${triplet}`]) {
    try {
      const owner = run('dpkg-query', ['-S', `${dir}/${soname}`], { capture: true, quiet: true });
      return owner.split(':')[0];
    } catch {
      // not in this folder: try the next
    }
  }
  throw new Error(`no package of this machine ships ${soname}: cannot name the dependency (install its package, any architecture)`);
}

/**
 * `Depends` for the ELF files of a package built for `arch`, e.g.
 * `libc6 (>= 2.34), libgcc-s1 (>= 4.2), libstdc++6 (>= 11), libudev1 (>= 183)`.
 * @param {string} arch
 * @param {string[]} elfFiles
 */
export function foreignSharedLibraryDepends(arch, elfFiles) {
  const readelf = toolFor(arch, 'readelf');
  const minimum = new Map();
  const raise = (pkg, version) => {
    const before = minimum.get(pkg);
    if (!minimum.has(pkg) || (version !== undefined && (before === undefined || compareVersions(version, before) > 0))) minimum.set(pkg, version ?? before);
  };
  for (const file of elfFiles) {
    const { needed, versions } = elfNeeds(readelf, file);
    for (const soname of needed) {
      const pkg = packageOfSoname(soname);
      raise(pkg, undefined);
      for (const name of versions.get(soname) ?? []) {
        const glibc = /^GLIBC_(\d+\.\d+)$/.exec(name);
        if (glibc && pkg === 'libc6') raise(pkg, glibc[1]);
        const cxx = /^GLIBCXX_3\.4\.(\d+)$/.exec(name);
        const gcc = cxx ? GLIBCXX_TO_GCC[Number(cxx[1])] : undefined;
        if (gcc !== undefined && pkg === 'libstdc++6') raise(pkg, String(gcc));
        // libgcc-s1's and libudev1's symbols files name the version node's number (GCC_4.2.0 → 4.2).
        const gccNode = /^GCC_(\d+\.\d+)/.exec(name);
        if (gccNode && pkg === 'libgcc-s1') raise(pkg, gccNode[1]);
        const udevNode = /^LIBUDEV_(\d+)$/.exec(name);
        if (udevNode && pkg === 'libudev1') raise(pkg, udevNode[1]);
      }
    }
  }
  return [...minimum.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([pkg, version]) => (version === undefined ? pkg : `${pkg} (>= ${version})`)).join(', ');
}
