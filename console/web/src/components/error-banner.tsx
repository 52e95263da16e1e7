import { useI18n } from '../i18n';
import { describeError } from './error-message';

/** A visible, announced error with an optional retry button. */
export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="banner banner-error" role="alert">
      <span>{describeError(error, t)}</span>
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
