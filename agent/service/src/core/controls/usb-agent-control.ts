import type { CapabilityReport, DeviceIdentity } from '@dlp/shared';
import type { JudgedDevice } from '../../enforce/usb/device-enforcer';
import { UsbControl, type UsbControlOptions } from '../../enforce/usb/usb-control';
import type { UsbPolicy } from '../../enforce/usb/usb-types';
import type { Platform } from '../../platform/types';
import type { Logger } from '../logger';
import type { VerifiedPolicy } from '../policy-store';
import type { ActiveExceptions, AgentControl, EventSink } from './agent-control';

/** The part of a verified policy the USB control enforces. */
export function usbPolicyOf(policy: VerifiedPolicy | null): UsbPolicy | null {
  if (!policy) return null;
  const { document, serial } = policy.signed.bundle;
  return { serial, mode: document.mode, usb: document.usb };
}

export interface UsbAgentControlOptions {
  platform: Platform;
  record: EventSink;
  log: Logger;
  /** Test knobs passed through to UsbControl (rescan periods, settle delays). */
  tuning?: Pick<UsbControlOptions, 'deviceRescanMs' | 'mountRescanMs' | 'settleDelaysMs'>;
}

/** USB device control and mount guard in the service's control list. */
export class UsbAgentControl implements AgentControl {
  readonly name = 'usb';
  private readonly control: UsbControl;
  private running = false;

  constructor(options: UsbAgentControlOptions) {
    const host = options.platform.host;
    this.control = new UsbControl({
      platform: options.platform.usb,
      // The event factory attributes USB events to whoever is at the workstation's console.
      emit: (draft) => options.record(draft),
      // Per-user exceptions are for the person at the console, the one who can plug a stick in.
      currentUser: () => host.loggedInUser(),
      log: options.log,
      ...options.tuning,
    });
  }

  applyPolicy(policy: VerifiedPolicy | null): Promise<void> {
    return this.control.applyPolicy(usbPolicyOf(policy));
  }

  applyExceptions(active: ActiveExceptions): Promise<void> {
    return this.control.applyExceptions(active.usb);
  }

  async start(): Promise<void> {
    await this.control.start();
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.control.stop();
  }

  /** `sysfs-authorized` with the mount guard while the control runs on a host with USB sysfs. */
  capabilities(): CapabilityReport['usb'] {
    return this.running ? this.control.capabilities() : { method: 'none', mountGuard: false };
  }

  /** Plugged-in devices the policy restricts: what an unlock code can be for. */
  restrictedDevices(): DeviceIdentity[] {
    return this.control.restrictedDevices();
  }

  presentDevices(): JudgedDevice[] {
    return this.control.presentDevices();
  }
}
