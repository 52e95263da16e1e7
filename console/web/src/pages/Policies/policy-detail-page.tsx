import { useState } from 'react';
import { roleMay } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { formatDateTime, useI18n } from '../../i18n';
import { hrefFor, navigate } from '../../router/hash-router';
import { useCurrentUser } from '../../session/session-context';
import { PolicyDiffView } from './policy-diff-view';
import { PolicyDocumentSummary } from './policy-document-summary';
import { ModeBadge } from './policy-list-page';
import { policyPaths } from './policy-paths';
import { VersionsTable } from './versions-table';
import { LocalTime } from '../../components/local-time';

/** One policy: the current document (readable and raw), its versions with diff and rollback, and drafts. */
export function PolicyDetailPage({ policyId }: { policyId: string }) {
  const { t, language } = useI18n();
  const api = useApi();
  const isAdmin = roleMay('administration', useCurrentUser()?.role);
  const detail = useLoader(async () => {
    const [current, versions, drafts] = await Promise.all([api.policies.get(policyId), api.policies.versions(policyId), api.policies.drafts(policyId)]);
    return { current, versions, drafts };
  }, policyId);
  const createDraft = useAction();
  const [compare, setCompare] = useState<{ from: number; to: number } | null>(null);

  const newDraft = async () => {
    await createDraft.run(async () => {
      const created = await api.policies.createDraft(policyId);
      navigate(policyPaths.draft(policyId, created.draft.id));
    });
  };

  if (detail.loading) {
    return (
      <main className="page">
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      </main>
    );
  }
  const data = detail.data;
  return (
    <main className="page">
      <p className="breadcrumb">
        <a href={hrefFor(policyPaths.list)}>{t('policies.title')}</a> ›
      </p>
      {detail.error !== null && <ErrorBanner error={detail.error} onRetry={() => void detail.reload()} />}
      {data && (
        <>
          <div className="page-heading">
            <div>
              <h1>
                {data.current.policy.name} <ModeBadge mode={data.current.policy.mode} />
              </h1>
              <p className="muted">
                {t('policies.currentVersion', { version: data.current.policy.version, serial: data.current.policy.serial, time: formatDateTime(data.current.policy.publishedAt, language) })}
              </p>
            </div>
            {isAdmin && (
              <button type="button" className="button button-primary" onClick={() => void newDraft()} disabled={createDraft.running}>
                {t('policies.newDraft')}
              </button>
            )}
          </div>
          {!isAdmin && <p className="banner banner-info">{t('common.readOnly')}</p>}
          {createDraft.error !== null && <ErrorBanner error={createDraft.error} />}
          {data.current.document.description && <p>{data.current.document.description}</p>}

          {data.drafts.length > 0 && (
            <section className="card">
              <h2>{t('policies.drafts')}</h2>
              <ul className="plain-list">
                {data.drafts.map((draft) => (
                  <li key={draft.id}>
                    <a href={hrefFor(policyPaths.draft(policyId, draft.id))}>{t('policies.draftLabel', { base: draft.baseVersion, author: draft.createdBy })}</a>{' '}
                    <span className="muted small"><LocalTime iso={draft.updatedAt} /></span>
                  </li>
                ))}
              </ul>
            </section>
          )}

          <section className="card">
            <h2>{t('policies.document')}</h2>
            <PolicyDocumentSummary document={data.current.document} />
            <details className="raw-json">
              <summary>{t('policies.rawJson')}</summary>
              <pre className="code-block">{JSON.stringify(data.current.document, null, 2)}</pre>
            </details>
          </section>

          <section className="card">
            <h2>{t('policies.versions')}</h2>
            <VersionsTable key={data.versions[0]?.version} policyId={policyId} versions={data.versions} canRollBack={isAdmin} onCompare={setCompare} onRolledBack={() => void detail.reload()} />
            {compare && <PolicyDiffView policyId={policyId} from={compare.from} to={compare.to} />}
          </section>
        </>
      )}
    </main>
  );
}
