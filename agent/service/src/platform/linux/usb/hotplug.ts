/**
 * USB hotplug notification, behind an adapter: node-usb (libusb) on a real machine, a fake in tests.
 * Notifications only say "something changed"; the device list always comes from sysfs.
 */
export interface HotplugAdapter {
  /** Starts calling `onChange` on attach/detach. Resolves false when hotplug is not available here. */
  start(onChange: () => void): Promise<boolean>;
  stop(): Promise<void>;
}

/** The part of node-usb's module we use (typed here so it is loaded lazily, only on demand). */
interface NodeUsbModule {
  usb: {
    INIT_ERROR?: number;
    on(event: 'attach' | 'detach', listener: () => void): unknown;
    removeListener(event: 'attach' | 'detach', listener: () => void): unknown;
    _supportedHotplugEvents(): boolean;
    unrefHotplugEvents(): void;
  };
}

export type NodeUsbLoader = () => Promise<NodeUsbModule>;

/**
 * node-usb `usb@2` attach/detach. Loaded lazily: a machine without a USB bus, without libusb
 * support or without the native module just gets `false` and relies on the periodic rescan.
 */
export class NodeUsbHotplug implements HotplugAdapter {
  private listener: (() => void) | null = null;
  private module: NodeUsbModule | null = null;

  constructor(
    private readonly load: NodeUsbLoader = async () => (await import('usb')) as unknown as NodeUsbModule,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  async start(onChange: () => void): Promise<boolean> {
    try {
      const mod = await this.load();
      // Without libusb event support node-usb would poll its own device list: our sysfs rescan
      // does the same job, so there is no point in a second poller.
      if (mod.usb.INIT_ERROR || !mod.usb._supportedHotplugEvents()) return false;
      this.listener = () => onChange();
      mod.usb.on('attach', this.listener);
      mod.usb.on('detach', this.listener);
      // The agent exits on SIGTERM by closing what it opened; hotplug must not keep it alive.
      mod.usb.unrefHotplugEvents();
      this.module = mod;
      return true;
    } catch (err) {
      this.onError(`usb hotplug unavailable: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  async stop(): Promise<void> {
    if (this.module && this.listener) {
      this.module.usb.removeListener('attach', this.listener);
      this.module.usb.removeListener('detach', this.listener);
    }
    this.listener = null;
    this.module = null;
  }
}
