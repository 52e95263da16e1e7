import type { TrayFailure } from '../../common/tray-api';
import { failureSentence } from '../text/failure-text';
import { useTexts } from '../text/texts';

/** A failed call in one sentence, with a retry button when retrying makes sense. */
export function FailureLine({ failure, onRetry }: { failure: TrayFailure; onRetry?: () => void }) {
  const texts = useTexts();
  return (
    <div className="message message--failure" role="alert">
      <p>{failureSentence(failure, texts)}</p>
      {onRetry && (
        <button type="button" className="button button--quiet" onClick={onRetry}>
          {texts.page.retry}
        </button>
      )}
    </div>
  );
}

/** Shown while the first answer is on its way. */
export function Loading() {
  return <p className="muted" role="status">{useTexts().page.loading}</p>;
}
