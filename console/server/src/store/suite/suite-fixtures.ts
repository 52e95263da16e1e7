import { policyDocument, sampleEvent, uuidv7, type AgentInfo, type PolicyMode, type StoredEvent } from '@dlp/shared';
import { generateSigningKeyPair, signPolicyBundle } from '@dlp/shared/node';
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
