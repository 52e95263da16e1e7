import type { MountEntry, UsbBlockDevice } from '../../enforce/usb/usb-types';
import { listRemovableMounts } from './removable-mounts';

const mount = (mountId: number, majMin: string, target: string, readOnly = false): MountEntry => ({ mountId, majMin, target, fsType: 'vfat', source: '/dev/sdb1', readOnly });
const usb = (blocks: UsbBlockDevice[], mounts: MountEntry[]) => ({ listUsbBlockDevices: async () => blocks, readMounts: async () => mounts });

describe('listRemovableMounts', () => {
  const stick: UsbBlockDevice = { majMin: '8:17', devPath: '/dev/sdb1', usbDeviceId: '1-2' };

  it('keeps writable mounts of USB block devices, and nothing else', async () => {
    const mounts = [mount(1, '259:1', '/'), mount(40, '8:17', '/media/zhang/STICK'), mount(41, '8:17', '/mnt/bind'), mount(42, '8:33', '/media/disk')];
    expect((await listRemovableMounts(usb([stick], mounts))).map((m) => m.target)).toEqual(['/media/zhang/STICK', '/mnt/bind']);
  });

  it('leaves out read-only mounts (a stick the policy makes read-only) and mounts hidden under a later one', async () => {
    const mounts = [mount(40, '8:17', '/media/a', true), mount(41, '8:17', '/media/b'), mount(42, '0:55', '/media/b')];
    expect(await listRemovableMounts(usb([stick], mounts))).toEqual([]);
  });

  it('reads no mount table when no USB block device is present', async () => {
    let reads = 0;
    const readMounts = async () => (reads++, [mount(1, '8:17', '/media/x')]);
    expect(await listRemovableMounts({ listUsbBlockDevices: async () => [], readMounts })).toEqual([]);
    expect(reads).toBe(0);
  });
});
