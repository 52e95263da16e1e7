import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { agentEvent, sampleEvent } from '@dlp/shared';
import { FakeHotplug } from '../../fake/usb/fake-hotplug';
import { LinuxUsbPlatform } from './linux-usb-platform';
import { UsbControl } from '../../../enforce/usb/usb-control';
import { fakeUsbHost, usbPolicy, waitFor } from '../../fake/usb/fake-usb-host';

const STICK = { port: '1-2', vendorId: '0781', productId: '5567', serial: '4C530001230512', manufacturer: 'SanDisk', product: 'Cruzer Blade', interfaces: [8] };
const KEYBOARD_WITH_STORAGE = { port: '1-3', vendorId: '046d', productId: 'c52b', serial: 'KB01', manufacturer: 'Logitech', product: 'Keyboard+Disk', interfaces: [3, 8] };
const MOUSE = { port: '2-1', vendorId: '046d', productId: 'c077', manufacturer: 'Logitech', product: 'Mouse', interfaces: [3] };

describe('UsbControl against a fake sysfs tree', () => {
  let host: ReturnType<typeof fakeUsbHost>;
  let control: UsbControl;

  beforeEach(() => {
    host = fakeUsbHost();
    control = new UsbControl({
      platform: host.platform,
      emit: host.emit,
      // Long safety-net intervals: these tests drive passes through policy changes and hotplug.
      deviceRescanMs: { live: 600_000, polling: 600_000 },
      mountRescanMs: { live: 600_000, polling: 600_000 },
      settleDelaysMs: [],
    });
  });

  afterEach(async () => {
    await control.stop();
    host.cleanup();
  });

  it('cuts off only the storage interface of a composite device, so its keyboard keeps working', async () => {
    host.tree.addDevice(KEYBOARD_WITH_STORAGE);
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }));
    await control.start();
    expect(host.tree.read('1-3', 'authorized')).toBe('1');
    expect(host.tree.read('1-3:1.0', 'authorized')).toBe('1');
    expect(host.tree.read('1-3:1.1', 'authorized')).toBe('0');
    expect(host.events).toEqual([
      expect.objectContaining({
        type: 'usb',
        action: 'blocked',
        severity: 'high',
        subject: expect.objectContaining({ kind: 'device', vendorId: '046d', productId: 'c52b', serial: 'KB01', interfaces: [3, 8], outcome: 'interface-blocked' }),
      }),
    ]);
  });

  it('cuts off a plain stick and reports it with VID, PID, serial, vendor and product names', async () => {
    host.tree.addDevice(STICK);
    host.tree.addDevice(MOUSE);
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }, 7));
    await control.start();
    expect(host.tree.read('1-2', 'authorized')).toBe('0');
    expect(host.tree.read('2-1', 'authorized')).toBe('1');
    expect(host.events).toHaveLength(1);
    const event = host.events[0];
    expect(event).toEqual({
      type: 'usb',
      action: 'blocked',
      severity: 'high',
      ruleId: null,
      policySerial: 7,
      subject: {
        kind: 'device',
        vendorId: '0781',
        productId: '5567',
        serial: '4C530001230512',
        vendorName: 'SanDisk',
        productName: 'Cruzer Blade',
        port: '1-2',
        interfaces: [8],
        outcome: 'device-blocked',
      },
    });
    // What the control emits must pass the wire schema once the service adds identity and time.
    expect(agentEvent.safeParse({ ...sampleEvent(), ...event }).success).toBe(true);
  });

  it('leaves a stick allowed by serial authorized while blocking its twin', async () => {
    host.tree.addDevice(STICK);
    host.tree.addDevice({ ...STICK, port: '2-2', serial: 'OTHER' });
    await control.applyPolicy(
      usbPolicy('enforce', { defaultAction: 'block', rules: [{ id: 'audit-stick', action: 'allow', match: { vendorId: '0781', productId: '5567', serial: '4C530001230512' } }] }),
    );
    await control.start();
    expect(host.tree.read('1-2', 'authorized')).toBe('1');
    expect(host.tree.read('2-2', 'authorized')).toBe('0');
    expect(host.events.map((e) => e.subject.serial)).toEqual(['OTHER']);
  });

  it('blocks again when a grant given before start runs out, with nothing else to trigger a pass', async () => {
    host.tree.addDevice(STICK);
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }));
    const device = { vendorId: STICK.vendorId, productId: STICK.productId, serial: STICK.serial };
    await control.applyExceptions([{ id: 'exc-1', source: 'exception', target: { kind: 'device', device }, action: 'allow', expiresAt: new Date(Date.now() + 1_000) }]);
    await control.start();
    expect(host.tree.read('1-2', 'authorized')).toBe('1');
    // Rescans are minutes apart here: only the grant's own expiry timer can cut the stick off.
    await waitFor(() => host.tree.read('1-2', 'authorized') === '0', 'the stick to be cut off at expiry');
  });

  it('in enforce mode keeps new devices unbound until judged, then binds the allowed ones', async () => {
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }));
    await control.start();
    expect(host.tree.read('usb1', 'authorized_default')).toBe('0');
    expect(host.tree.read('usb2', 'authorized_default')).toBe('0');

    // New arrivals come unbound and unconfigured: only their descriptors say what they are.
    host.tree.addDevice({ ...MOUSE, authorized: false, configured: false });
    host.tree.addDevice({ ...STICK, authorized: false, configured: false });
    host.hotplug.plug();
    await waitFor(() => host.tree.read('2-1', 'authorized') === '1', 'the mouse to be bound');
    await waitFor(() => host.events.some((e) => e.action === 'blocked'), 'the stick to be reported');
    expect(host.tree.read('1-2', 'authorized')).toBe('0');
    expect(host.events.filter((e) => e.subject.outcome === 'inserted').map((e) => e.subject.productId).sort()).toEqual(['5567', 'c077']);
    expect(host.events.find((e) => e.action === 'blocked')?.subject).toMatchObject({ productId: '5567', interfaces: [8], outcome: 'device-blocked' });

    // Back to monitor: hubs get their default back, and what we kept unbound is bound again.
    await control.applyPolicy(usbPolicy('monitor', { defaultAction: 'block' }));
    expect(host.tree.read('usb1', 'authorized_default')).toBe('1');
    expect(host.tree.read('1-2', 'authorized')).toBe('1');
  });

  it('in monitor mode writes nothing and reports would-block', async () => {
    host.tree.addDevice(STICK);
    host.tree.addDevice(KEYBOARD_WITH_STORAGE);
    const before = host.tree.snapshot();
    await control.applyPolicy(usbPolicy('monitor', { defaultAction: 'block' }));
    await control.start();
    expect(host.tree.snapshot()).toEqual(before);
    expect(host.events.map((e) => [e.action, e.subject.productId, e.subject.outcome])).toEqual([
      ['would-block', '5567', 'device-blocked'],
      ['would-block', 'c52b', 'interface-blocked'],
    ]);
  });

  it('re-judges present devices when the policy changes', async () => {
    host.tree.addDevice(STICK);
    await control.start();
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'allow' }));
    expect(host.tree.read('1-2', 'authorized')).toBe('1');
    await control.applyPolicy(usbPolicy('enforce', { rules: [{ id: 'no-sandisk', action: 'block', match: { vendorId: '0781' } }] }, 2));
    expect(host.tree.read('1-2', 'authorized')).toBe('0');
    expect(host.events.at(-1)).toMatchObject({ action: 'blocked', ruleId: 'no-sandisk', policySerial: 2 });
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'allow' }, 3));
    expect(host.tree.read('1-2', 'authorized')).toBe('1');
  });

  it('judges a device plugged in later when hotplug says so', async () => {
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }));
    await control.start();
    expect(host.hotplug.listening).toBe(true);
    host.tree.addDevice(STICK);
    host.hotplug.plug();
    await waitFor(() => host.events.length === 2, 'the new stick to be reported');
    expect(host.events.map((e) => e.subject.outcome)).toEqual(['inserted', 'device-blocked']);
    expect(host.tree.read('1-2', 'authorized')).toBe('0');
  });

  it('reports honestly what it enforces, and "none" on a host without USB sysfs', async () => {
    await control.start();
    expect(control.capabilities()).toEqual({ method: 'sysfs-authorized', mountGuard: true });
    const emptySys = mkdtempSync(path.join(tmpdir(), 'dlp-no-usb-'));
    const bare = new UsbControl({
      platform: new LinuxUsbPlatform({ sysRoot: emptySys, procRoot: '/proc', hotplug: new FakeHotplug(), mountWatch: 'none' }),
      emit: host.emit,
    });
    try {
      await bare.start();
      expect(bare.capabilities()).toEqual({ method: 'none', mountGuard: false });
    } finally {
      await bare.stop();
      rmSync(emptySys, { recursive: true, force: true });
    }
  });
});
