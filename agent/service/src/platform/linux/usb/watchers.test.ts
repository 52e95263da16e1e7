import { EventEmitter } from 'node:events';
import { waitFor } from '../../fake/usb/fake-usb-host';
import { watchMountsWithFindmnt } from './findmnt-watcher';
import { NodeUsbHotplug, type NodeUsbLoader } from './hotplug';

describe('findmnt mount watcher', () => {
  it('says it is not live when findmnt cannot be started', async () => {
    const handle = await watchMountsWithFindmnt(() => undefined, { command: '/nonexistent/findmnt' });
    expect(handle.live).toBe(false);
    await handle.stop();
  });

  it('nudges a rescan and restarts when findmnt dies', async () => {
    let nudges = 0;
    // `true` exits at once: each exit must cost a rescan and bring a restart, not silence.
    const handle = await watchMountsWithFindmnt(() => nudges++, { command: 'true', restartDelayMs: 5, maxRestartDelayMs: 20 });
    expect(handle.live).toBe(true);
    await waitFor(() => nudges >= 3, 'three restarts');
    await handle.stop();
  });
});

describe('node-usb hotplug adapter', () => {
  function fakeModule(options: { initError?: boolean; supported?: boolean }) {
    const emitter = new EventEmitter();
    const usb = Object.assign(emitter, {
      INIT_ERROR: options.initError ? 1 : 0,
      _supportedHotplugEvents: () => options.supported ?? true,
      unrefHotplugEvents: () => undefined,
    });
    const loader: NodeUsbLoader = async () => ({ usb });
    return { usb, loader };
  }

  it('forwards attach and detach, and stops listening on stop', async () => {
    const { usb, loader } = fakeModule({});
    const adapter = new NodeUsbHotplug(loader);
    let changes = 0;
    expect(await adapter.start(() => changes++)).toBe(true);
    usb.emit('attach', {});
    usb.emit('detach', {});
    expect(changes).toBe(2);
    await adapter.stop();
    usb.emit('attach', {});
    expect(changes).toBe(2);
    expect(usb.listenerCount('attach')).toBe(0);
  });

  it('falls back (false) when libusb failed, lacks hotplug, or the module does not load', async () => {
    const errors: string[] = [];
    expect(await new NodeUsbHotplug(fakeModule({ initError: true }).loader).start(() => undefined)).toBe(false);
    expect(await new NodeUsbHotplug(fakeModule({ supported: false }).loader).start(() => undefined)).toBe(false);
    const broken = new NodeUsbHotplug(async () => Promise.reject(new Error('no prebuilt binary')), (m) => errors.push(m));
    expect(await broken.start(() => undefined)).toBe(false);
    expect(errors).toEqual(['usb hotplug unavailable: no prebuilt binary']);
  });

  it('loads the real node-usb module lazily and gets libusb hotplug on Linux', async () => {
    const errors: string[] = [];
    const adapter = new NodeUsbHotplug(undefined, (m) => errors.push(m));
    expect(await adapter.start(() => undefined)).toBe(true);
    expect(errors).toEqual([]);
    await adapter.stop();
  });
});
