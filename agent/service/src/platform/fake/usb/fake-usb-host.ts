import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { policyDocument, uuidv7, type PolicyDocumentInput, type PolicyException, type SignedException } from '@dlp/shared';
import { signCanonical, type SigningKeyPair } from '@dlp/shared/node';
import { FakeHotplug } from './fake-hotplug';
import { FakeSysfsTree } from './fake-sysfs-tree';
import { LinuxUsbPlatform } from '../../linux/usb/linux-usb-platform';
import type { UsbEventDraft } from '../../../enforce/usb/usb-events';
import type { UsbPolicy } from '../../../enforce/usb/usb-types';

/** Test helpers shared by the USB and exception tests (not used by the agent itself). */

/** A USB policy from a partial `usb` section, defaults filled in by the real schema. */
export function usbPolicy(mode: 'monitor' | 'enforce', usb: PolicyDocumentInput['usb'], serial = 1): UsbPolicy {
  return { serial, mode, usb: policyDocument.parse({ schema: 'dlp.policy/v1', name: 'test', mode, usb }).usb };
}

/** A fake sysfs tree with two root hubs, an empty fake /proc and the real Linux platform on top. */
export function fakeUsbHost(options: { procRoot?: string; mountWatch?: 'findmnt' | 'none' } = {}) {
  const tree = FakeSysfsTree.create();
  tree.addRootHub(1);
  tree.addRootHub(2);
  let procRoot = options.procRoot;
  let ownProc: string | null = null;
  if (!procRoot) {
    ownProc = mkdtempSync(path.join(tmpdir(), 'dlp-fake-proc-'));
    mkdirSync(path.join(ownProc, 'self'));
    writeFileSync(path.join(ownProc, 'self/mountinfo'), '');
    procRoot = ownProc;
  }
  const hotplug = new FakeHotplug();
  const platform = new LinuxUsbPlatform({ sysRoot: tree.root, procRoot, hotplug, mountWatch: options.mountWatch ?? 'none' });
  const events: UsbEventDraft[] = [];
  return {
    tree,
    hotplug,
    platform,
    events,
    emit: (event: UsbEventDraft) => events.push(event),
    cleanup() {
      tree.cleanup();
      if (ownProc) rmSync(ownProc, { recursive: true, force: true });
    },
  };
}

/** Waits until `predicate` holds (polling), failing with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Signs an exception like the console does. */
export function signException(key: SigningKeyPair, exception: Omit<PolicyException, 'id' | 'serial' | 'grantedAt' | 'reason' | 'grantedBy'> & Partial<PolicyException>): SignedException {
  const full: PolicyException = {
    id: uuidv7(),
    serial: 1,
    grantedAt: new Date().toISOString(),
    reason: 'audit data hand-over',
    grantedBy: 'officer1',
    ...exception,
  };
  return { exception: full, keyId: key.keyId, signature: signCanonical(full, key.privateKeyPem) };
}
