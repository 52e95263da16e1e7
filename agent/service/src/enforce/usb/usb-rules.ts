import type { UsbRule } from '@dlp/shared';
import { STORAGE_CLASSES, type UsbDeviceInfo, type UsbGrant, type UsbSection } from './usb-types';

export type UsbAction = 'allow' | 'block' | 'read-only';

/** What the policy alone says about a device. */
export interface UsbPolicyVerdict {
  action: UsbAction;
  /** The rule that decided, or null for the default and for devices no rule concerns. */
  ruleId: string | null;
  /** The interface class the deciding rule matched on, so a block can target just those interfaces. */
  matchedClass: number | null;
  reason: 'rule' | 'default' | 'not-storage' | 'hub' | 'disabled';
}

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

/** True when the device has a mass-storage or still-image interface (or says so in its class). */
export function isStorageDevice(device: UsbDeviceInfo): boolean {
  return STORAGE_CLASSES.has(device.deviceClass) || device.interfaces.some((i) => STORAGE_CLASSES.has(i.interfaceClass));
}

/** Every field a rule names must match; a rule that names nothing matches every device. */
export function ruleMatches(rule: UsbRule, device: UsbDeviceInfo): boolean {
  const m = rule.match;
  if (m.interfaceClass !== undefined && device.deviceClass !== m.interfaceClass && !device.interfaces.some((i) => i.interfaceClass === m.interfaceClass)) {
    return false;
  }
  if (m.vendorId !== undefined && m.vendorId !== device.vendorId) return false;
  if (m.productId !== undefined && m.productId !== device.productId) return false;
  if (m.serial !== undefined && m.serial !== device.serial) return false;
  if (m.port !== undefined && m.port !== device.port) return false;
  return true;
}

/**
 * The policy's verdict: first matching rule wins; otherwise storage devices get `defaultAction` and
 * everything else (keyboards, mice, webcams) is allowed. Hubs are never judged: cutting one off
 * would take every device behind it, keyboard included.
 */
export function decideByPolicy(device: UsbDeviceInfo, section: UsbSection | null): UsbPolicyVerdict {
  if (device.isHub) return { action: 'allow', ruleId: null, matchedClass: null, reason: 'hub' };
  if (!section || !section.enabled) return { action: 'allow', ruleId: null, matchedClass: null, reason: 'disabled' };
  for (const rule of section.rules) {
    if (ruleMatches(rule, device)) {
      return { action: rule.action, ruleId: rule.id, matchedClass: rule.match.interfaceClass ?? null, reason: 'rule' };
    }
  }
  if (!isStorageDevice(device)) return { action: 'allow', ruleId: null, matchedClass: null, reason: 'not-storage' };
  return { action: section.defaultAction, ruleId: null, matchedClass: null, reason: 'default' };
}

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
