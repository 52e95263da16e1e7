import { useState } from 'react';
import type { AlertGroup, FiredAlert } from '@dlp/shared';
import { SeverityLabel } from '../../components/badges';
import { useI18n } from '../../i18n';
import { describeAlert, describeEntity } from './alert-labels';
import { alertSearchHref } from './alert-links';
import { AlertStateCell } from './alert-state-cell';
import { AlertTriageForm } from './alert-triage-form';
import { LocalTime } from '../../components/local-time';

const COLUMNS = 7;

function EventsLink({ alert }: { alert: FiredAlert }) {
  const { t } = useI18n();
  return (
    <a href={alertSearchHref(alert)} title={t('alertsInbox.eventsTitle')} data-testid="alert-events-link">
      {t('alertsInbox.events')}
    </a>
  );
}

/** Who a group is about: "50 agents", "3 hosts"; a group of one names its entity. */
function useGroupWording(group: AlertGroup): { about: string; what: string } {
  const { t, language } = useI18n();
  const first = group.alerts[0];
  if (group.count === 1 && first) return { about: describeEntity(first.entity, t), what: describeAlert(first, t, language) };
  const entityType = first?.entity.type ?? 'agent';
  const about = t(entityType === 'user' ? 'alertsInbox.group.users' : entityType === 'host' ? 'alertsInbox.group.hosts' : 'alertsInbox.group.agents', { count: group.count });
  const what = t(group.kind === 'agent-offline' ? 'alertsInbox.group.what.agent-offline' : 'alertsInbox.group.what.other', { count: group.count });
  return { about, what };
}

/** The member alerts of an expanded group: who, when, state (with notes), link to their events. */
function GroupMembers({ group }: { group: AlertGroup }) {
  const { t, language } = useI18n();
  return (
    <table className="data-table compact-table" data-testid="alert-group-members" aria-label={t('alertsInbox.group.members')}>
      <tbody>
        {group.alerts.map((alert) => (
          <tr key={alert.id}>
            <td className="cell-nowrap">
              <LocalTime iso={alert.firedAt} />
            </td>
            <td>{describeEntity(alert.entity, t)}</td>
            <td>{describeAlert(alert, t, language)}</td>
            <td>
              <AlertStateCell alert={alert} />
            </td>
            <td>
              <EventsLink alert={alert} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One alert's details as the engine recorded them (times in local time). */
function AlertDetails({ alert }: { alert: FiredAlert }) {
  const { t } = useI18n();
  const entries = Object.entries(alert.details).filter(([, value]) => value !== null && value !== '');
  return (
    <dl className="detail-list" aria-label={t('alertsInbox.details')}>
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? <LocalTime iso={value} /> : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * One inbox row: a single alert, or a group ("50 agents offline") that expands to its alerts. The
 * expanded part holds the details and, for officers and admins, acknowledge and resolve with a note.
 */
export function AlertGroupRow({ group, canTriage, onChanged }: { group: AlertGroup; canTriage: boolean; onChanged(changed: FiredAlert[]): void }) {
  const { t } = useI18n();
  const [expanded, setExpanded] = useState(false);
  const { about, what } = useGroupWording(group);
  const single = group.count === 1 ? group.alerts[0] : undefined;
  const states = { open: 0, acknowledged: 0, resolved: 0 };
  for (const alert of group.alerts) states[alert.state] += 1;
  const hidden = group.count - group.alerts.length;
  return (
    <>
      <tr data-testid={single ? 'alert-row' : 'alert-group-row'}>
        <td className="cell-nowrap">
          <button type="button" className="button button-small" aria-expanded={expanded} aria-label={t('alertsInbox.expand', { what: `${group.ruleName} · ${about}` })} onClick={() => setExpanded(!expanded)}>
            {expanded ? '▾' : '▸'}
          </button>{' '}
          <LocalTime iso={group.lastFiredAt} />
          {!single && (
            <div className="muted small">
              <LocalTime iso={group.firstFiredAt} /> –
            </div>
          )}
        </td>
        <td>
          {group.ruleName}
          <div className="muted small">{t(`alerts.kind.${group.kind}`)}</div>
        </td>
        <td>
          <SeverityLabel severity={group.severity} />
        </td>
        <td>{about}</td>
        <td title={single?.title}>{what}</td>
        <td>
          {single ? (
            <>
              {single.eventCount} <EventsLink alert={single} />
            </>
          ) : (
            group.alerts.reduce((sum, a) => sum + a.eventCount, 0)
          )}
        </td>
        <td>{single ? <AlertStateCell alert={single} /> : <span className="small">{t('alertsInbox.states', states)}</span>}</td>
      </tr>
      {expanded && (
        <tr className="expanded-row">
          <td colSpan={COLUMNS}>
            {single ? <AlertDetails alert={single} /> : <GroupMembers group={group} />}
            {hidden > 0 && <p className="muted small">{t('alertsInbox.group.more', { count: hidden })}</p>}
            {canTriage ? <AlertTriageForm alerts={group.alerts} onChanged={onChanged} /> : <p className="muted small">{t('alertsInbox.readOnly')}</p>}
          </td>
        </tr>
      )}
    </>
  );
}
