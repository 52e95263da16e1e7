import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Which files the host's packages install, from dpkg's database or rpm (issue 12 item 6). Paths are
 * host paths (`/usr/bin/flameshot`); read them under `root`.
 */
export interface PackageDatabase {
  /** The files a package installs; null when it is not installed (or there is no database). */
  filesOf(pkg: string): Promise<string[] | null>;
  /** Changes whenever packages are installed or removed (database modification times). */
  stamp(): Promise<string>;
}

/** Debian package names: lowercase letters, digits, `+ - .`; RPM adds upper case and `_`. */
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$/;

/** Paths from a dpkg `.list` file (what `dpkg -L` prints): absolute paths, one a line, `/.` left out. */
export function parseDpkgFileList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.startsWith('/') && line !== '/.');
}

/** Paths from `rpm -ql` output; its "(contains no files)" and "not installed" lines are not paths. */
export function parseRpmFileList(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.startsWith('/'));
}

async function mtimeOf(file: string): Promise<string> {
  try {
    return String((await stat(file)).mtimeMs);
  } catch {
    return '-';
  }
}

/** dpkg's database under `root` (`var/lib/dpkg/info/<pkg>[:<arch>].list`, the files `dpkg -L` reads). */
export function dpkgDatabase(root: string): PackageDatabase {
  const info = path.join(root, 'var/lib/dpkg/info');
  return {
    async filesOf(pkg) {
      if (!PACKAGE_NAME.test(pkg)) return null;
      let names: string[];
      try {
        names = await readdir(info);
      } catch {
        return null;
      }
      const lists = names.filter((name) => name === `${pkg}.list` || (name.startsWith(`${pkg}:`) && name.endsWith('.list')));
      if (lists.length === 0) return null;
      const files: string[] = [];
      for (const list of lists) files.push(...parseDpkgFileList(await readFile(path.join(info, list), 'utf8')));
      return files;
    },
    stamp: () => mtimeOf(path.join(root, 'var/lib/dpkg/status')),
  };
}

/** rpm's database through `rpm --root <root> -ql <pkg>` (execFile, never a shell). */
export function rpmDatabase(root: string): PackageDatabase {
  return {
    filesOf(pkg) {
      if (!PACKAGE_NAME.test(pkg)) return Promise.resolve(null);
      return new Promise((resolve) => {
        execFile('rpm', ['--root', root, '-ql', '--', pkg], { timeout: 15_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
          resolve(error ? null : parseRpmFileList(stdout));
        });
      });
    },
    stamp: async () => `${await mtimeOf(path.join(root, 'var/lib/rpm'))}/${await mtimeOf(path.join(root, 'usr/lib/sysimage/rpm'))}`,
  };
}

/** dpkg where its database exists under `root`, plus rpm where that exists; files from the first that knows the package. */
export function hostPackageDatabase(root: string): PackageDatabase {
  const dpkg = dpkgDatabase(root);
  const rpm = rpmDatabase(root);
  const hasRpm = Promise.all([stat(path.join(root, 'var/lib/rpm')), stat(path.join(root, 'usr/lib/sysimage/rpm'))].map((p) => p.then(() => true, () => false))).then((found) => found.some(Boolean));
  return {
    async filesOf(pkg) {
      return (await dpkg.filesOf(pkg)) ?? ((await hasRpm) ? rpm.filesOf(pkg) : null);
    },
    stamp: async () => `${await dpkg.stamp()}|${(await hasRpm) ? await rpm.stamp() : ''}`,
  };
}
