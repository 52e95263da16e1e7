import {
  DEFAULT_GROUP_ID,
  fieldIssues,
  policyDocument,
  uuidv7,
  type GroupSummary,
  type PolicyDetail,
  type PolicyDocument,
  type PolicySummary,
  type SignedGroupAssignment,
  type SignedPolicy,
} from '@dlp/shared';
import type { PolicySigner } from '../signing/policy-signer';
import type { ConsoleStore, GroupRecord, PolicyRecord, PolicyVersionRecord, StoreRepositories } from '../store/store';
import { transactThenAnnounce, type AfterCommit } from '../service-kit/after-commit';
import type { AuditEntryInput, AuditService } from '../audit/audit-service';
import type { ConsoleEvents } from '../service-kit/console-events';
import { notFound, ServiceError } from '../service-kit/service-error';

/** Who acts and from where, as the audit log records it. */
export type AuditWho = Pick<AuditEntryInput, 'actor' | 'sourceIp'>;

/** The console acting on its own (first start). */
export const FIRST_START: AuditWho = { actor: { system: 'first-start' }, sourceIp: null };

export function toPolicySummary(policy: PolicyRecord): PolicySummary {
  return { id: policy.id, name: policy.name, version: policy.version, serial: policy.serial, publishedAt: policy.publishedAt, mode: policy.mode };
}

export function toGroupSummary(group: GroupRecord, agentCount?: number): GroupSummary {
  const summary: GroupSummary = { id: group.id, name: group.name, policyId: group.policyId, builtIn: group.builtIn };
  if (agentCount !== undefined) summary.agentCount = agentCount;
  return summary;
}

/** What the audit log keeps about a published version (the document itself is in the version table). */
export function versionAuditView(version: PolicyVersionRecord): Record<string, unknown> {
  return { policyId: version.id, name: version.name, version: version.version, serial: version.serial, mode: version.mode, origin: version.origin ?? null };
}

/**
 * Validates a policy document as an admin submitted it. Issue paths are relative to the document
 * (`apps.rules.0.value`), which is what a policy editor highlights.
 */
/**
 * The demo rule of `--demo-rule`: a program named dlp-demo-blocked, which no system has, is
 * reported (monitor mode: "would block"). scripts/start.mjs prints the command that makes one.
 */
