import { useEffect, useState } from 'react';
import { roleMay } from '@dlp/shared';
import { isApiRequestError, useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { formatDateTime, useI18n } from '../../i18n';
import { hrefFor, navigate } from '../../router/hash-router';
import { useCurrentUser } from '../../session/session-context';
import { issuesByPath, parseDraftText } from './draft-json';
import { ImpactPreview } from './impact-preview';
import { policyPaths } from './policy-paths';

/**
 * Edits a draft as JSON. Saving sends it to the console, which validates it with the same schema
 * agents use and answers with document-relative field paths; publishing signs a new version.
 */
export function DraftPage({ policyId, draftId }: { policyId: string; draftId: string }) {
  const { t, language } = useI18n();
  const api = useApi();
  const isAdmin = roleMay('administration', useCurrentUser()?.role);
  const draft = useLoader(() => api.policies.getDraft(draftId), draftId);
  const [text, setText] = useState('');
  const [dirty, setDirty] = useState(false);
  const [jsonProblem, setJsonProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const publish = useAction();
  const remove = useAction();

  useEffect(() => {
    if (draft.data && !dirty) setText(JSON.stringify(draft.data.document, null, 2));
  }, [draft.data, dirty]);

  const saveDraft = async (): Promise<boolean> => {
    setSaved(false);
    const parsed = parseDraftText(text);
    if (!parsed.ok) {
      setJsonProblem(parsed.message);
      return false;
    }
    setJsonProblem(null);
    const ok = await save.run(async () => {
      await api.policies.updateDraft(draftId, parsed.value);
      setDirty(false);
      await draft.reload();
    });
    setSaved(ok);
    return ok;
  };

  const publishDraft = async () => {
    if (dirty && !(await saveDraft())) return;
    if (await publish.run(() => api.policies.publishDraft(draftId))) navigate(policyPaths.policy(policyId));
  };

  const deleteDraft = async () => {
    if (await remove.run(() => api.policies.deleteDraft(draftId))) navigate(policyPaths.policy(policyId));
  };

  const issues = isApiRequestError(save.error) ? issuesByPath(save.error.issues) : [];
  const summary = draft.data?.draft;
  return (
    <main className="page">
      <p className="breadcrumb">
        <a href={hrefFor(policyPaths.list)}>{t('policies.title')}</a> › <a href={hrefFor(policyPaths.policy(policyId))}>{summary?.name ?? policyId}</a> ›
      </p>
      <div className="page-heading">
        <div>
          <h1>{t('draft.title', { name: summary?.name ?? '' })}</h1>
          {summary && (
            <p className="muted">{t('draft.subtitle', { base: summary.baseVersion, author: summary.createdBy, time: formatDateTime(summary.updatedAt, language) })}</p>
          )}
        </div>
        {isAdmin && summary && (
          <div className="form-actions">
            <button type="button" className="button button-danger" onClick={() => void deleteDraft()} disabled={remove.running}>
              {t('draft.delete')}
            </button>
            <button type="button" className="button button-primary" onClick={() => void publishDraft()} disabled={publish.running || save.running}>
              {t('draft.publish')}
            </button>
          </div>
        )}
      </div>
      {draft.error !== null && <ErrorBanner error={draft.error} onRetry={() => void draft.reload()} />}
      {publish.error !== null && <ErrorBanner error={publish.error} />}
      {remove.error !== null && <ErrorBanner error={remove.error} />}
      {summary && (
        <div className="draft-layout">
          <section className="card draft-editor">
            <h2>{t('draft.document')}</h2>
            <details className="rules-help">
              <summary>{t('draft.rulesHelp.title')}</summary>
              <ul>
                <li>{t('draft.rulesHelp.sha256')}</li>
                <li>{t('draft.rulesHelp.name')}</li>
                <li>{t('draft.rulesHelp.path')}</li>
                <li>{t('draft.rulesHelp.hardening')}</li>
              </ul>
            </details>
            <label className="visually-hidden" htmlFor="draft-json">
              {t('draft.jsonLabel')}
            </label>
            <textarea
              id="draft-json"
              className="json-editor"
              spellCheck={false}
              value={text}
              readOnly={!isAdmin}
              aria-invalid={jsonProblem !== null || issues.length > 0}
              aria-describedby="draft-problems"
              onChange={(event) => {
                setText(event.target.value);
                setDirty(true);
                setSaved(false);
              }}
            />
            <div id="draft-problems">
              {jsonProblem && (
                <div className="banner banner-error" role="alert">
                  {t('draft.notJson', { message: jsonProblem })}
                </div>
              )}
              {issues.length > 0 ? (
                <div className="banner banner-error issue-banner" role="alert">
                  <p>{t('draft.invalid')}</p>
                  <ul className="issue-list">
                    {issues.map((issue) => (
                      <li key={issue.path}>
                        <code className="issue-path">{issue.path}</code> <span>{issue.messages.join('; ')}</span>
                      </li>
                    ))}
                  </ul>
                </div>
              ) : (
                save.error !== null && <ErrorBanner error={save.error} />
              )}
              {saved && !dirty && (
                <div className="banner banner-success" role="status">
                  {t('draft.saved')}
                </div>
              )}
            </div>
            {isAdmin && (
              <div className="form-actions form-actions-start">
                <button type="button" className="button button-primary" onClick={() => void saveDraft()} disabled={save.running || !dirty}>
                  {save.running ? t('common.working') : t('draft.save')}
                </button>
                {dirty && <span className="muted small">{t('draft.unsaved')}</span>}
              </div>
            )}
          </section>
          {isAdmin && <ImpactPreview draftId={draftId} stale={dirty} />}
        </div>
      )}
    </main>
  );
}
