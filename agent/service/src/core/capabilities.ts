import type { CapabilityReport } from '@dlp/shared';

/**
 * The honest capability report (handbook principle 6): app control as its implementation says,
 * and the controls this build does not enforce yet marked as such.
 */
export function buildCapabilityReport(apps: CapabilityReport['apps']): CapabilityReport {
  const notes: string[] = [];
  if (!apps.preExec && apps.method === 'proc-scan') {
    notes.push('apps: blocked programs are killed after they start (/proc scan), not prevented from starting');
  }
  notes.push('usb: not enforced by this agent version');
  notes.push('screen: capture-tool blocking not enforced yet; Linux has no window capture exclusion API');
  return {
    apps,
    usb: { method: 'none', mountGuard: false },
    screen: { captureToolBlocking: false, windowCaptureExclusion: false },
    notes,
  };
}
