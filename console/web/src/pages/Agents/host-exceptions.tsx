import type { ExceptionView } from '@dlp/shared';
import { DeliveryNote, ExceptionStateBadge } from '../../components/exception-state';
import { ExceptionTarget } from '../../components/exception-target';
import { RelativeTime } from '../../components/relative-time';
import { useI18n } from '../../i18n';
import { fullTimeTitle } from '../../components/local-time';

/** The host's exceptions in force (approved) and waiting for a decision, with whether the agent has the grant. */
export function HostExceptions({ exceptions, now }: { exceptions: readonly ExceptionView[]; now: number }) {
  const { t, language } = useI18n();
  return (
    <section className="card host-card" aria-labelledby="host-exceptions">
      <h2 id="host-exceptions">{t('host.exceptions')}</h2>
      {exceptions.length === 0 ? (
        <p className="muted">{t('host.exceptions.none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table host-table">
          <thead>
            <tr>
              <th scope="col">{t('exceptions.col.for')}</th>
              <th scope="col">{t('exceptions.col.reason')}</th>
              <th scope="col">{t('exceptions.col.state')}</th>
              <th scope="col">{t('host.exceptions.until')}</th>
            </tr>
          </thead>
          <tbody>
            {exceptions.map((exception) => (
              <tr key={exception.id} data-exception-id={exception.id}>
                <td>
                  <ExceptionTarget target={exception.target} />
                </td>
                <td className="cell-reason">{exception.justification}</td>
                <td>
                  <ExceptionStateBadge state={exception.state} /> <DeliveryNote exception={exception} />
                </td>
                <td className="cell-nowrap">
                  {exception.expiresAt ? (
                    <span title={fullTimeTitle(exception.expiresAt, language)}>
                      <RelativeTime iso={exception.expiresAt} now={now} />
                    </span>
                  ) : (
                    t('common.none')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
