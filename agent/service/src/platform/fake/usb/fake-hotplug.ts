import type { HotplugAdapter } from '../../linux/usb/hotplug';

/** Hotplug for tests: `plug()` plays an attach/detach notification. */
export class FakeHotplug implements HotplugAdapter {
  private listener: (() => void) | null = null;

  /** `available: false` plays a machine without libusb hotplug (periodic rescan only). */
  constructor(private readonly available = true) {}

  async start(onChange: () => void): Promise<boolean> {
    if (!this.available) return false;
    this.listener = onChange;
    return true;
  }

  async stop(): Promise<void> {
    this.listener = null;
  }

  /** Notifies like node-usb would when a device comes or goes. */
  plug(): void {
    this.listener?.();
  }

  get listening(): boolean {
    return this.listener !== null;
  }
}
