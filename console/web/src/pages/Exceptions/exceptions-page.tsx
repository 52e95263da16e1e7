import { useState } from 'react';
import { exceptionState, roleMay, type ExceptionState, type ExceptionView } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { EnumOptions } from '../../components/enum-options';
import { useLoader } from '../../hooks/use-loader';
import { useNow } from '../../hooks/use-now';
import { useI18n } from '../../i18n';
import { useCurrentUser } from '../../session/session-context';
import { DecisionDialog } from './decision-dialog';
import { ExceptionsTable, type DecisionKind } from './exceptions-table';
import { FileExceptionDialog } from './file-exception-dialog';
import { UnlockCodeDialog } from './unlock-code-dialog';

const PAGE_SIZE = 200;
const REFRESH_MS = 10_000;

/** The request queue (pending first by default) with decisions, and offline unlock codes. */
export function ExceptionsPage() {
  const { t } = useI18n();
  const api = useApi();
  const role = useCurrentUser()?.role;
  const canDecide = roleMay('exceptionDecisions', role);
  const [state, setState] = useState<ExceptionState | null>('pending');
  const [deciding, setDeciding] = useState<{ exception: ExceptionView; kind: DecisionKind } | null>(null);
  const [issuingCode, setIssuingCode] = useState(false);
  const [filing, setFiling] = useState(false);
  const now = useNow(15_000);
  const list = useLoader(() => api.exceptions.list({ state: state ?? undefined, limit: PAGE_SIZE }), state ?? 'all', REFRESH_MS);
  const items = list.data?.items ?? [];

  return (
    <main className="page">
      <div className="page-heading">
        <div>
          <h1>{t('exceptions.title')}</h1>
          <p className="muted">{t('exceptions.subtitle')}</p>
        </div>
        {canDecide && (
          <div>
            <button type="button" className="button" onClick={() => setFiling(true)}>
              {t('fileException.open')}
            </button>{' '}
            <button type="button" className="button button-primary" onClick={() => setIssuingCode(true)}>
              {t('unlock.open')}
            </button>
          </div>
        )}
      </div>
      {!canDecide && <p className="banner banner-info">{t('common.readOnly')}</p>}
      <div className="toolbar">
        <label className="inline-field">
          <span>{t('exceptions.filter.state')}</span>
          <select value={state ?? ''} onChange={(event) => setState(event.target.value === '' ? null : (event.target.value as ExceptionState))}>
            <option value="">{t('common.all')}</option>
            <EnumOptions options={exceptionState.options} label={(option) => t(`exceptions.state.${option}`)} />
          </select>
        </label>
        {list.data?.nextCursor && <span className="muted small">{t('exceptions.newestOnly', { count: PAGE_SIZE })}</span>}
      </div>
      {list.error !== null && <ErrorBanner error={list.error} onRetry={() => void list.reload()} />}
      {list.loading ? (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      ) : items.length === 0 ? (
        <p className="empty-inline">{t(state === 'pending' ? 'exceptions.emptyPending' : 'exceptions.empty')}</p>
      ) : (
        <ExceptionsTable exceptions={items} now={now} canDecide={canDecide} onDecide={(exception, kind) => setDeciding({ exception, kind })} />
      )}
      {deciding && (
        <DecisionDialog
          exception={deciding.exception}
          kind={deciding.kind}
          onClose={() => setDeciding(null)}
          onDecided={() => {
            setDeciding(null);
            void list.reload();
          }}
        />
      )}
      {issuingCode && <UnlockCodeDialog onClose={() => setIssuingCode(false)} />}
      {filing && (
        <FileExceptionDialog
          onClose={() => setFiling(false)}
          onFiled={() => {
            setFiling(false);
            // The new request is pending: show the queue it joined.
            if (state === 'pending') void list.reload();
            else setState('pending');
          }}
        />
      )}
    </main>
  );
}
