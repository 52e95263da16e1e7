import type { PolicyDocument, UsbRule } from '../schemas/policy';

/**
 * The policy's verdict on a USB device, shared so the agent enforces and the console's impact
 * preview replays with ONE implementation.
 */

export type UsbRuleAction = 'allow' | 'block' | 'read-only';

/** The `usb` section of a policy document. */
export type UsbPolicySection = PolicyDocument['usb'];

/** USB classes that carry files off the machine: mass storage (8) and still image, MTP/PTP (6). */
export const STORAGE_INTERFACE_CLASSES: ReadonlySet<number> = new Set([0x08, 0x06]);

/** What the rules look at; the agent's UsbDeviceInfo and a replayed device event both fit. */
export interface UsbDeviceFacts {
  /** Bus port path as policies match it (`1-1.2`); null when unknown. */
  port: string | null;
  vendorId: string;
  productId: string;
  serial: string | null;
  /** The device descriptor's class (0: see the interfaces). */
  deviceClass: number;
  interfaces: ReadonlyArray<{ interfaceClass: number }>;
  isHub: boolean;
}

/** What the policy alone says about a device. */
export interface UsbPolicyVerdict {
  action: UsbRuleAction;
  /** The rule that decided, or null for the default and for devices no rule concerns. */
  ruleId: string | null;
  /** The interface class the deciding rule matched on, so a block can target just those interfaces. */
  matchedClass: number | null;
  reason: 'rule' | 'default' | 'not-storage' | 'hub' | 'disabled';
}

/** True when the device has a mass-storage or still-image interface (or says so in its class). */
export function isStorageDevice(device: UsbDeviceFacts): boolean {
  return STORAGE_INTERFACE_CLASSES.has(device.deviceClass) || device.interfaces.some((i) => STORAGE_INTERFACE_CLASSES.has(i.interfaceClass));
}

/** Every field a rule names must match; a rule that names nothing matches every device. */
export function ruleMatches(rule: UsbRule, device: UsbDeviceFacts): boolean {
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
export function decideByPolicy(device: UsbDeviceFacts, section: UsbPolicySection | null): UsbPolicyVerdict {
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
