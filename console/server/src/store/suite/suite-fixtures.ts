import { policyDocument, sampleEvent, uuidv7, type AgentInfo, type PolicyMode, type StoredEvent } from '@dlp/shared';
import { generateSigningKeyPair, signPolicyBundle, type SqlParam } from '@dlp/shared/node';
import { INSERT_COLUMNS, pushEventRow, rollupInput } from '../sql/event-queries';
import type { ConsoleStore, PolicyVersionRecord, StoreRepositories } from '../store';

/** Shared builders for the store suites: rows as the services would write them. */

export const AGENT_INFO: AgentInfo = { hostname: 'ws-1', os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: null };

const signingKey = generateSigningKeyPair();

export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

/** A committed event of `agentId` with sequence number `seq`. */
export function storedEvent(agentId: string, seq: number, overrides: Partial<StoredEvent> = {}): StoredEvent {
  return { ...sampleEvent({ seq }), agentId, receivedAt: new Date().toISOString(), ...overrides };
}

/** Inserts a group (not built in unless asked) and returns its id. */
export async function addGroup(store: StoreRepositories, name: string, builtIn = false): Promise<string> {
  const id = builtIn ? name : uuidv7();
  await store.groups.insert({ id, name, policyId: null, builtIn, createdAt: new Date().toISOString() });
  return id;
}

/** Inserts an enrolled agent in `groupId` and returns its id. */
export async function addAgent(store: StoreRepositories, groupId: string, info: Partial<AgentInfo> = {}): Promise<string> {
  const id = uuidv7();
  await store.agents.insert({ id, tokenHash: 'ab'.repeat(32), groupId, info: { ...AGENT_INFO, ...info }, enrolledAt: new Date().toISOString(), enrollSecretId: 'x' });
  return id;
}

/** The default group plus one agent in it: what most event and agent cases start from. */
export async function seedAgent(store: ConsoleStore): Promise<{ groupId: string; agentId: string }> {
  const groupId = await addGroup(store, 'default', true);
  return { groupId, agentId: await addAgent(store, groupId) };
}

/** A really signed version `version` of policy `policyId` with console serial `serial`. */
export function policyVersion(policyId: string, version: number, serial: number, name = 'Baseline', mode: PolicyMode = 'enforce'): PolicyVersionRecord {
  const issuedAt = new Date(Date.UTC(2026, 0, 1, 0, 0, serial)).toISOString();
  const document = policyDocument.parse({ schema: 'dlp.policy/v1', name, mode });
  const signed = signPolicyBundle({ policyId, version, serial, issuedAt, document }, signingKey);
  return { id: policyId, name, mode, version, serial, publishedAt: issuedAt, signed, origin: version === 1 ? 'save' : 'draft' };
}

/**
 * Events stored before migration 60, with what it must carry over: the agent's timestamp text,
 * NUL (which PostgreSQL's jsonb refuses), CJK, a hash and a path also held in columns.
 */
export function legacyEvents(agentId: string): StoredEvent[] {
  const odd = 'nul\u0000 中文 😀 "quoted"';
  return [
    storedEvent(agentId, 1, { occurredAt: '2026-03-02T09:30:00+08:00', subject: { kind: 'process', pid: 9, exePath: `/opt/${odd}`, name: odd, sha256: 'c'.repeat(64), method: 'fanotify' } }),
    storedEvent(agentId, 2, { occurredAt: '2026-03-02T01:30:00.000Z', policySerial: null, subject: { kind: 'file', path: `/home/${odd}`, sha256: 'd'.repeat(64), matches: { 'cn-id': 2 }, samples: [] } }),
    storedEvent(agentId, 3, { occurredAt: '2026-03-02T01:31:00.000Z', subject: { kind: 'device', vendorId: '0781', productId: '5567', serial: odd, interfaces: [8], outcome: 'device-blocked' } }),
  ];
}

/** The row an event had before migration 60: every column as now, and the whole event in `json`. */
export function legacyEventRow(event: StoredEvent, groupId: string): { columns: string[]; values: SqlParam[] } {
  const occurredAtMs = Date.parse(event.occurredAt);
  const values: SqlParam[] = [];
  pushEventRow(values, event, occurredAtMs, groupId, rollupInput(event, occurredAtMs));
  values[INSERT_COLUMNS.indexOf('detail_json')] = JSON.stringify(event);
  return { columns: INSERT_COLUMNS.map((column) => (column === 'detail_json' ? 'json' : column)), values };
}
