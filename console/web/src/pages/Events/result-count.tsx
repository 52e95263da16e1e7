import type { TriageCount } from '@dlp/shared';
import type { Loaded } from '../../hooks/use-loader';
import { formatCount, useI18n } from '../../i18n';

/**
 * How many events the search finds: exact when the console could count them all cheaply, else
 * "≥ N" (it stopped at N), with how many rows are loaded beside it.
 */
export function ResultCount({ count, shown }: { count: Loaded<TriageCount>; shown: number }) {
  const { t, language } = useI18n();
  const n = (value: number) => formatCount(value, language);
  const answer = count.data;
  let text: string;
  let title: string | undefined;
  if (answer === null) text = count.error !== null ? t('search.count.unknown') : t('search.count.counting');
  else if (answer.exact) text = t('search.count.exact', { count: n(answer.count) });
  else if (answer.count === 0) text = t('search.count.unknown');
  else {
    text = t('search.count.atLeast', { count: n(answer.count) });
    title = t('search.count.atLeastHint', { count: n(answer.count) });
  }
  return (
    <p className="result-count" role="status">
      <strong data-testid="result-count" title={title}>
        {text}
      </strong>
      <span className="muted"> · {t('search.count.shown', { count: n(shown) })}</span>
    </p>
  );
}
