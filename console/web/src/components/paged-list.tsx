import type { ReactNode } from 'react';
import type { CursorPages } from '../hooks/use-cursor-pages';
import { useI18n } from '../i18n';
import { ErrorBanner } from './error-banner';

/**
 * The states of a cursor-paged list: errors of the first page (with retry) and of "load older",
 * loading, empty, the items (rendered by `children`), and the "load older" footer while there is
 * an older page.
 */
export function PagedList<T>({ pages, empty, olderLabel, children }: { pages: CursorPages<T>; empty: string; olderLabel: string; children(items: T[]): ReactNode }) {
  const { t } = useI18n();
  const { first, more } = pages;
  return (
    <>
      {first.error !== null && <ErrorBanner error={first.error} onRetry={() => void first.reload()} />}
      {more.error !== null && <ErrorBanner error={more.error} />}
      {first.loading ? (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      ) : pages.items.length === 0 ? (
        <p className="empty-inline">{empty}</p>
      ) : (
        children(pages.items)
      )}
      {pages.cursor && !first.loading && (
        <div className="table-footer">
          <button type="button" className="button" onClick={() => void pages.loadOlder()} disabled={more.running}>
            {more.running ? t('common.loadingMore') : olderLabel}
          </button>
        </div>
      )}
    </>
  );
}
