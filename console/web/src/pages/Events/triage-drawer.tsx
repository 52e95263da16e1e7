import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { roleMay, triageState as triageStates, type EventContext, type StoredEvent, type TriageDetail, type TriageScope, type TriageState } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { useCurrentUser } from '../../session/session-context';
import { EventSubjectSummary } from '../../components/event-subject';
import { ContentEventDetail } from '../../components/content-event-detail';
import { ActionBadge, SeverityLabel } from '../../components/badges';
import { TriageChip } from './triage-chip';
import { groupText, policyText } from './event-why';
import { LocalTime } from '../../components/local-time';

/**
 * A side panel for one event: what happened and why (rule, action, severity, policy version,
 * group), its effective triage state, a form to set the state of the event or of every identical
 * event and to add a note (officers and admins), and the history of both. It takes focus when it
 * opens (keyboard users land in it, not 100 rows above); the page gives focus back to the row.
 */
export function TriageDrawer({ event, context, onClose, onChanged }: { event: StoredEvent; context: EventContext; onClose(): void; onChanged(detail: TriageDetail): void }) {
  const { t } = useI18n();
  const api = useApi();
  const user = useCurrentUser();
  const canTriage = roleMay('triage', user?.role);
  const titleId = useId();
  const detail = useLoader(() => api.triage.detail(event.agentId, event.seq), `${event.agentId}/${event.seq}`);
  const save = useAction();
  const [state, setState] = useState<TriageState | ''>('');
  const [scope, setScope] = useState<TriageScope>('event');
  const [note, setNote] = useState('');
  const panel = useRef<HTMLElement>(null);
  const policy = policyText(event, context, t);

  useEffect(() => {
    panel.current?.focus();
  }, []);

  useEffect(() => {
    const onKey = (keyEvent: KeyboardEvent) => {
      if (keyEvent.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const submit = (formEvent: FormEvent<HTMLFormElement>) => {
    formEvent.preventDefault();
    void save.run(async () => {
      const updated = await api.triage.update(event.agentId, event.seq, { scope, ...(state !== '' ? { state } : {}), ...(note.trim() !== '' ? { note: note.trim() } : {}) });
      setNote('');
      setState('');
      await detail.reload();
      onChanged(updated);
    });
  };

  const current = detail.data;
  return (
    <aside ref={panel} tabIndex={-1} className="drawer" role="dialog" aria-modal="false" aria-labelledby={titleId} data-event-key={`${event.agentId}/${event.seq}`}>
      <div className="dialog-heading">
        <h2 id={titleId}>{t('triage.title')}</h2>
        <button type="button" className="button button-small" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <dl className="drawer-facts">
        <dt>{t('events.col.time')}</dt>
        <dd><LocalTime iso={event.placedAt ?? event.occurredAt} /></dd>
        {event.placedAt !== undefined && (
          <>
            <dt>{t('events.time.agent')}</dt>
            <dd title={t('events.time.placedHint')}><LocalTime iso={event.occurredAt} /></dd>
          </>
        )}
        <dt>{t('events.time.received')}</dt>
        <dd><LocalTime iso={event.receivedAt} /></dd>
        <dt>{t('events.col.host')}</dt>
        <dd>{event.host}</dd>
        <dt>{t('events.col.user')}</dt>
        <dd>{event.user ?? t('common.none')}</dd>
        <dt>{t('events.col.type')}</dt>
        <dd>{t(`type.${event.type}`)}</dd>
        <dt>{t('events.col.subject')}</dt>
        <dd>
          <EventSubjectSummary subject={event.subject} />
        </dd>
      </dl>
      <ContentEventDetail event={event} />
      <h3>{t('search.drawer.why')}</h3>
      <dl className="drawer-facts" data-testid="drawer-why">
        <dt>{t('events.col.rule')}</dt>
        <dd className="mono">{event.ruleId ?? t('common.none')}</dd>
        <dt>{t('events.col.action')}</dt>
        <dd>
          <ActionBadge action={event.action} />
        </dd>
        <dt>{t('events.col.severity')}</dt>
        <dd>
          <SeverityLabel severity={event.severity} />
        </dd>
        <dt>{t('search.col.policy')}</dt>
        <dd>{policy.title !== undefined ? `${policy.text} · ${policy.title}` : policy.text}</dd>
        <dt>{t('search.col.group')}</dt>
        <dd>{groupText(context, t)}</dd>
      </dl>
      <dl className="drawer-facts">
        <dt>{t('triage.current')}</dt>
        <dd data-testid="triage-current">{current ? <TriageChip triage={current.effective} /> : t('app.loading')}</dd>
      </dl>
      {detail.error !== null && <ErrorBanner error={detail.error} onRetry={() => void detail.reload()} />}
      {canTriage && (
        <form className="drawer-form" onSubmit={submit}>
          <fieldset>
            <legend>{t('triage.setState')}</legend>
            <div className="chip-choices">
              {triageStates.options.map((option) => (
                <label key={option} className={`chip-choice${state === option ? ' chip-choice-selected' : ''}`}>
                  <input type="radio" name="triage-state" value={option} checked={state === option} onChange={() => setState(option)} />
                  {t(`triage.state.${option}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <label className="field">
            <span>{t('triage.scope')}</span>
            <select value={scope} onChange={(change) => setScope(change.target.value as TriageScope)}>
              <option value="event">{t('triage.scope.event')}</option>
              <option value="group">{t('triage.scope.group')}</option>
            </select>
          </label>
          <label className="field">
            <span>{t('triage.note')}</span>
            <textarea value={note} maxLength={2000} rows={3} onChange={(change) => setNote(change.target.value)} />
          </label>
          {save.error !== null && <ErrorBanner error={save.error} />}
          <button type="submit" className="button button-primary" disabled={save.running || (state === '' && note.trim() === '')}>
            {save.running ? t('triage.saving') : t('triage.save')}
          </button>
        </form>
      )}
      <h3>{t('triage.history')}</h3>
      {current && current.history.length === 0 && <p className="muted">{t('triage.noHistory')}</p>}
      <ol className="triage-history">
        {current?.history
          .slice()
          .reverse()
          .map((entry) => (
            <li key={entry.id}>
              <div className="muted small">
                <LocalTime iso={entry.at} /> · {entry.actor.username} · {t(entry.scope === 'group' ? 'triage.scope.group' : 'triage.scope.event')}
              </div>
              {entry.state !== null && (
                <div>{t('triage.changed', { from: entry.previousState !== null ? t(`triage.state.${entry.previousState}`) : t('triage.state.new'), to: t(`triage.state.${entry.state}`) })}</div>
              )}
              {entry.note !== null && <p className="triage-note">{entry.note}</p>}
            </li>
          ))}
      </ol>
    </aside>
  );
}
