import { appendFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateSigningKeyPair } from '@dlp/shared/node';
import type { MountEntry } from '../../enforce/usb/usb-types';
import { residentIds, writeCustomerCsv } from '../../testing/content-fixtures';
import { makeTempDir, signedPolicyFor, waitFor } from '../../testing/fixtures';
import { silentLogger } from '../logger';
import { verifyPolicy, type VerifiedPolicy } from '../policy-verifier';
import type { EventInput } from '../event-factory';
import type { ClosedFileSource } from './closed-file-watcher';
import { RemovableScanControl } from './removable-scan-control';

const key = generateSigningKeyPair();

/** A closed-file source the test drives: what the kernel would report, on the mounts the control asked for. */
class ScriptedSource implements ClosedFileSource {
  readonly method = 'inotify' as const;
  readonly watching = new Map<string, (file: string) => void>();
  async watchMount(mountPoint: string, onClosed: (file: string) => void) {
    this.watching.set(mountPoint, onClosed);
    return { close: async () => void this.watching.delete(mountPoint) };
  }
  closed(file: string): void {
    for (const [mount, onClosed] of this.watching) if (file.startsWith(`${mount}/`)) onClosed(file);
  }
  /** A close seen by the watch of `mount` under a path of another mount (the kernel's view: a bind mount). */
  closedThrough(mount: string, file: string): void {
    this.watching.get(mount)?.(file);
  }
}

describe('RemovableScanControl: the queue, rescans and the policy switch (scripted closes, real files)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let media: string;
  let source: ScriptedSource;
  let events: EventInput[];
  let control: RemovableScanControl;

  const usb = (mounts: () => MountEntry[]) => ({
    listUsbBlockDevices: async () => [{ majMin: '8:17', devPath: '/dev/sdb1', usbDeviceId: '1-2' }],
    readMounts: async () => mounts(),
    watchMounts: async () => ({ live: false, stop: async () => undefined }),
    usbAvailable: async () => true,
  });
  const policy = (serial: number, removableMedia: { action: 'report' | 'quarantine' | 'delete' } | undefined): VerifiedPolicy => {
    const document = { mode: 'enforce' as const, content: { enabled: true, detectors: ['cn-resident-id' as const], minDistinct: 10, ...(removableMedia ? { removableMedia } : {}) } };
    const result = verifyPolicy(JSON.parse(JSON.stringify(signedPolicyFor(key, serial, document))), key.publicKey);
    if (!result.ok) throw new Error(result.reason);
    return result.policy;
  };

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('removable-control'));
    media = path.join(dir, 'media');
    await mkdir(media);
    source = new ScriptedSource();
    events = [];
  });
  afterEach(async () => {
    await control.stop();
    await cleanup();
  });

  function startControl(tuning = {}): Promise<void> {
    const mount: MountEntry = { mountId: 40, majMin: '8:17', target: media, fsType: 'vfat', source: '/dev/sdb1', readOnly: false };
    control = new RemovableScanControl({ usb: usb(() => [mount]), dataDir: path.join(dir, 'data'), record: (e) => events.push(e), log: silentLogger, source, tuning: { rescanDelayMs: 5, ...tuning } });
    return control.start();
  }

  it('watches the USB mount only while the policy turns the channel on', async () => {
    await startControl();
    expect(control.watchedMounts()).toEqual([]);
    await control.applyPolicy(policy(2, { action: 'report' }));
    expect(control.watchedMounts()).toEqual([media]);
    expect(control.capabilityNotes().join()).toContain('via inotify');
    await control.applyPolicy(policy(3, undefined));
    expect(control.watchedMounts()).toEqual([]);
    expect(source.watching.size).toBe(0);
  });

  it('scans a file reported under a path outside the mount point (a write through a bind mount), never one on another file system', async () => {
    await startControl();
    await control.applyPolicy(policy(2, { action: 'report' }));
    // Same file system as the stick's mount point (one temp dir here), another path: a bind mount's view.
    const bindView = path.join(dir, 'bind-view');
    await mkdir(bindView);
    const throughBind = path.join(bindView, 'list.csv');
    await writeCustomerCsv(throughBind, residentIds(12));
    source.closedThrough(media, throughBind);
    await waitFor(() => events.some((e) => e.subject.kind === 'file' && e.subject.path === throughBind), 'the event for the file written through the bind mount');

    // A path that resolves to another file system (a folder swapped for a link, a forged report) is not the stick's.
    const elsewhere = await mkdtemp('/dev/shm/dlp-not-the-stick-');
    try {
      const offStick = path.join(elsewhere, 'list.csv');
      await writeCustomerCsv(offStick, residentIds(12));
      source.closedThrough(media, offStick);
      await control.idle();
      expect(events.filter((e) => e.subject.kind === 'file' && e.subject.path === offStick)).toEqual([]);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('bounds the queue and says how many files it dropped', async () => {
    await startControl({ maxPending: 3 });
    await control.applyPolicy(policy(2, { action: 'report' }));
    const files = await Promise.all(Array.from({ length: 10 }, async (_, i) => {
      const file = path.join(media, `f${i}.txt`);
      await writeFile(file, 'nothing here\n');
      return file;
    }));
    // One scan starts at once, three wait, six are dropped.
    for (const file of files) source.closed(file);
    await waitFor(() => events.some((e) => e.type === 'agent'), 'the queue-full notice');
    expect(events.find((e) => e.type === 'agent')).toMatchObject({ subject: { kind: 'agent', details: { dropped: 6 } } });
  });

  it('scans a file that keeps changing again, says once that it kept changing, and judges it once it holds still', async () => {
    await startControl({ maxRescans: 2 });
    await control.applyPolicy(policy(2, { action: 'delete' }));
    const file = path.join(media, 'growing.csv');
    // Big enough that every read takes several steps, during which the writer appends.
    await writeCustomerCsv(file, residentIds(10_000));
    const writer = setInterval(() => appendFileSync(file, 'x'), 1);
    try {
      source.closed(file);
      await waitFor(() => events.some((e) => e.ruleId === 'content:unreadable:changed-while-scanned'), 'the changing-file event');
    } finally {
      clearInterval(writer);
    }
    expect(events.filter((e) => e.type === 'content')).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'info', subject: { kind: 'file', path: file, channel: 'removable-media' } });
    await expect(stat(file)).resolves.toBeTruthy(); // nothing deleted while it changed

    source.closed(file); // the writer closed it: now it is judged, and deleted
    await waitFor(() => events.some((e) => e.ruleId === 'content:deleted'), 'the deletion');
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
