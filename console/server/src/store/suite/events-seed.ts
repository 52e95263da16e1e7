import { sampleEvent, uuidv7, type AgentEvent, type StoredEvent } from '@dlp/shared';
import type { ConsoleStore } from '../store';

/**
 * A small, hand-checkable event history for the search and report suites. Two agents in two
 * groups; a USB stick seen on both hosts; names with LIKE wildcards and Chinese text; a previous
 * week for week-over-week. Expected answers in the suites are computed by hand from this table.
 */
export interface SeededHistory {
  agentA: string;
  agentB: string;
  groupRed: string;
  groupBlue: string;
  /** Events by label (A1…A10, B1…B5). */
  byLabel: Map<string, StoredEvent>;
  /** Label of an event, for readable assertions. */
  label(event: StoredEvent): string;
}

const XCLIP = '/usr/bin/xclip';
const stick = (serial?: string): AgentEvent['subject'] => ({
  kind: 'device',
  vendorId: '0781',
  productId: '5567',
  ...(serial !== undefined ? { serial } : {}),
  vendorName: 'SanDisk',
  productName: 'Cruzer Blade',
  interfaces: [0],
});
const kingston: AgentEvent['subject'] = { kind: 'device', vendorId: '0951', productId: '1666', serial: 'K1', vendorName: 'Kingston', interfaces: [0] };
const proc = (exePath: string, sha = 'a'): AgentEvent['subject'] => ({
  kind: 'process',
  pid: 100,
  exePath,
  name: exePath.slice(exePath.lastIndexOf('/') + 1),
  sha256: sha.repeat(64),
  method: 'fanotify',
});

type Row = [label: string, at: string, fields: Partial<AgentEvent>];

/** Agent A: host ws-a, user alice (group red). */
const A_ROWS: Row[] = [
  ['A1', '2026-03-02T01:00:00.000Z', { type: 'app', action: 'blocked', severity: 'high', ruleId: 'block-tool', subject: proc(XCLIP) }],
  ['A2', '2026-03-02T01:30:00.000Z', { type: 'app', action: 'would-block', severity: 'low', ruleId: 'block-tool', subject: proc(XCLIP) }],
  ['A3', '2026-03-02T17:00:00.000Z', { type: 'usb', action: 'blocked', severity: 'high', ruleId: 'usb-deny', subject: stick('SN1') }],
  ['A4', '2026-03-05T12:00:00.000Z', { type: 'content', action: 'blocked', severity: 'critical', ruleId: null, user: null, subject: { kind: 'file', path: '/media/x.xlsx', sha256: 'b'.repeat(64), matches: { idCard: 3 }, samples: [] } }],
  ['A5', '2026-02-24T10:00:00.000Z', { type: 'app', action: 'blocked', severity: 'medium', ruleId: 'block-tool', subject: proc(XCLIP) }],
  ['A6', '2026-02-25T10:00:00.000Z', { type: 'usb', action: 'blocked', severity: 'high', ruleId: 'usb-deny', subject: kingston }],
  ['A7', '2026-02-20T08:00:00.000Z', { type: 'app', action: 'blocked', severity: 'medium', ruleId: 'block-tool', subject: proc(XCLIP) }],
  ['A8', '2026-02-21T08:00:00.000Z', { type: 'usb', action: 'blocked', severity: 'high', ruleId: 'usb-deny', subject: kingston }],
  ['A9', '2026-02-22T08:00:00.000Z', { type: 'usb', action: 'blocked', severity: 'high', ruleId: 'usb-deny', subject: kingston }],
  ['A10', '2026-02-23T23:59:59.000Z', { type: 'usb', action: 'blocked', severity: 'high', ruleId: 'usb-deny', subject: kingston }],
];

/** Agent B: host ws-b, user bob, once 张伟 (group blue). */
const B_ROWS: Row[] = [
  ['B1', '2026-03-03T02:00:00.000Z', { type: 'usb', action: 'blocked', severity: 'high', ruleId: 'usb-deny', subject: stick('SN1') }],
  ['B2', '2026-03-03T23:30:00.000Z', { type: 'app', action: 'blocked', severity: 'medium', ruleId: 'block-tool', subject: proc('/opt/tools/100%_grab', 'c') }],
  ['B3', '2026-03-04T00:15:00.000Z', { type: 'usb', action: 'allowed', severity: 'low', ruleId: null, subject: stick() }],
  ['B4', '2026-03-09T03:00:00.000Z', { type: 'app', action: 'blocked', severity: 'medium', ruleId: 'block-tool', subject: proc(XCLIP) }],
  ['B5', '2026-03-04T09:00:00.000Z', { type: 'app', action: 'blocked', severity: 'medium', ruleId: 'block-capture', user: '张伟', subject: proc('/usr/bin/scrot', 'd') }],
];

/** Creates the two groups and agents and ingests the history through the store's transaction. */
export async function seedHistory(store: ConsoleStore): Promise<SeededHistory> {
  const now = new Date().toISOString();
  const groupRed = uuidv7();
  const groupBlue = uuidv7();
  const agentA = uuidv7();
  const agentB = uuidv7();
  await store.groups.insert({ id: groupRed, name: 'red', policyId: null, builtIn: false, createdAt: now });
  await store.groups.insert({ id: groupBlue, name: 'blue', policyId: null, builtIn: false, createdAt: now });
  const info = (hostname: string, user: string) => ({ hostname, os: 'linux' as const, osVersion: '12', agentVersion: '0.1.0', user });
  await store.agents.insert({ id: agentA, tokenHash: 'a'.repeat(64), groupId: groupRed, info: info('ws-a', 'alice'), enrolledAt: now, enrollSecretId: 'seed' });
  await store.agents.insert({ id: agentB, tokenHash: 'b'.repeat(64), groupId: groupBlue, info: info('ws-b', 'bob'), enrolledAt: now, enrollSecretId: 'seed' });

  const byLabel = new Map<string, StoredEvent>();
  const labels = new Map<string, string>();
  const build = (agentId: string, host: string, user: string, rows: Row[]): StoredEvent[] =>
    rows.map(([label, at, fields], i) => {
      const event: StoredEvent = { ...sampleEvent({ seq: i + 1, occurredAt: at, host, user, ...fields }), agentId, receivedAt: now };
      byLabel.set(label, event);
      labels.set(event.id, label);
      return event;
    });
  const events = [...build(agentA, 'ws-a', 'alice', A_ROWS), ...build(agentB, 'ws-b', 'bob', B_ROWS)];
  await store.transaction((tx) => tx.events.insertEvents(events));
  return { agentA, agentB, groupRed, groupBlue, byLabel, label: (event) => labels.get(event.id) ?? '?' };
}
