import type { StoredEvent } from '@dlp/shared';
import { formatCount, useI18n, type MessageKey } from '../i18n';

type FileSubject = Extract<StoredEvent['subject'], { kind: 'file' }>;
type Translate = ReturnType<typeof useI18n>['t'];

/** Detectors whose names the main catalogue has (`detector.*`); the content catalogue has the rest. */
const MAIN_CATALOGUE_DETECTORS = new Set(['cn-resident-id', 'cn-mobile', 'bank-card', 'cn-uscc', 'email']);
const UNREADABLE_RULE = 'content:unreadable:';

/** A detector id as people read it: built-in detectors by name, policy regexes by their id, anything else as sent. */
export function detectorLabel(detector: string, t: Translate): string {
  if (MAIN_CATALOGUE_DETECTORS.has(detector)) return t(`detector.${detector}` as MessageKey);
  if (detector === 'cn-passport' || detector === 'keyword') return t(`content.detector.${detector}`);
  if (detector.startsWith('regex:')) return t('content.detector.regex', { id: detector.slice('regex:'.length) });
  return detector;
}

/** Detector counts as horizontal bars, largest first, with a sentence for screen readers. */
function DetectorBars({ matches }: { matches: FileSubject['matches'] }) {
  const { t, language } = useI18n();
  const entries = Object.entries(matches).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  if (entries.length === 0) return <p className="muted small">{t('content.detail.noMatches')}</p>;
  const max = Math.max(1, ...entries.map(([, count]) => count));
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  const summary = t('content.detail.chartSummary', {
    total: formatCount(total, language),
    parts: entries.map(([detector, count]) => t('content.detail.chartPart', { detector: detectorLabel(detector, t), count: formatCount(count, language) })).join(', '),
  });
  return (
    <figure className="top-list content-detectors" aria-label={summary} data-testid="content-detectors" data-total={total}>
      <ol>
        {entries.map(([detector, count]) => (
          <li key={detector} data-detector={detector}>
            <span>{detectorLabel(detector, t)}</span>
            <span className="top-bar" style={{ width: `${(count / max) * 100}%` }} aria-hidden="true" />
            <span className="top-count">{formatCount(count, language)}</span>
          </li>
        ))}
      </ol>
    </figure>
  );
}

/** Why the agent reported the file: the threshold and confidence it sent, or what an unreadable file means. */
function triggerText(event: StoredEvent, subject: FileSubject, t: Translate): string {
  if (event.ruleId?.startsWith(UNREADABLE_RULE)) return t('content.detail.unreadable', { reason: event.ruleId.slice(UNREADABLE_RULE.length) });
  const threshold = subject.minDistinct !== undefined ? t('content.detail.threshold', { minDistinct: subject.minDistinct }) : t('content.detail.defaultThreshold');
  return subject.confidence !== undefined ? `${threshold} · ${t('content.detail.confidence', { confidence: `${Math.round(subject.confidence * 100)}%` })}` : threshold;
}

/**
 * The customer-data block of a content event's detail: where it was found (channel), the file (path,
 * size, hash), why it was reported (threshold, confidence), distinct values per detector as bars and
 * the redacted samples. Renders nothing for other events. Samples are shown as text, never as markup.
 */
export function ContentEventDetail({ event }: { event: StoredEvent }) {
  const { t, language } = useI18n();
  if (event.type !== 'content' || event.subject.kind !== 'file') return null;
  const subject = event.subject;
  const notReported = <span className="muted">{t('content.detail.notReported')}</span>;
  return (
    <section className="content-detail" data-testid="content-detail" aria-label={t('content.detail.title')}>
      <h3>{t('content.detail.title')}</h3>
      <dl className="drawer-facts">
        <dt>{t('content.detail.channel')}</dt>
        <dd data-testid="content-channel">{t(`content.channel.${subject.channel ?? 'watched-folder'}`)}</dd>
        <dt>{t('content.detail.file')}</dt>
        <dd className="mono subject-path">{subject.path}</dd>
        <dt>{t('content.detail.size')}</dt>
        <dd data-testid="content-size">{subject.size !== undefined ? t('content.detail.sizeValue', { size: formatCount(subject.size, language) }) : notReported}</dd>
        <dt>{t('content.detail.sha256')}</dt>
        <dd className="mono" style={{ overflowWrap: 'anywhere' }} data-testid="content-sha256">
          {subject.sha256 ?? notReported}
        </dd>
        <dt>{t('content.detail.trigger')}</dt>
        <dd data-testid="content-trigger">{triggerText(event, subject, t)}</dd>
      </dl>
      <h4>{t('content.detail.detectors')}</h4>
      <DetectorBars matches={subject.matches} />
      <h4>{t('content.detail.samples')}</h4>
      {subject.samples.length === 0 ? (
        <p className="muted small">{t('content.detail.noSamples')}</p>
      ) : (
        <ul className="content-samples" data-testid="content-samples">
          {subject.samples.map((sample, index) => (
            <li key={`${index}-${sample}`} className="mono">
              {sample}
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">{t('content.detail.samplesNote')}</p>
    </section>
  );
}
