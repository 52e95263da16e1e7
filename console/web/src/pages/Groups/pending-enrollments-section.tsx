import { useState } from 'react';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { LocalTime } from '../../components/local-time';

/**
 * Agents that used an enroll secret needing approval: an admin approves (the agent enrolls on its
 * next try) or rejects (refused for good). Both are audited by the console.
 */
export function PendingEnrollmentsSection() {
  const { t } = useI18n();
  const api = useApi();
  const requests = useLoader(() => api.groups.enrollRequests('pending'), 'enroll-requests');
  const decide = useAction();
  const [decided, setDecided] = useState<string | null>(null);

  const act = async (id: string, host: string, verb: 'approve' | 'reject') => {
    const ok = await decide.run(async () => {
      const status = await api.groups.decideEnrollRequest(id, verb);
      setDecided(t('pending.decided', { host, status: t(status === 'rejected' ? 'pending.status.rejected' : 'pending.status.approved') }));
    });
    if (ok) await requests.reload();
  };

  const items = requests.data ?? [];
  return (
    <section className="card section-gap" aria-labelledby="pending-enrollments-title">
      <h2 id="pending-enrollments-title">{t('pending.title')}</h2>
      <p className="muted small">{t('pending.intro')}</p>
      {decided !== null && (
        <p role="status" className="small">
          {decided}
        </p>
      )}
      {decide.error !== null && <ErrorBanner error={decide.error} />}
      {requests.error !== null && <ErrorBanner error={requests.error} onRetry={() => void requests.reload()} />}
      {items.length === 0 ? (
        !requests.loading && <p className="muted">{t('pending.none')}</p>
      ) : (
        <table className="data-table compact-table" aria-labelledby="pending-enrollments-title">
          <thead>
            <tr>
              <th scope="col">{t('pending.col.host')}</th>
              <th scope="col">{t('pending.col.user')}</th>
              <th scope="col">{t('pending.col.address')}</th>
              <th scope="col">{t('pending.col.secret')}</th>
              <th scope="col">{t('pending.col.requested')}</th>
              <th scope="col">{t('pending.col.lastSeen')}</th>
              <th scope="col">{t('exceptions.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((request) => (
              <tr key={request.id}>
                <th scope="row">{request.agent.hostname}</th>
                <td>{request.agent.user ?? '—'}</td>
                <td className="cell-nowrap">{request.remoteAddress ?? '—'}</td>
                <td>{request.secretLabel}</td>
                <td className="cell-nowrap"><LocalTime iso={request.requestedAt} /></td>
                <td className="cell-nowrap"><LocalTime iso={request.lastSeenAt} /></td>
                <td className="cell-nowrap">
                  <button type="button" className="button button-small button-primary" disabled={decide.running} onClick={() => void act(request.id, request.agent.hostname, 'approve')}>
                    {t('pending.approve')}
                  </button>{' '}
                  <button type="button" className="button button-small button-danger" disabled={decide.running} onClick={() => void act(request.id, request.agent.hostname, 'reject')}>
                    {t('pending.reject')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
