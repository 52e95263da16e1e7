import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { uuidv7 } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { ExceptionStore } from '../../../core/exceptions/exception-store';
import { UsbControl } from '../../../enforce/usb/usb-control';
import { fakeUsbHost, signException, usbPolicy, waitFor } from '../../fake/usb/fake-usb-host';
import { parseMountinfo } from './mountinfo';

/**
 * The mount guard against the real kernel: an ext4 image on a real loop device, mounted for real,
 * with the fake sysfs tree saying that loop device sits on a USB stick. Needs root.
 */
const run = promisify(execFile);
const STICK = { port: '1-2', vendorId: '0781', productId: '5567', serial: '4C530001230512', manufacturer: 'SanDisk', product: 'Cruzer Blade', interfaces: [8] };

interface LoopStick {
  dir: string;
  mountPoint: string;
  loopDev: string;
  host: ReturnType<typeof fakeUsbHost>;
}

function mountsOf(target: string) {
  return parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')).filter((m) => m.target === target);
}

function writeFails(file: string): string | null {
  try {
    writeFileSync(file, 'customer data');
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'unknown';
  }
}

describe('mount guard on real loop mounts', () => {
  let stick: LoopStick | null = null;
  const controls: UsbControl[] = [];
  const stores: ExceptionStore[] = [];

  /** A formatted image on a loop device, marked as USB-backed in a fake sysfs tree (with findmnt following mounts). */
  async function plugLoopStick(): Promise<LoopStick> {
    const dir = mkdtempSync(path.join(tmpdir(), 'dlp-mount-guard-'));
    const image = path.join(dir, 'stick.img');
    writeFileSync(image, '');
    truncateSync(image, 16 * 1024 * 1024);
    await run('mkfs.ext4', ['-q', '-F', image]);
    const loopDev = (await run('losetup', ['--find', '--show', image])).stdout.trim();
    const mountPoint = path.join(dir, 'media');
    mkdirSync(mountPoint);
    const host = fakeUsbHost({ procRoot: '/proc', mountWatch: 'findmnt' });
    stick = { dir, mountPoint, loopDev, host };
    const devName = path.basename(loopDev);
    const majMin = readFileSync(`/sys/class/block/${devName}/dev`, 'utf8').trim();
    host.tree.addDevice(STICK);
    host.tree.addBlockDevice('1-2', { majMin, devName });
    return stick;
  }

  function startControl(s: LoopStick): UsbControl {
    const control = new UsbControl({ platform: s.host.platform, emit: s.host.emit, settleDelaysMs: [] });
    controls.push(control);
    return control;
  }

  afterEach(async () => {
    for (const c of controls.splice(0)) await c.stop();
    for (const s of stores.splice(0)) s.close();
    const s = stick;
    stick = null;
    if (!s) return;
    // Unmount everything stacked there, give the loop device its write access back, detach it.
    while (mountsOf(s.mountPoint).length > 0) await run('umount', ['-l', s.mountPoint]).catch(() => undefined);
    await run('blockdev', ['--setrw', s.loopDev]).catch(() => undefined);
    await run('losetup', ['-d', s.loopDev]).catch(() => undefined);
    s.host.cleanup();
    rmSync(s.dir, { recursive: true, force: true });
  });

  it('unmounts a blocked stick as soon as it is mounted', async () => {
    const s = await plugLoopStick();
    const control = startControl(s);
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }));
    await control.start();
    await run('mount', [s.loopDev, s.mountPoint]);
    await waitFor(() => mountsOf(s.mountPoint).length === 0, 'the blocked mount to disappear');
    await waitFor(() => s.host.events.some((e) => e.subject.outcome === 'unmounted'), 'the unmount to be reported');
    expect(s.host.events).toContainEqual(
      expect.objectContaining({ action: 'blocked', subject: expect.objectContaining({ outcome: 'unmounted', mountPoint: s.mountPoint, vendorId: '0781', serial: STICK.serial }) }),
    );
  });

  it('clears the mount of a stick whose block device vanished when it was cut off', async () => {
    const s = await plugLoopStick();
    const control = startControl(s);
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'allow' }));
    await control.start();
    await run('mount', [s.loopDev, s.mountPoint]);
    await control.rescan();
    // A real kernel drops the stick's disk once it is deauthorized; the dead mount stays behind.
    s.host.tree.removeBlockDevice(readFileSync(`/sys/class/block/${path.basename(s.loopDev)}/dev`, 'utf8').trim());
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }, 2));
    await waitFor(() => mountsOf(s.mountPoint).length === 0, 'the dead mount to be cleared');
    expect(s.host.tree.read('1-2', 'authorized')).toBe('0');
  });

  it('remounts a read-only stick read-only, so writes fail with EROFS', async () => {
    const s = await plugLoopStick();
    await run('mount', [s.loopDev, s.mountPoint]);
    expect(writeFails(path.join(s.mountPoint, 'before.txt'))).toBeNull();
    const control = startControl(s);
    await control.applyPolicy(usbPolicy('enforce', { rules: [{ id: 'ro-sticks', action: 'read-only', match: { interfaceClass: 8 } }] }));
    await control.start();
    await waitFor(() => mountsOf(s.mountPoint)[0]?.readOnly === true, 'the mount to become read-only');
    await waitFor(() => s.host.events.some((e) => e.subject.mountPoint !== undefined), 'the remount to be reported');
    expect(writeFails(path.join(s.mountPoint, 'after.txt'))).toBe('EROFS');
    expect(readFileSync(`/sys/class/block/${path.basename(s.loopDev)}/ro`, 'utf8').trim()).toBe('1');
    expect(s.host.events).toContainEqual(
      expect.objectContaining({ action: 'blocked', ruleId: 'ro-sticks', subject: expect.objectContaining({ outcome: 'read-only', mountPoint: s.mountPoint }) }),
    );
  });

  it('sets a read-only stick read-only before it is mounted, so even the first write fails', async () => {
    const s = await plugLoopStick();
    const control = startControl(s);
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'read-only' }));
    await control.start();
    await run('mount', [s.loopDev, s.mountPoint]);
    expect(mountsOf(s.mountPoint)[0]?.readOnly).toBe(true);
    expect(writeFails(path.join(s.mountPoint, 'first.txt'))).toBe('EROFS');
  });

  it('in monitor mode leaves the mount writable and reports what it would do', async () => {
    const s = await plugLoopStick();
    const control = startControl(s);
    await control.applyPolicy(usbPolicy('monitor', { defaultAction: 'block' }));
    await control.start();
    await run('mount', [s.loopDev, s.mountPoint]);
    await waitFor(() => s.host.events.some((e) => e.subject.outcome === 'unmounted'), 'a would-block for the mount');
    expect(s.host.events.find((e) => e.subject.outcome === 'unmounted')).toMatchObject({ action: 'would-block', subject: { mountPoint: s.mountPoint } });
    expect(mountsOf(s.mountPoint)).toHaveLength(1);
    expect(writeFails(path.join(s.mountPoint, 'still.txt'))).toBeNull();
  });

  it('keeps an excepted stick writable until the exception expires, then unmounts it', async () => {
    const s = await plugLoopStick();
    const dataDir = path.join(s.dir, 'data');
    const key = generateSigningKeyPair();
    const agentId = uuidv7();
    const store = await ExceptionStore.open({ dataDir, agentId, consoleKey: { keyId: key.keyId, publicKey: key.publicKey }, emit: () => undefined });
    stores.push(store);
    const control = startControl(s);
    store.onChange(() => void control.applyExceptions(store.usbGrants()));
    const signed = signException(key, {
      agentId,
      expiresAt: new Date(Date.now() + 3_000).toISOString(),
      target: { kind: 'usb-device', device: { vendorId: STICK.vendorId, productId: STICK.productId, serial: STICK.serial }, action: 'allow' },
    });
    expect(await store.add(signed)).toMatchObject({ ok: true });
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }));
    await control.applyExceptions(store.usbGrants());
    await control.start();
    await run('mount', [s.loopDev, s.mountPoint]);
    await control.rescan();
    expect(mountsOf(s.mountPoint)[0]?.readOnly).toBe(false);
    expect(writeFails(path.join(s.mountPoint, 'allowed.txt'))).toBeNull();
    await waitFor(() => mountsOf(s.mountPoint).length === 0, 'the mount to go once the exception expired');
    await waitFor(() => s.host.events.some((e) => e.subject.outcome === 'unmounted'), 'the unmount to be reported');
    expect(s.host.events.map((e) => e.subject.outcome)).toEqual(['allowed-by-exception', 'device-blocked', 'unmounted']);
  });
});
