import { useState } from 'react';
import type { UnlockCodeIssued } from '@dlp/shared';
import { formatDateTime, useI18n } from '../../i18n';
import { codeGroups } from '../../components/code-groups';

/** The code, once, big and in groups of four so it can be read out over the phone; with a copy button. */
export function UnlockCodeDisplay({ issued, hostname }: { issued: UnlockCodeIssued; hostname: string }) {
  const { t, language } = useI18n();
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const groups = codeGroups(issued.code);

  const copyCode = async () => {
    try {
      await navigator.clipboard.writeText(groups.join('-'));
      setCopy('copied');
    } catch {
      // Clipboard access needs a secure context and permission; the code stays selectable.
      setCopy('failed');
    }
  };

  return (
    <div className="unlock-result">
      <p>{t('unlock.issuedFor', { host: hostname, vendorId: issued.device.vendorId, productId: issued.device.productId, serial: issued.device.serial })}</p>
      <p className="unlock-code" aria-label={t('unlock.codeLabel')} data-code={groups.join('-')}>
        {groups.map((group, index) => (
          <span key={index} className="unlock-code-group">
            {group}
          </span>
        ))}
      </p>
      <div className="unlock-actions">
        <button type="button" className="button button-primary" onClick={() => void copyCode()}>
          {copy === 'copied' ? t('common.copied') : t('common.copy')}
        </button>
        <span className="muted">{t('unlock.validUntil', { time: formatDateTime(issued.expiresAt, language) })}</span>
      </div>
      {copy === 'failed' && <p className="muted small">{t('common.copyFailed')}</p>}
      <div className="banner banner-warning">{t('common.shownOnce')}</div>
    </div>
  );
}
