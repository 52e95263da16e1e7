import { useId, useState } from 'react';
import type { FiredAlert } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useI18n } from '../../i18n';

/**
 * Acknowledge or resolve these alerts (one, or every alert of a group that can still change) with a
 * note. The console audits each change; the answer replaces the alerts shown.
 */
export function AlertTriageForm({ alerts, onChanged }: { alerts: readonly FiredAlert[]; onChanged(changed: FiredAlert[]): void }) {
  const { t } = useI18n();
  const api = useApi();
  const noteId = useId();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const open = alerts.filter((a) => a.state === 'open').map((a) => a.id);
  const unresolved = alerts.filter((a) => a.state !== 'resolved').map((a) => a.id);
  if (unresolved.length === 0) return null;

  const run = async (action: 'acknowledge' | 'resolve', ids: string[]): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.alerts[action](ids, note);
      onChanged(result.items);
      setDone(t(`alertsInbox.done.${action}`, { count: ids.length - result.unchanged.length }));
      setNote('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const many = alerts.length > 1;
  return (
    <div className="form-grid section-gap" data-testid="alert-triage">
      <label htmlFor={noteId}>{t('alertsInbox.noteLabel')}</label>
      <textarea id={noteId} name="alert-note" rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
      <div>
        {open.length > 0 && (
          <button type="button" className="button button-small" disabled={busy} onClick={() => void run('acknowledge', open)}>
            {many ? t('alertsInbox.acknowledgeN', { count: open.length }) : t('alertsInbox.acknowledge')}
          </button>
        )}{' '}
        <button type="button" className="button button-small" disabled={busy} onClick={() => void run('resolve', unresolved)}>
          {many ? t('alertsInbox.resolveN', { count: unresolved.length }) : t('alertsInbox.resolve')}
        </button>
        {done !== null && (
          <span className="muted small" role="status">
            {' '}
            {done}
          </span>
        )}
      </div>
      {error !== null && <ErrorBanner error={error} />}
    </div>
  );
}
