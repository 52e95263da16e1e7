import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { TRAY_APP_ID } from '../../src/main/tray-app';

/** The packaging is config for tools not installed here; this checks what can be checked without them. */
const trayDir = path.join(__dirname, '../..');
const config = readFileSync(path.join(trayDir, 'packaging/electron-builder.yml'), 'utf8');
const values = (key: string) => [...config.matchAll(new RegExp(`^\\s*(?:- )?${key}: (.+)$`, 'gm'))].map((m) => (m[1] ?? '').trim());

describe('packaging/electron-builder.yml', () => {
  it('uses the app id the main process registers (Windows toasts need them equal)', () => {
    expect(values('appId')).toEqual([TRAY_APP_ID]);
  });

  it('names only files that exist, and executable scripts', () => {
    const named = [...values('afterInstall'), ...values('afterRemove'), ...values('include'), ...values('from'), ...values('scripts')];
    expect(named).toEqual(expect.arrayContaining(['packaging/linux/after-install.sh', 'packaging/windows/installer.nsh', 'packaging/macos/scripts']));
    for (const file of named) expect(existsSync(path.join(trayDir, file))).toBe(true);
    for (const script of ['packaging/linux/after-install.sh', 'packaging/linux/after-remove.sh', 'packaging/macos/scripts/postinstall']) {
      expect(statSync(path.join(trayDir, script)).mode & 0o111).not.toBe(0);
      // Syntax only: the scripts write to /usr/bin, /etc and /Library and are not run here.
      execFileSync('sh', ['-n', path.join(trayDir, script)]);
    }
  });

  it('ships the bundles and nothing from node_modules', () => {
    expect(config).toMatch(/^files:\n {2}- dist\/\*\*\/\*\n/m);
    expect(config).toContain('"!node_modules/**/*"');
    expect(values('main')).toEqual(['dist/main.js']);
  });

  it('removes the autostart entry on removal only, not on upgrade', () => {
    const script = readFileSync(path.join(trayDir, 'packaging/linux/after-remove.sh'), 'utf8');
    expect(script).toMatch(/^\s*remove\|purge\|0\)$/m);
  });
});
