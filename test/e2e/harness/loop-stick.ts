import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeSysfsTree } from '../../../agent/service/src/platform/fake/usb/fake-sysfs-tree';

/**
 * A "USB stick" for an agent process: a file system image on a real loop device, mounted for real,
 * and a fake sysfs tree (the agent's `hostRoots.sys`) saying that loop device is a SanDisk stick's
 * disk, as the mount guard's kernel tests do. Needs root; run under `flock /tmp/dlp-kernel.lock`.
 */
export interface LoopStick {
  /** Where it is mounted; `nobody` may write there. */
  media: string;
  /** A 0755 folder beside it for the files users copy from. */
  home: string;
  sysRoot: string;
  remove(): void;
}

export function plugLoopStick(): LoopStick {
  const root = mkdtempSync(path.join(tmpdir(), 'dlp-e2e-stick-'));
  const undo: Array<() => void> = [() => rmSync(root, { recursive: true, force: true })];
  const remove = (): void => {
    for (const step of undo.reverse()) step();
  };
  try {
    chmodSync(root, 0o755);
    const home = path.join(root, 'home');
    mkdirSync(home, { mode: 0o755 });
    const image = path.join(root, 'stick.img');
    writeFileSync(image, '');
    truncateSync(image, 64 * 1024 * 1024);
    // ext4, as the mount guard's tests: this machine's kernel has no vfat module.
    execFileSync('mkfs.ext4', ['-q', '-F', image]);
    const loopDev = execFileSync('losetup', ['--find', '--show', image], { encoding: 'utf8' }).trim();
    undo.push(() => spawnSync('losetup', ['-d', loopDev]));
    const media = path.join(root, 'media');
    mkdirSync(media);
    execFileSync('mount', [loopDev, media]);
    undo.push(() => spawnSync('umount', ['-l', media]));
    chmodSync(media, 0o1777);
    const tree = FakeSysfsTree.create();
    undo.push(() => tree.cleanup());
    const devName = path.basename(loopDev);
    tree.addRootHub(1);
    tree.addDevice({ port: '1-2', vendorId: '0781', productId: '5567', serial: '4C530001230512', manufacturer: 'SanDisk', product: 'Cruzer Blade', interfaces: [8] });
    tree.addBlockDevice('1-2', { majMin: readFileSync(`/sys/class/block/${devName}/dev`, 'utf8').trim(), devName });
    return { media, home, sysRoot: tree.root, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
