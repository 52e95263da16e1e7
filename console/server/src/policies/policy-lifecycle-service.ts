import { uuidv7, type DraftDetail, type DraftSummary, type PolicyDiff, type PublishResponse } from '@dlp/shared';
import type { DraftRecord } from '../store/lifecycle-store';
import type { ConsoleStore } from '../store/store';
import { transactThenAnnounce } from '../service-kit/after-commit';
import type { AuditService } from '../audit/audit-service';
import { diffPolicyDocuments } from './policy-diff';
import { parsePolicyDocument, toPolicySummary, type AuditWho, type PolicyService } from './policy-service';
import { notFound, ServiceError } from '../service-kit/service-error';

function toDraftSummary(draft: DraftRecord): DraftSummary {
  return {
    id: draft.id,
    policyId: draft.policyId,
    baseVersion: draft.baseVersion,
    name: draft.name,
    mode: draft.mode,
    createdBy: draft.createdBy,
    createdAt: draft.createdAt,
    updatedAt: draft.updatedAt,
  };
}

function toDraftDetail(draft: DraftRecord): DraftDetail {
  return { draft: toDraftSummary(draft), document: draft.document };
}

function draftAuditView(draft: DraftRecord): Record<string, unknown> {
  return { policyId: draft.policyId, baseVersion: draft.baseVersion, name: draft.name, mode: draft.mode };
}

/**
 * Drafts (unsigned, editable), publishing a draft as the next signed version, rollback
 * (republishing older content as a new version) and the structured diff of two versions.
 */
export class PolicyLifecycleService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly policies: PolicyService,
    private readonly audit: AuditService,
  ) {}

  /** A new draft of `policyId`, from `documentInput` or (when absent) a copy of the current version. */
  async createDraft(policyId: string, documentInput: unknown, author: string, who: AuditWho): Promise<DraftDetail> {
    return this.store.transaction(async (tx) => {
      const current = await tx.policies.findCurrentVersion(policyId);
      if (!current) throw notFound('policy', policyId);
      const document = documentInput === undefined ? current.signed.bundle.document : parsePolicyDocument(documentInput);
      const now = new Date().toISOString();
      const draft: DraftRecord = {
        id: uuidv7(),
        policyId,
        baseVersion: current.version,
        name: document.name,
        mode: document.mode,
        document,
        createdBy: author,
        createdAt: now,
        updatedAt: now,
      };
      await tx.drafts.insert(draft);
      await this.audit.record({ ...who, action: 'policy.draft_create', target: { type: 'draft', id: draft.id }, after: draftAuditView(draft) }, tx);
      return toDraftDetail(draft);
    });
  }

  async getDraft(id: string): Promise<DraftDetail> {
    const draft = await this.store.drafts.findById(id);
    if (!draft) throw notFound('draft', id);
    return toDraftDetail(draft);
  }

  async listDrafts(policyId: string): Promise<DraftSummary[]> {
    if (!(await this.store.policies.findById(policyId))) throw notFound('policy', policyId);
    return (await this.store.drafts.listByPolicy(policyId)).map(toDraftSummary);
  }

  async updateDraft(id: string, documentInput: unknown, who: AuditWho): Promise<DraftDetail> {
    const document = parsePolicyDocument(documentInput);
    return this.store.transaction(async (tx) => {
      const draft = await tx.drafts.findById(id);
      if (!draft) throw notFound('draft', id);
      const updatedAt = new Date().toISOString();
      await tx.drafts.update(id, document, updatedAt);
      const updated: DraftRecord = { ...draft, document, name: document.name, mode: document.mode, updatedAt };
      await this.audit.record({ ...who, action: 'policy.draft_update', target: { type: 'draft', id }, before: draftAuditView(draft), after: draftAuditView(updated) }, tx);
      return toDraftDetail(updated);
    });
  }

  async deleteDraft(id: string, who: AuditWho): Promise<void> {
    await this.store.transaction(async (tx) => {
      const draft = await tx.drafts.findById(id);
      if (!draft) throw notFound('draft', id);
      await tx.drafts.delete(id);
      await this.audit.record({ ...who, action: 'policy.draft_delete', target: { type: 'draft', id }, before: draftAuditView(draft) }, tx);
    });
  }

  /**
   * Signs the draft as the policy's next version and pushes it to the groups using the policy.
   * A draft made from an older version is refused, so nobody overwrites a publish they never saw.
   */
  async publishDraft(id: string, who: AuditWho): Promise<PublishResponse> {
    return transactThenAnnounce(this.store, async (tx, after) => {
      const draft = await tx.drafts.findById(id);
      if (!draft) throw notFound('draft', id);
      const current = await tx.policies.findCurrentVersion(draft.policyId);
      if (!current) throw notFound('policy', draft.policyId);
      if (current.version !== draft.baseVersion) {
        throw new ServiceError(
          'conflict',
          'stale_draft',
          `This draft was made from version ${draft.baseVersion}, but version ${current.version} has been published since; start a new draft from it.`,
        );
      }
      const version = await this.policies.publishAndAnnounce(tx, after, current, draft.document, `draft:${draft.id}`, who);
      await tx.drafts.delete(id);
      return { policy: toPolicySummary(version), groupIds: (await tx.groups.listByPolicy(draft.policyId)).map((g) => g.id) };
    });
  }

  /** Republishes the content of an older version as a NEW version (versions are never rewritten). */
  async rollback(policyId: string, versionNumber: number, who: AuditWho): Promise<PublishResponse> {
    return transactThenAnnounce(this.store, async (tx, after) => {
      const current = await tx.policies.findCurrentVersion(policyId);
      if (!current) throw notFound('policy', policyId);
      const target = await tx.policies.findVersion(policyId, versionNumber);
      if (!target) throw notFound('policy version', `${policyId} v${versionNumber}`);
      if (target.version === current.version) {
        throw new ServiceError('conflict', 'already_current', `Version ${versionNumber} is the current version already.`);
      }
      const version = await this.policies.publishAndAnnounce(tx, after, current, target.signed.bundle.document, `rollback:${versionNumber}`, who, 'policy.rollback');
      return { policy: toPolicySummary(version), groupIds: (await tx.groups.listByPolicy(policyId)).map((g) => g.id) };
    });
  }

  async diff(policyId: string, from: number, to: number): Promise<PolicyDiff> {
    const [a, b] = await Promise.all([this.store.policies.findVersion(policyId, from), this.store.policies.findVersion(policyId, to)]);
    if (!a) throw notFound('policy version', `${policyId} v${from}`);
    if (!b) throw notFound('policy version', `${policyId} v${to}`);
    return { policyId, from, to, ...diffPolicyDocuments(a.signed.bundle.document, b.signed.bundle.document) };
  }
}
