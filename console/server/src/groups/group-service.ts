import {
  uuidv7,
  type CreateGroupRequest,
  type EffectivePolicyResponse,
  type GroupRollout,
  type GroupSummary,
  type UpdateGroupRequest,
} from '@dlp/shared';
import type { AgentRecord, ConsoleStore, GroupRecord, PolicyVersionRecord, StoreTransaction } from '../store/store';
import { transactThenAnnounce } from '../service-kit/after-commit';
import type { AuditService } from '../audit/audit-service';
import type { ConsoleEvents } from '../service-kit/console-events';
import { toGroupSummary, type AuditWho, type PolicyService } from '../policies/policy-service';
import { notFound, ServiceError } from '../service-kit/service-error';

/** Agents read per page while counting a rollout. */
const ROLLOUT_PAGE = 1000;
/** Failed agents listed per group (the counts stay exact). */
const MAX_FAILED_LISTED = 100;

function builtInRefused(what: string): ServiceError {
  return new ServiceError('conflict', 'built_in_group', `The built-in group cannot be ${what}.`);
}

/** Where an agent's policy comes from, in words an admin reads at a glance. */
function sourceOf(group: GroupRecord, version: PolicyVersionRecord | undefined): string {
  if (!version) return `group "${group.name}" has no policy: the agent keeps the policy it holds`;
  return `group "${group.name}" → policy "${version.name}" v${version.version} (serial ${version.serial})`;
}

