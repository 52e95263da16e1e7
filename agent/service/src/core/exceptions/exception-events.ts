import type { DeviceIdentity, PolicyException } from '@dlp/shared';
import type { EventInput } from '../event-factory';

/** How the exception store hands events to the service (the event factory's input shape). */
export type ExceptionEventSink = (event: EventInput) => void;

/** An exception ran out: device exceptions name the device, others say whom or what they covered. */
export function exceptionExpiredEvent(exception: PolicyException): EventInput {
  const target = exception.target;
  if (target.kind === 'usb-device') return deviceExpired(target.device, exception.id);
  const what = target.kind === 'usb-user' ? `USB storage for user ${target.user}` : `application ${target.sha256}`;
  return {
    type: target.kind === 'app' ? 'app' : 'usb',
    action: 'info',
    severity: 'low',
    ruleId: null,
    subject: { kind: 'agent', message: `exception expired: ${what}`, details: { exceptionId: exception.id, expiresAt: exception.expiresAt } },
  };
}

/** An unlock code's grant ran out. */
export function unlockExpiredEvent(device: DeviceIdentity, nonce: string): EventInput {
  return deviceExpired(device, `unlock:${nonce}`);
}

function deviceExpired(device: DeviceIdentity, exceptionId: string): EventInput {
  return {
    type: 'usb',
    action: 'info',
    severity: 'low',
    ruleId: null,
    subject: {
      kind: 'device',
      vendorId: device.vendorId,
      productId: device.productId,
      serial: device.serial,
      interfaces: [],
      outcome: 'exception-expired',
      exceptionId,
    },
  };
}

/** A stored exception or unlock grant failed its check at boot (edited by hand, or another agent's). */
export function refusedFileEvent(file: string, reason: string): EventInput {
  return {
    type: 'agent',
    action: 'blocked',
    severity: 'high',
    ruleId: null,
    subject: { kind: 'agent', message: `refused a stored exception: ${reason}`, details: { file } },
  };
}
