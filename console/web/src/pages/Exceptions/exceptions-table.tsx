import type { ExceptionView } from '@dlp/shared';
import { formatMinutes } from '../../components/duration';
import { RelativeTime } from '../../components/relative-time';
import { useI18n } from '../../i18n';
import { ExceptionTarget } from '../../components/exception-target';
import { DeliveryNote, ExceptionStateBadge } from '../../components/exception-state';
import { fullTimeTitle } from '../../components/local-time';

/** The three decisions an officer can take from the queue. */
export type DecisionKind = 'approve' | 'deny' | 'revoke';

/** The request queue: who asks for what and why, the state, and the decision buttons for deciders. */
export function ExceptionsTable({
  exceptions,
  now,
  canDecide,
  onDecide,
}: {
  exceptions: readonly ExceptionView[];
  now: number;
  canDecide: boolean;
  onDecide(exception: ExceptionView, kind: DecisionKind): void;
}) {
  const { t, language } = useI18n();
  return (
    <div className="table-wrap">
      <table className="data-table exceptions-table">
        <thead>
          <tr>
            <th scope="col">{t('exceptions.col.requested')}</th>
            <th scope="col">{t('exceptions.col.host')}</th>
            <th scope="col">{t('exceptions.col.for')}</th>
            <th scope="col">{t('exceptions.col.reason')}</th>
            <th scope="col">{t('exceptions.col.duration')}</th>
            <th scope="col">{t('exceptions.col.state')}</th>
            <th scope="col">{t('exceptions.col.decision')}</th>
            {canDecide && <th scope="col">{t('exceptions.col.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {exceptions.map((exception) => (
            <tr key={exception.id} data-exception-id={exception.id}>
              <td className="cell-nowrap">
                <RelativeTime iso={exception.requestedAt} now={now} past />
              </td>
              <th scope="row" className="cell-host">
                {exception.hostname}
                <span className="muted small block">{exception.requestedBy ?? exception.createdBy?.username ?? t('common.none')}</span>
              </th>
              <td>
                <ExceptionTarget target={exception.target} />
              </td>
              <td className="cell-reason">{exception.justification}</td>
              <td className="cell-nowrap">
                {exception.grantedMinutes !== null && exception.grantedMinutes !== exception.requestedMinutes ? (
                  <>
                    {formatMinutes(exception.grantedMinutes, t)} <s className="muted">{formatMinutes(exception.requestedMinutes, t)}</s>
                  </>
                ) : (
                  formatMinutes(exception.requestedMinutes, t)
                )}
              </td>
              <td>
                <ExceptionStateBadge state={exception.state} />
              </td>
              <td className="cell-decision">
                {exception.decidedBy && (
                  <span className="block">
                    {exception.decidedBy.via === 'api-token'
                      ? t('exceptions.decidedByToken', { username: exception.decidedBy.username, token: exception.decidedBy.tokenName ?? '' })
                      : t('exceptions.decidedBy', { username: exception.decidedBy.username })}
                  </span>
                )}
                {exception.decisionNote && <span className="block muted">“{exception.decisionNote}”</span>}
                {exception.expiresAt && exception.state === 'approved' && (
                  <span className="block small" title={fullTimeTitle(exception.expiresAt, language)}>
                    {t('exceptions.expires')} <RelativeTime iso={exception.expiresAt} now={now} />
                  </span>
                )}
                <DeliveryNote exception={exception} />
              </td>
              {canDecide && (
                <td className="cell-actions">
                  {exception.state === 'pending' && (
                    <>
                      <button type="button" className="button button-small button-primary" onClick={() => onDecide(exception, 'approve')}>
                        {t('exceptions.approve')}
                      </button>
                      <button type="button" className="button button-small" onClick={() => onDecide(exception, 'deny')}>
                        {t('exceptions.deny')}
                      </button>
                    </>
                  )}
                  {exception.state === 'approved' && (
                    <button type="button" className="button button-small button-danger" onClick={() => onDecide(exception, 'revoke')}>
                      {t('exceptions.revoke')}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
