import { IPC_VERSION, type DeviceIdentity, type IpcResponse, type IpcUnlockRequest, type IpcUnlockResult } from '@dlp/shared';
import { normalizeTypedCode } from '@dlp/shared/node';
import type { JudgedDevice } from '../../enforce/usb/device-enforcer';
import type { UnlockOutcome } from '../exceptions/agent-exceptions';
import type { Logger } from '../logger';

export interface UnlockHandlerDeps {
  redeem(code: string, candidates: readonly DeviceIdentity[]): Promise<UnlockOutcome>;
  /** Plugged-in devices the policy restricts (what a code can be for). */
  restrictedDevices(): DeviceIdentity[];
  /** Every device present, to name the unlocked one the way people know it. */
  presentDevices(): JudgedDevice[];
  log: Logger;
}

/** Answers `unlock` requests: redeems the code and says what happened in words. */
export function createUnlockHandler(deps: UnlockHandlerDeps): (request: IpcUnlockRequest) => Promise<IpcResponse> {
  return async (request): Promise<IpcResponse> => {
    const outcome = await deps.redeem(request.code, deps.restrictedDevices());
    // The code itself is a one-time credential: it is never logged.
    if (outcome.ok) deps.log.info('unlock code accepted', { vendorId: outcome.device.vendorId, productId: outcome.device.productId, expiresAt: outcome.expiresAt.toISOString() });
    else deps.log.warn('unlock code refused', { reason: outcome.reason });
    return { v: IPC_VERSION, type: 'unlock-result', result: unlockResult(outcome, request.code, deps.presentDevices()) };
  };
}

/** The result with a message an employee can act on. */
export function unlockResult(outcome: UnlockOutcome, typed: string, present: readonly JudgedDevice[]): IpcUnlockResult['result'] {
  if (outcome.ok) {
    const name = deviceName(outcome.device, present);
    const label = `${name ? `${name} ` : ''}(${outcome.device.vendorId}:${outcome.device.productId}, serial ${outcome.device.serial})`;
    return {
      ok: true,
      device: { ...outcome.device, ...(name ? { name } : {}) },
      expiresAt: outcome.expiresAt.toISOString(),
      message: `Accepted: the USB device ${label} may be used until ${localTime(outcome.expiresAt)}.`,
    };
  }
  const position = outcome.position;
  const refused = (message: string) => ({ ok: false as const, reason: outcome.reason, message, ...(position === undefined ? {} : { position }) });
  switch (outcome.reason) {
    case 'format': {
      if (position !== undefined) return refused(`Character ${position} is not used in unlock codes (they use 0-9 and A-Z without I, L, O, U): please check it.`);
      return refused(`An unlock code has 24 letters and digits; you typed ${normalizeTypedCode(typed).length}.`);
    }
    case 'checksum':
      return refused(position !== undefined ? `The code has a typo at character ${position}: please check that character.` : 'The code has a typo: please check each character.');
    case 'not-valid':
      return refused('This code is not for this computer, or not for a USB device plugged in now.');
    case 'expired':
      return refused(`${capitalized(outcome.message)}: please ask for a new code.`);
    case 'reused':
      return refused('This code has already been used (each code works once): please ask for a new code.');
    case 'unavailable':
      return refused('Unlock codes are not available on this computer yet.');
    case 'no-device':
      return refused('No blocked USB device is plugged in: plug in the device the code is for, then enter the code again.');
  }
}

function deviceName(device: DeviceIdentity, present: readonly JudgedDevice[]): string | null {
  const match = present.find((j) => j.device.vendorId === device.vendorId && j.device.productId === device.productId && j.device.serial === device.serial)?.device;
  const name = [match?.manufacturer, match?.product].filter((part): part is string => !!part).join(' ');
  return name === '' ? null : name.slice(0, 200);
}

/** `2026-11-28 18:30` in the workstation's time zone: what the person at it reads on their clock. */
function localTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
