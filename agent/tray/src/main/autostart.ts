import type { TrayOs } from './capture-guard';
import type { LoginItemsPort } from './electron-ports';

/** Where the Linux packages put the tray's autostart entry (XDG autostart, read by every desktop session). */
export const LINUX_AUTOSTART_ENTRY = '/etc/xdg/autostart/dlp-tray.desktop';

export interface AutostartDeps {
  os: TrayOs;
  loginItems: LoginItemsPort;
  fileExists: (path: string) => boolean;
}

export interface AutostartOutcome {
  method: 'xdg-autostart' | 'login-item';
  enabled: boolean;
  note: string;
}

/**
 * Makes the tray start in every session of this user. Linux: nothing to do at run time, the package
 * installs the system-wide XDG entry; we only check it is there. Windows and macOS: the app registers
 * itself as a login item for the current user (the installers also register it for all users, see
 * packaging/README.md; a second start exits at once through the single-instance lock).
 */
export function ensureAutostart({ os, loginItems, fileExists }: AutostartDeps): AutostartOutcome {
  if (os === 'linux') {
    const enabled = fileExists(LINUX_AUTOSTART_ENTRY);
    return { method: 'xdg-autostart', enabled, note: enabled ? `${LINUX_AUTOSTART_ENTRY} is installed` : `${LINUX_AUTOSTART_ENTRY} is missing: reinstall the package` };
  }
  try {
    if (!loginItems.getLoginItemSettings().openAtLogin) loginItems.setLoginItemSettings({ openAtLogin: true });
    const enabled = loginItems.getLoginItemSettings().openAtLogin;
    return { method: 'login-item', enabled, note: enabled ? 'registered as a login item' : 'the OS did not keep the login item' };
  } catch (err) {
    return { method: 'login-item', enabled: false, note: `could not register the login item: ${err instanceof Error ? err.message : String(err)}` };
  }
}
