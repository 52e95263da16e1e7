import {
  DEFAULT_GROUP_ID,
  fieldIssues,
  policyDocument,
  uuidv7,
  type GroupSummary,
  type PolicyDetail,
  type PolicyDocument,
  type PolicySummary,
  type SignedPolicy,
} from '@dlp/shared';
import type { PolicySigner } from '../signing/policy-signer';
import type { GroupRecord, PolicyRecord, PolicyVersionRecord, StoreRepositories, ConsoleStore } from '../store/store';
import type { ConsoleEvents } from './console-events';
import { notFound, ServiceError } from './service-error';

function toSummary(policy: PolicyRecord): PolicySummary {
  return { id: policy.id, name: policy.name, version: policy.version, serial: policy.serial, publishedAt: policy.publishedAt, mode: policy.mode };
}

export function toGroupSummary(group: GroupRecord): GroupSummary {
  return { id: group.id, name: group.name, policyId: group.policyId, builtIn: group.builtIn };
}

/**
 * Validates a policy document as an admin submitted it. Issue paths are relative to the document
 * (`apps.rules.0.value`), which is what a policy editor highlights.
 */
export function parsePolicyDocument(input: unknown): PolicyDocument {
  const parsed = policyDocument.safeParse(input);
  if (!parsed.success) {
    throw new ServiceError('invalid_request', 'invalid_policy', 'The policy document is invalid.', fieldIssues(parsed.error));
  }
  return parsed.data;
}

/**
 * Policies are published, never edited: every save signs a new immutable version with the next
 * console-wide serial, and every change of a group's effective policy is announced so connected
 * agents get it at once.
 */
export class PolicyService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly signer: PolicySigner,
    private readonly events: ConsoleEvents,
  ) {}

  async list(): Promise<PolicySummary[]> {
    return (await this.store.policies.list()).map(toSummary);
  }

  async get(id: string): Promise<PolicyDetail> {
    const current = await this.store.policies.findCurrentVersion(id);
    if (!current) throw notFound('policy', id);
    return { policy: toSummary(current), document: current.signed.bundle.document, signed: current.signed };
  }

  async versions(id: string): Promise<PolicySummary[]> {
    const versions = await this.store.policies.listVersions(id);
    if (versions.length === 0) throw notFound('policy', id);
    return versions.map(toSummary);
  }

  async create(document: PolicyDocument): Promise<PolicySummary> {
    const published = await this.store.transaction((tx) => this.publish(tx, uuidv7(), 1, document));
    return toSummary(published);
  }

  async update(id: string, document: PolicyDocument): Promise<PolicySummary> {
    const { published, groupIds } = await this.store.transaction(async (tx) => {
      const current = await tx.policies.findById(id);
      if (!current) throw notFound('policy', id);
      const version = await this.publish(tx, id, current.version + 1, document);
      return { published: version, groupIds: (await tx.groups.listByPolicy(id)).map((g) => g.id) };
    });
    if (groupIds.length > 0) this.events.emit('policy-changed', { groupIds, policy: published.signed });
    return toSummary(published);
  }

  async listGroups(): Promise<GroupSummary[]> {
    return (await this.store.groups.list()).map(toGroupSummary);
  }

  /**
   * Assigns a policy to a group. Agents refuse any serial not newer than the one they hold, so a
   * policy whose current version is not the newest serial is re-signed as a new version first.
   */
  async assignToGroup(groupId: string, policyId: string): Promise<GroupSummary> {
    const { group, change } = await this.store.transaction(async (tx) => {
      const found = await tx.groups.findById(groupId);
      if (!found) throw notFound('group', groupId);
      const current = await tx.policies.findCurrentVersion(policyId);
      if (!current) throw notFound('policy', policyId);
      if (found.policyId === policyId) return { group: found, change: undefined };
      let effective: PolicyVersionRecord = current;
      if (current.serial !== (await tx.policies.latestSerial())) {
        effective = await this.publish(tx, policyId, current.version + 1, current.signed.bundle.document);
      }
      await tx.groups.setPolicy(groupId, policyId);
      // A re-signed version is also the new effective policy of every other group using it.
      const groupIds = effective === current ? [groupId] : (await tx.groups.listByPolicy(policyId)).map((g) => g.id);
      return { group: { ...found, policyId }, change: { groupIds, policy: effective.signed } };
    });
    if (change) this.events.emit('policy-changed', change);
    return toGroupSummary(group);
  }

  /** The signed policy agents of a group must enforce, if the group has one. */
  async effectiveForGroup(groupId: string): Promise<SignedPolicy | undefined> {
    return (await this.store.policies.effectiveForGroup(groupId))?.signed;
  }

  /**
   * First start: the built-in `default` group with a `Default` policy in monitor mode (version 1,
   * serial 1), so a freshly enrolled agent reports what it would block and blocks nothing.
   */
  async ensureDefaultGroup(): Promise<void> {
    let group = await this.store.groups.findById(DEFAULT_GROUP_ID);
    if (!group) {
      group = { id: DEFAULT_GROUP_ID, name: 'default', policyId: null, builtIn: true, createdAt: new Date().toISOString() };
      await this.store.groups.insert(group);
    }
    if (group.policyId !== null) return;
    const created = await this.create(
      policyDocument.parse({
        schema: 'dlp.policy/v1',
        name: 'Default',
        description: 'Created at first start: reports what would be blocked and blocks nothing.',
        mode: 'monitor',
      }),
    );
    await this.assignToGroup(DEFAULT_GROUP_ID, created.id);
  }

  private async publish(tx: StoreRepositories, policyId: string, version: number, document: PolicyDocument): Promise<PolicyVersionRecord> {
    const serial = await tx.policies.allocateSerial();
    const issuedAt = new Date().toISOString();
    const signed = this.signer.sign({ policyId, version, serial, issuedAt, document });
    const record: PolicyVersionRecord = { id: policyId, name: document.name, mode: document.mode, version, serial, publishedAt: issuedAt, signed };
    await tx.policies.insertVersion(record);
    return record;
  }
}
