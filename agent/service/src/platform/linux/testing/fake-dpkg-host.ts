import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A fake host root with dpkg's database (`hostRoots.root` in tests): `packages` maps a package to
 * the files it installs (host path → a program to copy there). Each copy gets random bytes
 * appended, so its sha256 is its own.
 */
export function fakeDpkgHost(root: string, packages: Record<string, Record<string, string>>): void {
  mkdirSync(path.join(root, 'var/lib/dpkg/info'), { recursive: true });
  writeFileSync(path.join(root, 'var/lib/dpkg/status'), 'Package: fake\n');
  for (const [pkg, files] of Object.entries(packages)) {
    writeFileSync(path.join(root, `var/lib/dpkg/info/${pkg}.list`), ['/.', '/usr', '/usr/bin', ...Object.keys(files)].join('\n') + '\n');
    for (const [file, source] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      copyFileSync(source, path.join(root, file));
      appendFileSync(path.join(root, file), randomBytes(32));
      chmodSync(path.join(root, file), 0o755);
    }
  }
}
