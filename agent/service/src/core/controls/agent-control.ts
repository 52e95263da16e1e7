import type { AppException } from '../../enforce/apps/app-matcher';
import type { UsbGrant } from '../../enforce/usb/usb-types';
import type { EventInput } from '../event-factory';
import type { VerifiedPolicy } from '../policy-store';

/** How a control hands events to the service: the event factory stamps them, the outbox keeps them. */
export type EventSink = (event: EventInput) => void;

/** The exceptions in force, in the shape each control uses. */
export interface ActiveExceptions {
  /** Executables (by sha256) that may run although the policy blocks them. */
  apps: AppException[];
  /** USB devices or users the policy's USB section is relaxed for (signed exceptions and unlock codes). */
  usb: UsbGrant[];
}

export const NO_EXCEPTIONS: ActiveExceptions = { apps: [], usb: [] };

/**
 * One enforcement control as the service drives it. Every control gets the same feed — the policy
 * in force at boot (before any network) and every accepted push, the exceptions in force at boot
 * and after every change — and reports through the same event sink.
 */
export interface AgentControl {
  readonly name: 'apps' | 'usb' | 'content' | 'removable-content';
  /** Null: no policy yet (monitor mode, nothing enforced). Called before `start` at boot. */
  applyPolicy(policy: VerifiedPolicy | null): Promise<void>;
  /** Called before `start` at boot and after every change to the exception store. */
  applyExceptions(active: ActiveExceptions): Promise<void>;
  /** Resolves once what is present now (processes, devices, mounts) has been judged. */
  start(): Promise<void>;
  stop(): Promise<void>;
}
