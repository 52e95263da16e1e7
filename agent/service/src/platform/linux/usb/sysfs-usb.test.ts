import { FakeSysfsTree } from '../../fake/usb/fake-sysfs-tree';
import { SysfsUsb } from './sysfs-usb';

describe('USB devices from sysfs', () => {
  let tree: FakeSysfsTree;
  let sysfs: SysfsUsb;

  beforeEach(() => {
    tree = FakeSysfsTree.create();
    tree.addRootHub(1);
    sysfs = new SysfsUsb(tree.root, '/dev');
  });

  afterEach(() => tree.cleanup());

  it('reads identity, strings, interfaces and authorization, hubs included', async () => {
    tree.addDevice({ port: '1-1', vendorId: '05E3', productId: '0610', product: 'USB2.0 Hub', deviceClass: 9, interfaces: [9] });
    tree.addDevice({ port: '1-1.3', vendorId: '046d', productId: 'c52b', serial: 'KB01', manufacturer: 'Logitech', product: 'Keyboard+Disk', interfaces: [3, 8] });
    tree.write('1-1.3:1.1', 'authorized', '0');
    const devices = await sysfs.listDevices();
    expect(devices.map((d) => [d.id, d.isHub, d.authorizedDefault])).toEqual([
      ['1-1', true, null],
      ['1-1.3', false, null],
      ['usb1', true, true],
    ]);
    expect(devices[1]).toEqual({
      id: '1-1.3',
      port: '1-1.3',
      vendorId: '046d',
      productId: 'c52b',
      serial: 'KB01',
      manufacturer: 'Logitech',
      product: 'Keyboard+Disk',
      deviceClass: 0,
      interfaces: [
        { name: '1-1.3:1.0', interfaceClass: 3, authorized: true },
        { name: '1-1.3:1.1', interfaceClass: 8, authorized: false },
      ],
      authorized: true,
      isHub: false,
      authorizedDefault: null,
    });
    expect(devices[0]?.vendorId).toBe('05e3');
  });

  it('knows what an unconfigured device is from its descriptors', async () => {
    tree.addDevice({ port: '1-2', vendorId: '0781', productId: '5567', interfaces: [8], authorized: false, configured: false });
    const [stick] = await sysfs.listDevices();
    expect(stick).toMatchObject({ id: '1-2', authorized: false, serial: null, interfaces: [{ name: '1-2:1.0', interfaceClass: 8, authorized: null }] });
  });

  it('writes authorized on devices and interfaces and authorized_default on hubs', async () => {
    tree.addDevice({ port: '1-2', vendorId: '0781', productId: '5567', interfaces: [3, 8] });
    await sysfs.setDeviceAuthorized('1-2', false);
    await sysfs.setInterfaceAuthorized('1-2:1.1', false);
    await sysfs.setHubAuthorizedDefault('usb1', false);
    expect([tree.read('1-2', 'authorized'), tree.read('1-2:1.0', 'authorized'), tree.read('1-2:1.1', 'authorized'), tree.read('usb1', 'authorized_default')]).toEqual(['0', '1', '0', '0']);
    await expect(sysfs.setDeviceAuthorized('../../etc', false)).rejects.toThrow(/not a USB device/);
  });

  it('maps block devices to the USB device they sit on, through hubs and stacked devices', async () => {
    tree.addDevice({ port: '1-1', vendorId: '05e3', productId: '0610', deviceClass: 9, interfaces: [9] });
    tree.addDevice({ port: '1-1.3', vendorId: '0781', productId: '5567', interfaces: [8] });
    tree.addBlockDevice('1-1.3', { majMin: '8:16', devName: 'sdb' });
    tree.addStackedBlockDevice({ majMin: '253:0', devName: 'dm-0', slaves: ['8:16'] });
    tree.addStackedBlockDevice({ majMin: '253:1', devName: 'dm-1', slaves: [] });
    expect(await sysfs.listUsbBlockDevices()).toEqual([
      { majMin: '253:0', devPath: '/dev/dm-0', usbDeviceId: '1-1.3' },
      { majMin: '8:16', devPath: '/dev/sdb', usbDeviceId: '1-1.3' },
    ]);
    tree.removeDevice('1-1.3');
    expect(await sysfs.listUsbBlockDevices()).toEqual([]);
    expect((await sysfs.listDevices()).map((d) => d.id)).toEqual(['1-1', 'usb1']);
  });

  it('says so when there is no USB sysfs at all', async () => {
    expect(await sysfs.available()).toBe(true);
    expect(await new SysfsUsb(`${tree.root}/nowhere`).available()).toBe(false);
  });
});
