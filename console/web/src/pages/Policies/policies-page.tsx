import { useHashPath } from '../../router/hash-router';
import { DraftPage } from './draft-page';
import { PolicyDetailPage } from './policy-detail-page';
import { PolicyListPage } from './policy-list-page';

/**
 * `/policies` lists policies, `/policies/<id>` shows one (current document, versions, diff,
 * drafts) and `/policies/<id>/drafts/<draftId>` edits a draft.
 */
export function PoliciesPage() {
  const [, , policyId, section, draftId] = useHashPath().split('/');
  if (policyId && section === 'drafts' && draftId) return <DraftPage key={draftId} policyId={decodeURIComponent(policyId)} draftId={decodeURIComponent(draftId)} />;
  if (policyId) return <PolicyDetailPage key={policyId} policyId={decodeURIComponent(policyId)} />;
  return <PolicyListPage />;
}

