import type { ExceptionRequestTarget } from '@dlp/shared';
import { useI18n } from '../i18n';

/** What an exception is for: one USB stick by identity, or one program by content. */
export function ExceptionTarget({ target }: { target: ExceptionRequestTarget }) {
  const { t } = useI18n();
  if (target.kind === 'usb-device') {
    const { vendorId, productId, serial } = target.device;
    return (
      <span className="subject">
        <span className="subject-outcome">{t('subject.device.id', { vendorId, productId })}</span>
        <span className="subject-details">{t('subject.device.serial', { serial })}</span>
      </span>
    );
  }
  return (
    <span className="subject">
      <span className="mono">{target.exePath}</span>
      <span className="subject-details" title={target.sha256}>
        {t('subject.process.sha', { short: target.sha256.slice(0, 12) })}
      </span>
    </span>
  );
}
