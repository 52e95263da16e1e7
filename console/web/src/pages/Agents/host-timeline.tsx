import type { AuditEntry } from '@dlp/shared';
import { EventSubjectSummary } from '../../components/event-subject';
import { useI18n, type I18n } from '../../i18n';
import { searchHref } from '../../router/event-search-link';
import type { TimelineEntry } from './host-timeline-model';
import { LocalTime } from '../../components/local-time';

const KNOWN_AUDIT = new Set(['agent.move', 'agent.revoke', 'unlock_code.issue']);

function auditText(entry: AuditEntry, t: I18n['t']): string {
  const user = entry.actor.kind === 'user' ? entry.actor.username : t('host.timeline.console');
  if (KNOWN_AUDIT.has(entry.action)) return t(`host.timeline.audit.${entry.action as 'agent.move' | 'agent.revoke' | 'unlock_code.issue'}`, { user });
  return t('host.timeline.audit.other', { action: entry.action, user });
}

function EntryText({ entry, agentId }: { entry: TimelineEntry; agentId: string }) {
  const { t } = useI18n();
  switch (entry.kind) {
    case 'enrolled':
      return <>{t('host.timeline.enrolled')}</>;
    case 'last-contact':
      return <>{t('host.timeline.lastContact')}</>;
    case 'receipt':
      return (
        <>
          {entry.receipt.status === 'applied'
            ? t('host.timeline.receiptApplied', { serial: entry.receipt.serial })
            : t('host.timeline.receiptRejected', { serial: entry.receipt.serial, error: entry.receipt.error ?? t('fleet.policy.unknownError') })}
        </>
      );
    case 'event':
      return (
        <>
          <a href={searchHref({ agentId }, { agentId, seq: entry.event.seq })}>
            {t(`type.${entry.event.type}`)} · {t(`action.${entry.event.action}`)}
          </a>{' '}
          <EventSubjectSummary subject={entry.event.subject} />
        </>
      );
    case 'audit':
      return <>{auditText(entry.entry, t)}</>;
  }
}

/** The host's history, newest first; red marks only what went wrong on this host. */
export function HostTimeline({ agentId, entries }: { agentId: string; entries: readonly TimelineEntry[] }) {
  const { t } = useI18n();
  return (
    <section className="card host-card" aria-labelledby="host-timeline">
      <h2 id="host-timeline">{t('host.timeline')}</h2>
      <p className="muted small">{t('host.timeline.note')}</p>
      {entries.length === 0 ? (
        <p className="muted">{t('host.timeline.empty')}</p>
      ) : (
        <ol className="host-timeline">
          {entries.map((entry, index) => (
            <li key={`${entry.kind}/${entry.kind === 'event' ? entry.event.seq : entry.kind === 'audit' ? entry.entry.id : index}`} className={`timeline-entry timeline-${entry.tone}`} data-kind={entry.kind}>
              <time dateTime={entry.at} className="timeline-time">
                <LocalTime iso={entry.at} />
              </time>
              <span className="timeline-text">
                <EntryText entry={entry} agentId={agentId} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