/** Groups, agent placement, effective policy and rollout progress. */
export class GroupService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly policies: PolicyService,
    private readonly audit: AuditService,
    private readonly events: ConsoleEvents,
  ) {}

  list(): Promise<GroupSummary[]> {
    return this.policies.listGroups();
  }

  async create(request: CreateGroupRequest, who: AuditWho): Promise<GroupSummary> {
    const group = await transactThenAnnounce(this.store, async (tx, after) => {
      await refuseTakenName(tx, request.name);
      const record: GroupRecord = { id: uuidv7(), name: request.name, policyId: null, builtIn: false, createdAt: new Date().toISOString() };
      await tx.groups.insert(record);
      await this.audit.record({ ...who, action: 'group.create', target: { type: 'group', id: record.id }, after: { name: record.name } }, tx);
      return request.policyId === undefined ? record : this.policies.assignInTransaction(tx, after, record.id, request.policyId, who);
    });
    return toGroupSummary(group, 0);
  }

  async update(id: string, request: UpdateGroupRequest, who: AuditWho): Promise<GroupSummary> {
    const group = await transactThenAnnounce(this.store, async (tx, after) => {
      let group = await tx.groups.findById(id);
      if (!group) throw notFound('group', id);
      if (request.name !== undefined && request.name !== group.name) {
        if (group.builtIn) throw builtInRefused('renamed');
        await refuseTakenName(tx, request.name, id);
        await tx.groups.rename(id, request.name);
        await this.audit.record({ ...who, action: 'group.rename', target: { type: 'group', id }, before: { name: group.name }, after: { name: request.name } }, tx);
        group = { ...group, name: request.name };
      }
      if (request.policyId !== undefined) group = { ...(await this.policies.assignInTransaction(tx, after, id, request.policyId, who)), name: group.name };
      return group;
    });
    const counts = await this.store.agents.countActiveByGroup();
    return toGroupSummary(group, counts.get(id) ?? 0);
  }

  /** Deletes an empty group: agents and enroll secrets must be moved or deleted first. */
  async delete(id: string, who: AuditWho): Promise<void> {
    await this.store.transaction(async (tx) => {
      const group = await tx.groups.findById(id);
      if (!group) throw notFound('group', id);
      if (group.builtIn) throw builtInRefused('deleted');
      const agents = await tx.agents.list({ groupId: id, limit: 1 });
      if (agents.length > 0) throw new ServiceError('conflict', 'group_not_empty', 'Move the group’s agents to another group first (revoked agents count too).');
      if ((await tx.enrollSecrets.list()).some((s) => s.groupId === id)) {
        throw new ServiceError('conflict', 'group_not_empty', 'Delete the enroll secrets of this group first.');
      }
      await tx.groups.delete(id);
      await this.audit.record({ ...who, action: 'group.delete', target: { type: 'group', id }, before: { name: group.name, policyId: group.policyId } }, tx);
    });
  }

  /**
   * Moves an agent and pushes its new group's policy at once. The agent refuses serials older than
   * the one it holds (anti-rollback), so a policy not at the newest serial is re-signed first.
   */
  async moveAgent(agentId: string, groupId: string, who: AuditWho): Promise<AgentRecord> {
    const moved = await transactThenAnnounce(this.store, async (tx, after) => {
      const agent = await tx.agents.findById(agentId);
      if (!agent) throw notFound('agent', agentId);
      const group = await tx.groups.findById(groupId);
      if (!group) throw notFound('group', groupId);
      if (agent.groupId === groupId) return agent;
      await tx.agents.setGroup(agentId, groupId);
      const current = group.policyId === null ? undefined : await tx.policies.findCurrentVersion(group.policyId);
      let policy = current;
      if (current) {
        policy = await this.policies.newestSerialVersion(tx, current);
        if (policy !== current) this.policies.announce(after, (await tx.groups.listByPolicy(current.id)).map((g) => g.id), policy.signed);
      }
      await this.audit.record(
        { ...who, action: 'agent.move', target: { type: 'agent', id: agentId }, before: { groupId: agent.groupId }, after: { groupId, policySerial: policy?.serial ?? null } },
        tx,
      );
      // First the moved agent (its connection learns its new group), then everyone else.
      after.unshift(() => this.events.emit('agent-moved', { agentId, groupId, policy: policy?.signed }));
      return { ...agent, groupId };
    });
    return moved;
  }

  async effectivePolicy(agentId: string): Promise<EffectivePolicyResponse> {
    const agent = await this.store.agents.findById(agentId);
    if (!agent) throw notFound('agent', agentId);
    const group = await this.store.groups.findById(agent.groupId);
    if (!group) throw notFound('group', agent.groupId);
    const version = await this.store.policies.effectiveForGroup(group.id);
    return {
      agentId,
      group: { id: group.id, name: group.name },
      policy: version ? { id: version.id, name: version.name, version: version.version, serial: version.serial, mode: version.mode } : null,
      signed: version?.signed ?? null,
      source: sourceOf(group, version),
      appliedSerial: agent.policySerial,
      inSync: version ? agent.policySerial === version.serial : true,
    };
  }

  async rollout(groupId: string): Promise<GroupRollout> {
    const group = await this.store.groups.findById(groupId);
    if (!group) throw notFound('group', groupId);
    return this.rolloutOf(group);
  }

  async rolloutAll(): Promise<GroupRollout[]> {
    const groups = await this.store.groups.list();
    const out: GroupRollout[] = [];
    for (const group of groups) out.push(await this.rolloutOf(group));
    return out;
  }

  private async rolloutOf(group: GroupRecord): Promise<GroupRollout> {
    const version = await this.store.policies.effectiveForGroup(group.id);
    const rollout: GroupRollout = {
      groupId: group.id,
      groupName: group.name,
      policyId: version?.id ?? null,
      policyName: version?.name ?? null,
      version: version?.version ?? null,
      serial: version?.serial ?? null,
      total: 0,
      applied: 0,
      pending: 0,
      failed: 0,
      offline: 0,
      failedAgents: [],
    };
    let afterId: string | undefined;
    for (;;) {
      const page = await this.store.agents.list({ groupId: group.id, activeOnly: true, limit: ROLLOUT_PAGE, ...(afterId ? { afterId } : {}) });
      for (const agent of page) this.count(rollout, agent, version?.serial ?? null);
      const last = page[page.length - 1];
      if (page.length < ROLLOUT_PAGE || !last) break;
      afterId = last.id;
    }
    return rollout;
  }

  private count(rollout: GroupRollout, agent: AgentRecord, serial: number | null): void {
    rollout.total += 1;
    const receipt = agent.lastReceipt;
    if (serial === null || agent.policySerial === serial) {
      rollout.applied += 1;
    } else if (receipt && receipt.serial === serial && receipt.status === 'rejected') {
      rollout.failed += 1;
      if (rollout.failedAgents.length < MAX_FAILED_LISTED) {
        rollout.failedAgents.push({ agentId: agent.id, hostname: agent.info.hostname, serial: receipt.serial, error: receipt.error, receivedAt: receipt.receivedAt });
      }
    } else if (!agent.online) {
      rollout.offline += 1;
    } else {
      rollout.pending += 1;
    }
  }
}

/**
 * Group names are unique regardless of case: "Default" next to the built-in "default" (or "Sales"
 * next to "sales") would read as the same group in every list. Renaming a group to another case of
 * its own name is allowed.
 */
async function refuseTakenName(tx: StoreTransaction, name: string, renamingId?: string): Promise<void> {
  const wanted = name.toLowerCase();
  const taken = (await tx.groups.list()).find((g) => g.id !== renamingId && g.name.toLowerCase() === wanted);
  if (taken) throw new ServiceError('conflict', 'group_exists', `A group named "${taken.name}" exists already.`);
}
