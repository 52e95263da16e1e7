import type { EventAction, UsbOutcome } from '@dlp/shared';
import { blockTarget, type BlockTarget, type UsbDecision } from './usb-rules';
import type { UsbDeviceInfo } from './usb-types';

/** One sysfs write: bind or cut off a device or one of its interfaces. */
export type UsbWrite =
  | { kind: 'device'; id: string; authorized: boolean }
  | { kind: 'interface'; name: string; authorized: boolean };

/**
 * The writes that bring a device in line with a decision in enforce mode. Allowed and read-only
 * devices are bound (read-only is enforced on their block devices and mounts); a blocked device is
 * cut off whole, or only in the interfaces the block targets when it is composite. Interfaces we
 * know only from descriptors (`authorized: null`) appear once the device is bound, and are judged
 * on the next pass.
 */
export function planDeviceWrites(device: UsbDeviceInfo, decision: UsbDecision): UsbWrite[] {
  if (decision.action !== 'block') return planBound(device, new Set());
  const target = blockTarget(device, decision);
  if (target.kind === 'device') return device.authorized ? [{ kind: 'device', id: device.id, authorized: false }] : [];
  return planBound(device, new Set(target.names));
}

/** Device bound; the `cut` interfaces off, every other interface on. */
function planBound(device: UsbDeviceInfo, cut: ReadonlySet<string>): UsbWrite[] {
  const writes: UsbWrite[] = [];
  if (!device.authorized) writes.push({ kind: 'device', id: device.id, authorized: true });
  for (const iface of device.interfaces) {
    if (iface.authorized === null) continue;
    const wanted = !cut.has(iface.name);
    if (iface.authorized !== wanted) writes.push({ kind: 'interface', name: iface.name, authorized: wanted });
  }
  return writes;
}

/** What to tell the console about a decision, or null when it is not worth an event. */
export interface DecisionReport {
  action: EventAction;
  outcome: UsbOutcome;
}

/**
 * Blocks and read-only restrictions are reported (as would-block in monitor mode); an allow is
 * reported only when a grant overrode the policy, so officers see exceptions being used.
 */
export function reportFor(device: UsbDeviceInfo, decision: UsbDecision, enforcing: boolean): DecisionReport | null {
  if (decision.grant) {
    return { action: 'allowed', outcome: decision.grant.source === 'unlock-code' ? 'allowed-by-unlock-code' : 'allowed-by-exception' };
  }
  if (decision.action === 'allow') return null;
  const outcome: UsbOutcome = decision.action === 'read-only' ? 'read-only' : targetOutcome(blockTarget(device, decision));
  return { action: enforcing ? 'blocked' : 'would-block', outcome };
}

function targetOutcome(target: BlockTarget): UsbOutcome {
  return target.kind === 'device' ? 'device-blocked' : 'interface-blocked';
}

/** Two decisions with the same key need only one event. */
export function decisionKey(device: UsbDeviceInfo, decision: UsbDecision, enforcing: boolean): string {
  const target = decision.action === 'block' ? blockTarget(device, decision) : null;
  const targetKey = target?.kind === 'interfaces' ? target.names.join(',') : (target?.kind ?? '');
  return [enforcing ? 'enforce' : 'monitor', decision.action, decision.ruleId ?? '', decision.grant?.id ?? '', targetKey].join('|');
}
