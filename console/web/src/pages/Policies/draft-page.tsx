import { useEffect, useState } from 'react';
import { roleMay } from '@dlp/shared';
import { isApiRequestError, useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { formatDateTime, useI18n } from '../../i18n';
import { hrefFor, navigate } from '../../router/hash-router';
import { useCurrentUser } from '../../session/session-context';
import { ImpactPreview } from './impact-preview';
import { policyPaths } from './policy-paths';
import { PolicyEditor } from './policy-form/policy-editor';
import { DeleteDraftDialog, PublishDialog } from './policy-form/publish-dialog';
import { useDraftDocument } from './policy-form/use-draft-document';

/**
 * Edits a draft as a form or as JSON. Saving sends it to the console, which validates it with the
 * same schema agents use and answers with document-relative field paths; publishing (after a
 * confirmation that shows the changes and the groups and hosts reached) signs a new version.
 */
export function DraftPage({ policyId, draftId }: { policyId: string; draftId: string }) {
  const { t, language } = useI18n();
  const api = useApi();
  const isAdmin = roleMay('administration', useCurrentUser()?.role);
  const draft = useLoader(() => api.policies.getDraft(draftId), draftId);
  const editor = useDraftDocument();
  const [saved, setSaved] = useState(false);
  const [asking, setAsking] = useState<'publish' | 'delete' | null>(null);
  const save = useAction();
  const publish = useAction();
  const remove = useAction();
  const { load } = editor;

  useEffect(() => {
    if (draft.data) load(draft.data.document);
  }, [draft.data, load]);

  const saveDraft = async (): Promise<boolean> => {
    setSaved(false);
    const current = editor.current();
    if (!current.ok) {
      // The JSON tab's text is not JSON: trying to leave the tab shows where the parser stopped.
      editor.switchTab('form');
      return false;
    }
    const ok = await save.run(async () => {
      await api.policies.updateDraft(draftId, current.document);
      await draft.reload();
    });
    setSaved(ok);
    return ok;
  };

  const askPublish = async () => {
    if (editor.dirty && !(await saveDraft())) return;
    publish.clearError();
    setAsking('publish');
  };
  const publishDraft = async () => {
    if (await publish.run(() => api.policies.publishDraft(draftId))) navigate(policyPaths.policy(policyId));
  };
  const deleteDraft = async () => {
    if (await remove.run(() => api.policies.deleteDraft(draftId))) navigate(policyPaths.policy(policyId));
  };

  const issues = isApiRequestError(save.error) ? save.error.issues : [];
  const summary = draft.data?.draft;
  return (
    <main className="page">
      <p className="breadcrumb">
        <a href={hrefFor(policyPaths.list)}>{t('policies.title')}</a> › <a href={hrefFor(policyPaths.policy(policyId))}>{summary?.name ?? policyId}</a> ›
      </p>
      <div className="page-heading">
        <div>
          <h1>{t('draft.title', { name: summary?.name ?? '' })}</h1>
          {summary && <p className="muted">{t('draft.subtitle', { base: summary.baseVersion, author: summary.createdBy, time: formatDateTime(summary.updatedAt, language) })}</p>}
        </div>
        {isAdmin && summary && (
          <div className="form-actions">
            <button type="button" className="button button-danger" onClick={() => setAsking('delete')} disabled={remove.running}>
              {t('draft.delete')}
            </button>
            <button type="button" className="button button-primary" onClick={() => void askPublish()} disabled={publish.running || save.running}>
              {t('draft.publish')}
            </button>
          </div>
        )}
      </div>
      {draft.error !== null && <ErrorBanner error={draft.error} onRetry={() => void draft.reload()} />}
      {summary && (
        <div className="draft-layout">
          <section className="card draft-editor">
            <h2>{t('pf.document')}</h2>
            <PolicyEditor draft={editor} issues={issues} readOnly={!isAdmin} />
            {issues.length === 0 && save.error !== null && <ErrorBanner error={save.error} />}
            {saved && !editor.dirty && (
              <div className="banner banner-success" role="status">
                {t('draft.saved')}
              </div>
            )}
            {isAdmin && (
              <div className="form-actions form-actions-start">
                <button type="button" className="button button-primary" onClick={() => void saveDraft()} disabled={save.running || !editor.dirty}>
                  {save.running ? t('common.working') : t('draft.save')}
                </button>
                {editor.dirty && <span className="muted small">{t('draft.unsaved')}</span>}
              </div>
            )}
          </section>
          {isAdmin && <ImpactPreview draftId={draftId} stale={editor.dirty} />}
        </div>
      )}
      {asking === 'publish' && draft.data && (
        <PublishDialog policyId={policyId} document={draft.data.document} running={publish.running} error={publish.error} onConfirm={() => void publishDraft()} onCancel={() => setAsking(null)} />
      )}
      {asking === 'delete' && (
        <DeleteDraftDialog policyId={policyId} running={remove.running} error={remove.error} onConfirm={() => void deleteDraft()} onCancel={() => setAsking(null)} />
      )}
    </main>
  );
}