export const FIRST_EVENT_DEMO_RULE = {
  id: 'demo-first-event',
  action: 'block',
  kind: 'name',
  value: 'dlp-demo-blocked',
  description: 'Demo from npm start: run a copy of any program named dlp-demo-blocked to see a first event. Safe to delete.',
} as const;

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
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<PolicySummary[]> {
    return (await this.store.policies.list()).map(toPolicySummary);
  }

  async get(id: string): Promise<PolicyDetail> {
    const current = await this.store.policies.findCurrentVersion(id);
    if (!current) throw notFound('policy', id);
    return { policy: toPolicySummary(current), document: current.signed.bundle.document, signed: current.signed };
  }

  async versions(id: string): Promise<PolicySummary[]> {
    const versions = await this.store.policies.listVersions(id);
    if (versions.length === 0) throw notFound('policy', id);
    return versions.map(toPolicySummary);
  }

  async create(document: PolicyDocument, who: AuditWho): Promise<PolicySummary> {
    const published = await this.store.transaction(async (tx) => {
      const version = await this.publishVersion(tx, uuidv7(), 1, document, 'save');
      await this.audit.record({ ...who, action: 'policy.create', target: { type: 'policy', id: version.id }, after: versionAuditView(version) }, tx);
      return version;
    });
    return toPolicySummary(published);
  }

  async update(id: string, document: PolicyDocument, who: AuditWho): Promise<PolicySummary> {
    const published = await transactThenAnnounce(this.store, async (tx, after) => {
      const current = await tx.policies.findCurrentVersion(id);
      if (!current) throw notFound('policy', id);
      return this.publishAndAnnounce(tx, after, current, document, 'save', who);
    });
    return toPolicySummary(published);
  }

  /**
   * Signs `document` as the next version of `current`, audits it as `policy.publish`, and (after
   * the commit) pushes it to every group using the policy. Call inside a transaction.
   */
  async publishAndAnnounce(
    tx: StoreRepositories,
    after: AfterCommit,
    current: PolicyRecord,
    document: PolicyDocument,
    origin: string,
    who: AuditWho,
    action = 'policy.publish',
  ): Promise<PolicyVersionRecord> {
    const version = await this.publishVersion(tx, current.id, current.version + 1, document, origin);
    const groupIds = (await tx.groups.listByPolicy(current.id)).map((g) => g.id);
    await this.audit.record(
      { ...who, action, target: { type: 'policy', id: current.id }, before: { version: current.version, serial: current.serial }, after: { ...versionAuditView(version), groupIds } },
      tx,
    );
    this.announce(after, groupIds, version.signed);
    return version;
  }

  async listGroups(): Promise<GroupSummary[]> {
    const counts = await this.store.agents.countActiveByGroup();
    return (await this.store.groups.list()).map((g) => toGroupSummary(g, counts.get(g.id) ?? 0));
  }

  /** Assigns a policy to a group (audited as `group.assign_policy`). */
  async assignToGroup(groupId: string, policyId: string, who: AuditWho): Promise<GroupSummary> {
    const group = await transactThenAnnounce(this.store, (tx, after) => this.assignInTransaction(tx, after, groupId, policyId, who));
    return toGroupSummary(group);
  }

  /**
   * Assignment inside a caller's transaction. Agents refuse any serial not newer than the one they
   * hold, so a policy whose current version is not the newest serial is re-signed as a new version.
   */
  async assignInTransaction(tx: StoreRepositories, after: AfterCommit, groupId: string, policyId: string, who: AuditWho): Promise<GroupRecord> {
    const found = await tx.groups.findById(groupId);
    if (!found) throw notFound('group', groupId);
    const current = await tx.policies.findCurrentVersion(policyId);
    if (!current) throw notFound('policy', policyId);
    if (found.policyId === policyId) return found;
    const effective = await this.newestSerialVersion(tx, current);
    await tx.groups.setPolicy(groupId, policyId);
    await this.audit.record(
      { ...who, action: 'group.assign_policy', target: { type: 'group', id: groupId }, before: { policyId: found.policyId }, after: { policyId, version: effective.version, serial: effective.serial } },
      tx,
    );
    // A re-signed version is also the new effective policy of every other group using it.
    const groupIds = effective === current ? [groupId] : (await tx.groups.listByPolicy(policyId)).map((g) => g.id);
    this.announce(after, groupIds, effective.signed);
    return { ...found, policyId };
  }

  /**
   * The policy's current version if it holds the console's newest serial, else the same document
   * re-signed as a new version (origin `reassign`), so any agent accepts it whatever it held before.
   */
  async newestSerialVersion(tx: StoreRepositories, current: PolicyVersionRecord): Promise<PolicyVersionRecord> {
    if (current.serial === (await tx.policies.latestSerial())) return current;
    return this.publishVersion(tx, current.id, current.version + 1, current.signed.bundle.document, 'reassign');
  }

  /** `signed` bound to one group and the console key: what that group's agents receive (issue 12 item 8). */
  forGroup(signed: SignedPolicy, groupId: string): SignedPolicy {
    return this.signer.forGroup(signed, groupId);
  }

  /** The signed "agent X is in group G" statement, `serial` being the agent's move counter. */
  groupAssignment(agentId: string, groupId: string, serial: number): SignedGroupAssignment {
    return this.signer.assignment(agentId, groupId, serial);
  }

  /** The signed policy agents of a group must enforce, if the group has one. */
  async effectiveForGroup(groupId: string): Promise<SignedPolicy | undefined> {
    return (await this.store.policies.effectiveForGroup(groupId))?.signed;
  }

  /**
   * First start: the built-in `default` group with a `Default` policy in monitor mode (version 1,
   * serial 1), so a freshly enrolled agent reports what it would block and blocks nothing.
   */
  /**
   * The built-in group and, on a new console, its Default policy: monitor mode, nothing blocked.
   * `demoRule` adds one rule for a program nobody has (FIRST_EVENT_DEMO_RULE), so a newcomer's
   * first event is one command away.
   */
  async ensureDefaultGroup(options: { demoRule?: boolean } = {}): Promise<void> {
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
        ...(options.demoRule === true ? { apps: { rules: [FIRST_EVENT_DEMO_RULE] } } : {}),
      }),
      FIRST_START,
    );
    await this.assignToGroup(DEFAULT_GROUP_ID, created.id, FIRST_START);
  }

  /** Signs and stores one new version. Call inside a transaction. */
  async publishVersion(tx: StoreRepositories, policyId: string, version: number, document: PolicyDocument, origin: string): Promise<PolicyVersionRecord> {
    const serial = await tx.policies.allocateSerial();
    const issuedAt = new Date().toISOString();
    const signed = this.signer.sign({ policyId, version, serial, issuedAt, document });
    const record: PolicyVersionRecord = { id: policyId, name: document.name, mode: document.mode, version, serial, publishedAt: issuedAt, signed, origin };
    await tx.policies.insertVersion(record);
    return record;
  }

  /** Queues the push of `policy` to the agents of `groupIds` for after the commit. */
  announce(after: AfterCommit, groupIds: string[], policy: SignedPolicy): void {
    if (groupIds.length > 0) after.push(() => this.events.emit('policy-changed', { groupIds, policy }));
  }
}
