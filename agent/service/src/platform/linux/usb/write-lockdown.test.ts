import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { agentEvent, sampleEvent } from '@dlp/shared';
import { UsbControl } from '../../../enforce/usb/usb-control';
import type { SignalResult, UsbPlatform } from '../../../enforce/usb/usb-platform';
import type { MountWriter } from '../../../enforce/usb/usb-types';
import { fakeUsbHost, usbPolicy } from '../../fake/usb/fake-usb-host';

/**
 * The lockdown ladder when the easy steps fail, on the real Linux platform over a fake sysfs and a
 * fake /proc whose mount table holds a "stick" mount. The mount tools are replaced (this file must
 * not remount or shut down anything real): remount always answers busy, as it does while a writer
 * the scan cannot see or kill holds a file open.
 */
const STICK = { port: '1-2', vendorId: '0781', productId: '5567', serial: 'CUT01', interfaces: [8] };
const LIMITS = { rounds: 2, freezeScans: 3, exitWaitMs: 50 };

interface Script {
  writers: () => MountWriter[];
  shutdown: 'works' | 'unsupported';
  cutFails?: boolean;
}

describe('write lockdown when writers cannot be stopped', () => {
  let procRoot: string;
  let host: ReturnType<typeof fakeUsbHost>;
  const calls = { remount: 0, findWriters: 0, signals: [] as string[], shutdown: 0, unmount: [] as boolean[] };

  function platformFor(script: Script): UsbPlatform {
    const platform = Object.create(host.platform) as UsbPlatform;
    platform.remount = async (_target, readOnly) => {
      if (readOnly) calls.remount++;
      if (readOnly) throw new Error('mount: /media/stick x: mount point is busy.');
    };
    platform.setBlockDeviceReadOnly = async () => undefined;
    platform.unmount = async (_target, options) => {
      calls.unmount.push(options.lazy);
      if (!options.lazy) throw new Error('umount: /media/stick x: target is busy.');
    };
    platform.findWriters = async () => {
      calls.findWriters++;
      return script.writers();
    };
    platform.signalProcess = async (pid, _start, signal): Promise<SignalResult> => {
      calls.signals.push(`${signal}:${pid}`);
      return 'signalled';
    };
    platform.processAlive = async () => false;
    platform.shutdownFilesystem = async () => {
      calls.shutdown++;
      if (script.shutdown === 'unsupported') throw new Error('FS_IOC_SHUTDOWN: Inappropriate ioctl for device');
    };
    if (script.cutFails) {
      platform.setDeviceAuthorized = async () => {
        throw new Error('EACCES');
      };
    }
    return platform;
  }

  beforeEach(() => {
    procRoot = mkdtempSync(path.join(tmpdir(), 'dlp-fake-proc-'));
    mkdirSync(path.join(procRoot, 'self'));
    writeFileSync(path.join(procRoot, 'self/mountinfo'), '100 26 7:0 / /media/stick\\040x rw,relatime - vfat /dev/loop0 rw\n');
    host = fakeUsbHost({ procRoot });
    host.tree.addDevice(STICK);
    host.tree.addBlockDevice('1-2', { majMin: '7:0', devName: 'loop0' });
    Object.assign(calls, { remount: 0, findWriters: 0, signals: [], shutdown: 0, unmount: [] });
  });

  afterEach(() => {
    host.cleanup();
    rmSync(procRoot, { recursive: true, force: true });
  });

  function control(script: Script): UsbControl {
    return new UsbControl({
      platform: platformFor(script),
      emit: host.emit,
      deviceRescanMs: { live: 600_000, polling: 600_000 },
      mountRescanMs: { live: 600_000, polling: 600_000 },
      settleDelaysMs: [],
      lockdownLimits: LIMITS,
    });
  }

  it('cuts the device off when the file system cannot be shut down, keeps it cut off, and gives it back on allow', async () => {
    const usb = control({ writers: () => [], shutdown: 'unsupported' });
    await usb.applyPolicy(usbPolicy('enforce', { defaultAction: 'read-only' }));
    await usb.start();
    expect(host.tree.read('1-2', 'authorized')).toBe('0');
    const event = host.events.find((e) => e.subject.mountPoint === '/media/stick x');
    expect(event).toMatchObject({ action: 'blocked', subject: { outcome: 'read-only', writeProtection: 'device-cut' } });
    expect(agentEvent.safeParse({ ...sampleEvent(), ...event }).success).toBe(true);
    // The device pass must not bind it again while it is read-only, and no second event is sent.
    await usb.rescan();
    expect(host.tree.read('1-2', 'authorized')).toBe('0');
    expect(host.events.filter((e) => e.subject.mountPoint)).toHaveLength(1);
    await usb.applyPolicy(usbPolicy('enforce', { defaultAction: 'allow' }, 2));
    expect(host.tree.read('1-2', 'authorized')).toBe('1');
    await usb.stop();
  });

  it('gives up on a writer that keeps coming back after bounded rounds, then shuts the file system down', async () => {
    let nextPid = 1000;
    // A re-opener: every scan finds a new process holding the file.
    const usb = control({ writers: () => [{ pid: nextPid++, startTime: '1', uid: 65534, name: 'sh', via: 'fd' }], shutdown: 'works' });
    await usb.applyPolicy(usbPolicy('enforce', { defaultAction: 'read-only' }));
    await usb.start();
    expect(calls.findWriters).toBe(LIMITS.rounds * LIMITS.freezeScans);
    expect(calls.remount).toBe(LIMITS.rounds + 1);
    expect(calls.signals.filter((s) => s.startsWith('SIGKILL'))).toHaveLength(LIMITS.rounds * LIMITS.freezeScans);
    expect(calls.shutdown).toBe(1);
    const event = host.events.find((e) => e.subject.mountPoint);
    expect(event?.subject).toMatchObject({ outcome: 'read-only', writeProtection: 'filesystem-shutdown', stoppedWriterCount: 6 });
    expect(event?.subject.stoppedWriters?.[0]).toEqual({ pid: 1000, uid: 65534, name: 'sh' });
    // Shut down stays shut down: a rescan neither repeats the ladder nor reports again.
    await usb.rescan();
    expect(calls.shutdown).toBe(1);
    expect(host.events.filter((e) => e.subject.mountPoint)).toHaveLength(1);
    await usb.stop();
  });

  it('reports a failure once, never detaches lazily, and keeps trying on later passes', async () => {
    const usb = control({ writers: () => [], shutdown: 'unsupported', cutFails: true });
    await usb.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }));
    await usb.start();
    const failed = host.events.filter((e) => e.subject.outcome === 'enforcement-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ action: 'info', severity: 'critical', subject: { mountPoint: '/media/stick x' } });
    expect(agentEvent.safeParse({ ...sampleEvent(), ...failed[0] }).success).toBe(true);
    // Left mounted where it can be seen and retried: no `umount -l` that would hide writable files.
    expect(calls.unmount).toEqual([]);
    const before = calls.shutdown;
    await usb.rescan();
    expect(calls.shutdown).toBe(before + 1);
    expect(host.events.filter((e) => e.subject.outcome === 'enforcement-failed')).toHaveLength(1);
    await usb.stop();
  });
});
