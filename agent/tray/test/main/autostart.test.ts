import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureAutostart, LINUX_AUTOSTART_ENTRY } from '../../src/main/autostart';
import { FakeLoginItems } from './fake-electron';

describe('ensureAutostart', () => {
  it('on Linux relies on the packaged XDG entry and says when it is missing', () => {
    const loginItems = new FakeLoginItems();
    expect(ensureAutostart({ os: 'linux', loginItems, fileExists: (p) => p === LINUX_AUTOSTART_ENTRY })).toMatchObject({ method: 'xdg-autostart', enabled: true });
    expect(ensureAutostart({ os: 'linux', loginItems, fileExists: () => false })).toMatchObject({ enabled: false, note: expect.stringContaining('missing') });
    expect(loginItems.sets).toBe(0);
  });

  it('on Windows and macOS registers a login item once', () => {
    for (const os of ['windows', 'macos'] as const) {
      const loginItems = new FakeLoginItems();
      expect(ensureAutostart({ os, loginItems, fileExists: () => false })).toEqual({ method: 'login-item', enabled: true, note: 'registered as a login item' });
      ensureAutostart({ os, loginItems, fileExists: () => false });
      expect(loginItems.sets).toBe(1);
    }
  });

  it('says so when the OS does not keep the login item', () => {
    const loginItems = new FakeLoginItems();
    loginItems.keeps = false;
    expect(ensureAutostart({ os: 'macos', loginItems, fileExists: () => false })).toMatchObject({ enabled: false, note: 'the OS did not keep the login item' });
  });
});

describe('the Linux autostart entry', () => {
  const entry = readFileSync(path.join(__dirname, '../../packaging/linux/dlp-tray.desktop'), 'utf8');
  const field = (name: string) => entry.split('\n').find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1);

  it('starts the installed tray in every desktop session, named in English and Chinese', () => {
    expect(entry.startsWith('[Desktop Entry]\n')).toBe(true);
    expect(field('Type')).toBe('Application');
    expect(field('Exec')?.split(' ')[0]).toBe('/usr/bin/dlp-tray');
    expect(field('Name')).toBeTruthy();
    expect(field('Name[zh_CN]')).toBeTruthy();
    expect(field('NoDisplay')).toBe('true');
    expect(field('X-GNOME-Autostart-enabled')).toBe('true');
    expect(path.basename(LINUX_AUTOSTART_ENTRY)).toBe('dlp-tray.desktop');
  });
});
