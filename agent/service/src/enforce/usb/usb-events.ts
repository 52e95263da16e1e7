import { LIMITS, type EventAction, type EventSubject, type Severity, type StoppedWriter, type UsbOutcome, type UsbWriteProtection } from '@dlp/shared';
import type { UsbDeviceInfo } from './usb-types';

export type DeviceSubject = Extract<EventSubject, { kind: 'device' }>;

/**
 * A USB event as the control reports it. The service adds id, seq, time, host and user when it
 * writes it to the outbox.
 */
export interface UsbEventDraft {
  type: 'usb';
  action: EventAction;
  severity: Severity;
  ruleId: string | null;
  policySerial: number | null;
  subject: DeviceSubject;
}

/** How the USB control hands events to the service. Must not throw; must not block. */
export type UsbEventSink = (event: UsbEventDraft) => void;

export interface DeviceEventDetails {
  action: EventAction;
  outcome: UsbOutcome;
  ruleId?: string | null;
  policySerial: number | null;
  mountPoint?: string;
  exceptionId?: string;
  /** What made a mount unwritable, and which writers were killed on the way. */
  writeProtection?: UsbWriteProtection;
  stoppedWriters?: readonly StoppedWriter[];
}

/** Writers listed by name in one event; the count says how many there were in all. */
const MAX_LISTED_WRITERS = 16;

/** Severity by what happened: officers triage blocks first, then exceptions in use. */
const SEVERITY: Record<UsbOutcome, Severity> = {
  inserted: 'low',
  'device-blocked': 'high',
  'interface-blocked': 'high',
  unmounted: 'high',
  'read-only': 'medium',
  'allowed-by-exception': 'medium',
  'allowed-by-unlock-code': 'medium',
  'exception-expired': 'low',
  'enforcement-failed': 'critical',
};

/** Builds the event for one device and outcome, with every identifying detail the schema allows. */
export function deviceEvent(device: UsbDeviceInfo, details: DeviceEventDetails): UsbEventDraft {
  const subject: DeviceSubject = {
    kind: 'device',
    vendorId: device.vendorId,
    productId: device.productId,
    interfaces: [...new Set(device.interfaces.map((i) => i.interfaceClass))].slice(0, 32),
    outcome: details.outcome,
  };
  if (device.serial) subject.serial = clip(device.serial, LIMITS.maxShortString);
  if (device.manufacturer) subject.vendorName = clip(device.manufacturer, LIMITS.maxShortString);
  if (device.product) subject.productName = clip(device.product, LIMITS.maxShortString);
  if (device.port) subject.port = clip(device.port, 64);
  if (details.mountPoint) subject.mountPoint = clip(details.mountPoint, LIMITS.maxPath);
  if (details.exceptionId) subject.exceptionId = clip(details.exceptionId, 64);
  if (details.writeProtection) subject.writeProtection = details.writeProtection;
  if (details.stoppedWriters && details.stoppedWriters.length > 0) {
    subject.stoppedWriters = details.stoppedWriters.slice(0, MAX_LISTED_WRITERS).map((w) => ({ ...w, name: clip(w.name, LIMITS.maxShortString) }));
    subject.stoppedWriterCount = details.stoppedWriters.length;
  }
  return {
    type: 'usb',
    action: details.action,
    // A would-block is worth less attention than the real thing, but more than a plain insert.
    severity: details.action === 'would-block' ? 'medium' : SEVERITY[details.outcome],
    ruleId: details.ruleId ?? null,
    policySerial: details.policySerial,
    subject,
  };
}

function clip(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max);
}
