import type { AuditActor, AuditEntry } from '@dlp/shared';
import { useI18n } from '../../i18n';
import { LocalTime } from '../../components/local-time';

/** Audit rows, newest first: when, who (in which role), what, on what, from where, and the chain hash. */
export function AuditTable({ entries }: { entries: readonly AuditEntry[] }) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="data-table audit-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('audit.col.at')}</th>
            <th scope="col">{t('audit.col.actor')}</th>
            <th scope="col">{t('audit.col.action')}</th>
            <th scope="col">{t('audit.col.target')}</th>
            <th scope="col">{t('audit.col.source')}</th>
            <th scope="col">{t('audit.col.details')}</th>
            <th scope="col">{t('audit.col.hash')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} data-audit-id={entry.id}>
              <td className="mono">{entry.id}</td>
              <td className="cell-nowrap"><LocalTime iso={entry.at} /></td>
              <td>
                <ActorCell actor={entry.actor} />
              </td>
              <th scope="row" className="mono">
                {entry.action}
              </th>
              <td className="mono small">{entry.target ? `${entry.target.type}:${entry.target.id}` : t('common.none')}</td>
              <td className="mono small">{entry.sourceIp ?? t('common.none')}</td>
              <td className="cell-details">
                {entry.before !== undefined || entry.after !== undefined ? (
                  <details>
                    <summary>{t('audit.show')}</summary>
                    {entry.before !== undefined && <pre className="code-inline">{t('audit.before')} {JSON.stringify(entry.before, null, 1)}</pre>}
                    {entry.after !== undefined && <pre className="code-inline">{t('audit.after')} {JSON.stringify(entry.after, null, 1)}</pre>}
                  </details>
                ) : (
                  <span className="muted">{t('common.none')}</span>
                )}
              </td>
              <td className="mono small" title={entry.hash}>
                {entry.hash.slice(0, 10)}…
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ActorCell({ actor }: { actor: AuditActor }) {
  const { t } = useI18n();
  if (actor.kind === 'system') return <span className="muted">{t('audit.system', { system: actor.system })}</span>;
  return (
    <span>
      {actor.username} <span className="muted small">{t(`role.${actor.role}`)}</span>
    </span>
  );
}
