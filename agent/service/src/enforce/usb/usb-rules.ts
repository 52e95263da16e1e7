import { decideByPolicy, isStorageDevice, ruleMatches, type UsbPolicyVerdict, type UsbRuleAction } from '@dlp/shared';
import { STORAGE_CLASSES, type UsbDeviceInfo, type UsbGrant, type UsbSection } from './usb-types';

export type UsbAction = UsbRuleAction;
export type { UsbPolicyVerdict };

/** The final word on a device: the policy verdict, possibly relaxed by a grant. */
export interface UsbDecision extends UsbPolicyVerdict {
  /** What the policy alone said (differs from `action` when a grant relaxed it). */
  policyAction: UsbAction;
  /** The grant that relaxed the policy, if one did. */
  grant: UsbGrant | null;
}

/** Where a block lands: the whole device, or only some interfaces of a composite device. */
export type BlockTarget = { kind: 'device' } | { kind: 'interfaces'; names: string[] };

/** How permissive an action is; grants may only move a device up this scale. */
const PERMISSIVENESS: Record<UsbAction, number> = { block: 0, 'read-only': 1, allow: 2 };

/**
 * The policy's verdict on a device (`decideByPolicy`, `ruleMatches`, `isStorageDevice`) lives in
 * @dlp/shared so the console's impact preview judges replayed devices with the agent's own code.
 */
export { decideByPolicy, isStorageDevice, ruleMatches };

/** Whether a grant covers this device for this user right now. */
export function grantApplies(grant: UsbGrant, device: UsbDeviceInfo, user: string | null, nowMs: number): boolean {
  if (grant.expiresAt.getTime() <= nowMs) return false;
  if (grant.target.kind === 'user') return user !== null && grant.target.user === user && isStorageDevice(device);
  const wanted = grant.target.device;
  return wanted.vendorId === device.vendorId && wanted.productId === device.productId && device.serial !== null && wanted.serial === device.serial;
}

/**
 * Policy verdict, then grants: a grant only ever relaxes (block → read-only → allow). Among grants
 * that apply, the most permissive wins; a device grant beats a user grant of the same action.
 */
export function decideUsbDevice(
  device: UsbDeviceInfo,
  section: UsbSection | null,
  grants: readonly UsbGrant[],
  user: string | null,
  nowMs: number,
): UsbDecision {
  const verdict = decideByPolicy(device, section);
  let best: UsbGrant | null = null;
  for (const grant of grants) {
    if (PERMISSIVENESS[grant.action] <= PERMISSIVENESS[verdict.action]) continue;
    if (!grantApplies(grant, device, user, nowMs)) continue;
    if (!best || isBetterGrant(grant, best)) best = grant;
  }
  if (!best) return { ...verdict, policyAction: verdict.action, grant: null };
  return { ...verdict, action: best.action, policyAction: verdict.action, grant: best };
}

function isBetterGrant(candidate: UsbGrant, current: UsbGrant): boolean {
  const byAction = PERMISSIVENESS[candidate.action] - PERMISSIVENESS[current.action];
  if (byAction !== 0) return byAction > 0;
  if (candidate.target.kind !== current.target.kind) return candidate.target.kind === 'device';
  return candidate.expiresAt.getTime() > current.expiresAt.getTime();
}

/**
 * A block on a composite device lands on the interfaces that earned it (the rule's interface class,
 * or the storage interfaces for the default), so a keyboard with a built-in stick keeps typing. When
 * those are all the device has, the whole device goes.
 */
export function blockTarget(device: UsbDeviceInfo, verdict: Pick<UsbPolicyVerdict, 'matchedClass'>): BlockTarget {
  const classes: ReadonlySet<number> = verdict.matchedClass !== null ? new Set([verdict.matchedClass]) : STORAGE_CLASSES;
  const targeted = device.interfaces.filter((i) => classes.has(i.interfaceClass));
  if (targeted.length === 0 || targeted.length === device.interfaces.length) return { kind: 'device' };
  return { kind: 'interfaces', names: targeted.map((i) => i.name) };
}
