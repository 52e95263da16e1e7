import { FLEET_WINDOW_MS, degradedControls, enforcesNothing, failsOpen, meetsCondition, policyState, type AgentFleetFacts } from './agent-fleet-api';
import type { CapabilityReport } from '../schemas/agent-info';

const NOW = Date.parse('2026-12-06T00:00:00.000Z');
const HEALTHY: CapabilityReport = {
  apps: { method: 'fanotify', preExec: true, failMode: 'closed', helper: { running: true, restarts: 0, timeouts: 0, cacheHitRate: 1 } },
  usb: { method: 'sysfs-authorized', mountGuard: true },
  screen: { captureToolBlocking: true, windowCaptureExclusion: false },
  notes: [],
};
/** A whole report where the predicates take only the facts they read (no excess-property check on the literal). */
const report = (r: CapabilityReport): CapabilityReport => r;
const agent = (facts: Partial<AgentFleetFacts> = {}): AgentFleetFacts => ({
  online: true,
  revoked: false,
  lastSeenAt: new Date(NOW).toISOString(),
  policySerial: 7,
  expectedPolicySerial: 7,
  lastPolicyReceipt: { serial: 7, status: 'applied', error: null },
  capabilities: HEALTHY,
  ...facts,
});

describe('fleet overview predicates', () => {
  it('tells a refused policy from one never answered, and a group without policy from both', () => {
    expect(policyState(agent())).toBe('in-sync');
    expect(policyState(agent({ policySerial: 6, lastPolicyReceipt: { serial: 6, status: 'applied', error: null } }))).toBe('pending');
    expect(policyState(agent({ policySerial: null, lastPolicyReceipt: null }))).toBe('pending');
    expect(policyState(agent({ policySerial: 6, lastPolicyReceipt: { serial: 7, status: 'rejected', error: 'bad signature' } }))).toBe('rejected');
    expect(policyState(agent({ expectedPolicySerial: null }))).toBe('no-policy');
  });

  it('calls fail-open only pre-exec blocking that lets programs run, and never counts a platform residual as degraded', () => {
    expect(failsOpen(report({ ...HEALTHY, apps: { ...HEALTHY.apps, failMode: 'open' } }))).toBe(true);
    expect(failsOpen(report({ ...HEALTHY, apps: { method: 'proc-scan', preExec: false, failMode: 'open' } }))).toBe(false);
    // Window-capture exclusion is not available on Linux: not this host's problem.
    expect(degradedControls(HEALTHY)).toBe(false);
    expect(degradedControls(report({ ...HEALTHY, apps: { method: 'proc-scan', preExec: false, failMode: 'closed' } }))).toBe(true);
    expect(degradedControls(report({ ...HEALTHY, apps: { ...HEALTHY.apps, helper: { running: false, restarts: 3, timeouts: 0, cacheHitRate: 0 } } }))).toBe(true);
    expect(degradedControls(report({ ...HEALTHY, hardening: [{ switch: 'memfdNoexec', requested: true, state: 'failed', value: null }] }))).toBe(true);
    expect(degradedControls(report({ ...HEALTHY, hardening: [{ switch: 'memfdNoexec', requested: false, state: 'unavailable', value: null }] }))).toBe(false);
    expect(enforcesNothing(null)).toBe(true);
    expect(enforcesNothing(report({ ...HEALTHY, apps: { method: 'none', preExec: false, failMode: 'closed' }, usb: { method: 'none', mountGuard: false }, screen: { captureToolBlocking: false, windowCaptureExclusion: false } }))).toBe(true);
  });

  it('counts compliant only in sync, online, enforcing and failing closed; offline from a day; nothing for revoked agents', () => {
    expect(meetsCondition('compliant', agent(), NOW)).toBe(true);
    expect(meetsCondition('compliant', agent({ online: false }), NOW)).toBe(false);
    expect(meetsCondition('compliant', agent({ capabilities: { ...HEALTHY, apps: { ...HEALTHY.apps, failMode: 'open' } } }), NOW)).toBe(false);
    expect(meetsCondition('compliant', agent({ capabilities: null }), NOW)).toBe(false);
    expect(meetsCondition('compliant', agent({ expectedPolicySerial: null }), NOW)).toBe(false);
    const seen = (ms: number) => agent({ online: false, lastSeenAt: new Date(NOW - ms).toISOString() });
    expect(meetsCondition('offline-24h', seen(FLEET_WINDOW_MS), NOW)).toBe(false);
    expect(meetsCondition('offline-24h', seen(FLEET_WINDOW_MS + 1), NOW)).toBe(true);
    expect(meetsCondition('offline-24h', agent({ online: false, lastSeenAt: null }), NOW)).toBe(true);
    expect(meetsCondition('tamper-24h', agent({ tamperEvents24h: true }), NOW)).toBe(true);
    expect(meetsCondition('tamper-24h', agent({ tamperEvents24h: true, revoked: true }), NOW)).toBe(false);
  });
});
