import { useState, type FormEvent } from 'react';
import type { ExceptionView } from '@dlp/shared';
import { useApi } from '../../api';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { formatMinutes } from '../../components/duration';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useI18n } from '../../i18n';
import { ExceptionTarget } from '../../components/exception-target';
import type { DecisionKind } from './exceptions-table';

/**
 * Approve (the duration may only be shortened; USB may be granted read-only), deny (a reason is
 * required: the employee reads it) or revoke an exception.
 */
export function DecisionDialog({ exception, kind, onClose, onDecided }: { exception: ExceptionView; kind: DecisionKind; onClose(): void; onDecided(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const action = useAction();
  const [minutes, setMinutes] = useState(String(exception.requestedMinutes));
  const [text, setText] = useState('');
  const [readOnly, setReadOnly] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const isUsb = exception.target.kind === 'usb-device';

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    const duration = Number(minutes);
    if (kind === 'approve' && (!Number.isInteger(duration) || duration < 1 || duration > exception.requestedMinutes)) {
      return setProblem(t('exceptions.durationRange', { max: exception.requestedMinutes }));
    }
    if (kind === 'deny' && text.trim() === '') return setProblem(t('exceptions.reasonRequired'));
    const done = await action.run(async () => {
      if (kind === 'approve') await api.exceptions.approve(exception.id, { note: text.trim(), durationMinutes: duration, ...(isUsb && readOnly ? { readOnly: true } : {}) });
      else if (kind === 'deny') await api.exceptions.deny(exception.id, text.trim());
      else await api.exceptions.revoke(exception.id, text.trim());
    });
    if (done) onDecided();
  };

  return (
    <Dialog title={t(`exceptions.dialog.${kind}`)} onClose={onClose}>
      <dl className="facts">
        <dt>{t('exceptions.col.host')}</dt>
        <dd>
          {exception.hostname} <span className="muted">{exception.requestedBy ?? ''}</span>
        </dd>
        <dt>{t('exceptions.col.for')}</dt>
        <dd>
          <ExceptionTarget target={exception.target} />
        </dd>
        <dt>{t('exceptions.col.reason')}</dt>
        <dd>{exception.justification}</dd>
        <dt>{t('exceptions.requestedDuration')}</dt>
        <dd>{formatMinutes(exception.requestedMinutes, t)}</dd>
      </dl>
      {problem && (
        <div className="banner banner-error" role="alert">
          {problem}
        </div>
      )}
      {action.error !== null && <ErrorBanner error={action.error} />}
      <form onSubmit={(event) => void submit(event)} noValidate>
        {kind === 'approve' && (
          <label className="field">
            <span>{t('exceptions.grantMinutes')}</span>
            <input type="number" name="duration" min={1} max={exception.requestedMinutes} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
            <span className="muted small">{t('exceptions.grantHint', { requested: formatMinutes(exception.requestedMinutes, t) })}</span>
          </label>
        )}
        {kind === 'approve' && isUsb && (
          <label className="checkbox-field">
            <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />
            <span>{t('exceptions.readOnly')}</span>
          </label>
        )}
        <label className="field">
          <span>{t(kind === 'approve' ? 'exceptions.note' : kind === 'deny' ? 'exceptions.denyReason' : 'exceptions.revokeReason')}</span>
          <textarea name="note" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <DialogActions onCancel={onClose} running={action.running} label={t(`exceptions.${kind}`)} danger={kind !== 'approve'} />
      </form>
    </Dialog>
  );
}
