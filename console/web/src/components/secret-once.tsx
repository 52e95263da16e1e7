import { useState } from 'react';
import { useI18n } from '../i18n';

/**
 * A secret the console shows this one time (enroll secret, API token, webhook signing secret),
 * selectable and with a copy button. `note` replaces the default "shown only this once" line.
 */
export function SecretOnce({ label, secret, note, onDismiss }: { label: string; secret: string; note?: string; onDismiss(): void }) {
  const { t } = useI18n();
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copySecret = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      // Clipboard access needs a secure context and permission; the text stays selectable.
      setCopy('failed');
    }
  };
  return (
    <div className="secret-once banner banner-warning" role="status">
      <div>
        <p>
          <strong>{label}</strong> — {note ?? t('common.shownOnce')}
        </p>
        <code className="secret-value" data-secret>
          {secret}
        </code>
        {copy === 'failed' && <p className="small">{t('common.copyFailed')}</p>}
      </div>
      <div className="secret-actions">
        <button type="button" className="button button-small" onClick={() => void copySecret()}>
          {copy === 'copied' ? t('common.copied') : t('common.copy')}
        </button>
        <button type="button" className="button button-small" onClick={onDismiss}>
          {t('common.close')}
        </button>
      </div>
    </div>
  );
}
