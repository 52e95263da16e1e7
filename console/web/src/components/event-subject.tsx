import type { EventSubject } from '@dlp/shared';
import { useI18n, type MessageKey } from '../i18n';

const KNOWN_DETECTORS = new Set(['cn-resident-id', 'cn-mobile', 'bank-card', 'cn-uscc', 'email']);

/** The digest prefix people compare by eye; the full value is in the tooltip. */
function shortSha(sha256: string): string {
  return sha256.slice(0, 12);
}

/** What an event was about, in one or two compact lines. */
export function EventSubjectSummary({ subject }: { subject: EventSubject }) {
  const { t } = useI18n();
  switch (subject.kind) {
    case 'process':
      return (
        <span className="subject">
          <strong>{subject.name}</strong> <span className="mono subject-path">{subject.exePath}</span>
          <span className="subject-details">
            {subject.sha256 && (
              <span className="mono" title={subject.sha256}>
                {t('subject.process.sha', { short: shortSha(subject.sha256) })}
              </span>
            )}
            <span>{t(subject.method === 'fanotify' ? 'subject.process.fanotify' : 'subject.process.procScan')}</span>
            {subject.via && (
              <span className="mono">{t(subject.via === 'script' ? 'subject.process.viaScript' : 'subject.process.viaLoader', { interpreter: subject.interpreter ?? '?' })}</span>
            )}
            {subject.suppressed ? <span>{t('subject.process.suppressed', { count: subject.suppressed })}</span> : null}
          </span>
        </span>
      );
    case 'device':
      return (
        <span className="subject">
          <strong className="mono">{t('subject.device.id', { vendorId: subject.vendorId, productId: subject.productId })}</strong>{' '}
          {[subject.vendorName, subject.productName].filter(Boolean).join(' ')}
          <span className="subject-details">
            {subject.outcome && <span className="subject-outcome">{t(`usbOutcome.${subject.outcome}`)}</span>}
            {subject.serial && <span>{t('subject.device.serial', { serial: subject.serial })}</span>}
            {subject.mountPoint && <span className="mono">{t('subject.device.mount', { path: subject.mountPoint })}</span>}
            {subject.writeProtection && <span>{t(`usbWriteProtection.${subject.writeProtection}`)}</span>}
            {subject.stoppedWriters && subject.stoppedWriters.length > 0 && (
              <span className="mono">
                {t('subject.device.stoppedWriters', {
                  count: subject.stoppedWriterCount ?? subject.stoppedWriters.length,
                  list: subject.stoppedWriters.map((w) => `${w.name}[${w.pid}] uid ${w.uid}`).join(', '),
                })}
              </span>
            )}
          </span>
        </span>
      );
    case 'policy':
      return (
        <span className="subject">
          {subject.serial !== undefined && <strong>{t('subject.policy.serial', { serial: subject.serial })}</strong>} {subject.reason}
        </span>
      );
    case 'gap':
      return <span className="subject">{t('subject.gap', { dropped: subject.dropped, fromSeq: subject.fromSeq, toSeq: subject.toSeq })}</span>;
    case 'file':
      return (
        <span className="subject">
          <span className="mono subject-path">{subject.path}</span>
          <span className="subject-details">
            {Object.entries(subject.matches).map(([detector, count]) => (
              <span key={detector}>
                {t('subject.file.match', {
                  detector: KNOWN_DETECTORS.has(detector) ? t(`detector.${detector}` as MessageKey) : detector,
                  count,
                })}
              </span>
            ))}
          </span>
        </span>
      );
    case 'agent':
      return <span className="subject">{subject.message}</span>;
  }
}
