import { parseMountinfo } from './mountinfo';
import { buildDescriptors, interfacesFromDescriptors } from './usb-descriptors';

describe('mountinfo parsing', () => {
  it('reads device numbers, unescaped mount points, source and the read-only flag', () => {
    const text = [
      '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue',
      '120 26 8:17 / /media/alice/MY\\040STICK rw,nosuid,nodev shared:70 - vfat /dev/sdb1 rw,fmask=0022',
      '121 26 8:33 / /media/ro ro,relatime - ext4 /dev/sdc1 ro',
      'garbage line',
      '',
    ].join('\n');
    expect(parseMountinfo(text)).toEqual([
      { mountId: 36, majMin: '98:0', target: '/mnt2', fsType: 'ext3', source: '/dev/root', readOnly: false },
      { mountId: 120, majMin: '8:17', target: '/media/alice/MY STICK', fsType: 'vfat', source: '/dev/sdb1', readOnly: false },
      { mountId: 121, majMin: '8:33', target: '/media/ro', fsType: 'ext4', source: '/dev/sdc1', readOnly: true },
    ]);
  });
});

describe('USB descriptors', () => {
  it('lists the interface classes of the first configuration, alternate setting 0 only', () => {
    const raw = buildDescriptors({ vendorId: '0781', productId: '5567', deviceClass: 0 }, [3, 8]);
    expect(interfacesFromDescriptors(raw)).toEqual([
      { configValue: 1, interfaceNumber: 0, interfaceClass: 3 },
      { configValue: 1, interfaceNumber: 1, interfaceClass: 8 },
    ]);
    const withAlternate = Buffer.concat([raw, Buffer.from([9, 4, 1, 1, 0, 0xff, 0, 0, 0])]);
    expect(interfacesFromDescriptors(withAlternate)).toHaveLength(2);
  });

  it('survives truncated or empty input', () => {
    const raw = buildDescriptors({ vendorId: '0781', productId: '5567', deviceClass: 0 }, [8]);
    expect(interfacesFromDescriptors(raw.subarray(0, raw.length - 3))).toEqual([]);
    expect(interfacesFromDescriptors(Buffer.alloc(0))).toEqual([]);
    expect(interfacesFromDescriptors(Buffer.concat([raw.subarray(0, 18), Buffer.from([0, 0, 0])]))).toEqual([]);
  });
});
