import { execFile } from 'node:child_process';
import os from 'node:os';
import type { WatermarkIdentity } from './watermark-window-options';

/** Looks up the display name ("full name") of an account; null when the OS has none. */
export type FullNameReader = (account: { username: string; uid: number }) => Promise<string | null>;

function run(command: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 3_000, encoding: 'utf8' }, (err, stdout) => resolve(err ? null : stdout));
  });
}

/** The GECOS field of a passwd line: its first comma-separated part is the full name. */
export function fullNameFromPasswd(line: string): string | null {
  const gecos = line.trim().split(':')[4];
  const name = gecos?.split(',')[0]?.trim();
  return name ? name : null;
}

/** Linux: `getent passwd UID`, so LDAP and SSSD accounts are named too, not only /etc/passwd. */
export const linuxFullName: FullNameReader = async ({ uid }) => {
  const line = await run('getent', ['passwd', String(uid)]);
  return line ? fullNameFromPasswd(line) : null;
};

/** macOS: `id -F` prints the account's full name. */
export const macFullName: FullNameReader = async ({ username }) => {
  const name = (await run('id', ['-F', username]))?.trim();
  return name ? name : null;
};

/** Windows: not looked up in this version (it needs the directory service); the login name is shown. */
export const noFullName: FullNameReader = async () => null;

/** `张三 (zhangsan)`, or just the login name when the full name is unknown or the same. */
export function userLine(username: string, fullName: string | null): string {
  return fullName && fullName !== username ? `${fullName} (${username})` : username;
}

/** Who the watermark names: the OS account running the tray (the agent knows it from the kernel too). */
export async function watermarkIdentity(readFullName: FullNameReader): Promise<WatermarkIdentity> {
  const info = os.userInfo();
  const fullName = await readFullName({ username: info.username, uid: info.uid }).catch(() => null);
  return { user: userLine(info.username, fullName), host: os.hostname() };
}
