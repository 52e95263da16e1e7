import { useApi } from '../../api';
import { Badge } from '../../components/badges';
import { ErrorBanner } from '../../components/error-banner';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { hrefFor } from '../../router/hash-router';
import { policyPaths } from './policy-paths';
import { LocalTime } from '../../components/local-time';

/** Every policy with its current version, console-wide serial and mode. */
export function PolicyListPage() {
  const { t } = useI18n();
  const api = useApi();
  const policies = useLoader(() => api.policies.list(), 'policies');
  return (
    <main className="page">
      <div className="page-heading">
        <div>
          <h1>{t('policies.title')}</h1>
          <p className="muted">{t('policies.subtitle')}</p>
        </div>
      </div>
      {policies.error !== null && <ErrorBanner error={policies.error} onRetry={() => void policies.reload()} />}
      {policies.loading ? (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('policies.col.name')}</th>
                <th scope="col">{t('policies.col.version')}</th>
                <th scope="col">{t('policies.col.serial')}</th>
                <th scope="col">{t('policies.col.mode')}</th>
                <th scope="col">{t('policies.col.published')}</th>
              </tr>
            </thead>
            <tbody>
              {(policies.data ?? []).map((policy) => (
                <tr key={policy.id}>
                  <th scope="row">
                    <a href={hrefFor(policyPaths.policy(policy.id))}>{policy.name}</a>
                  </th>
                  <td>v{policy.version}</td>
                  <td className="mono">{policy.serial}</td>
                  <td>
                    <ModeBadge mode={policy.mode} />
                  </td>
                  <td className="cell-nowrap"><LocalTime iso={policy.publishedAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

/** Monitor (reports only) in blue, enforce (blocks) in red. */
export function ModeBadge({ mode }: { mode: 'monitor' | 'enforce' }) {
  const { t } = useI18n();
  return <Badge tone={mode === 'enforce' ? 'red' : 'blue'}>{t(`policies.mode.${mode}`)}</Badge>;
}
