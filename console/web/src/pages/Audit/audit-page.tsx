import { useState, type FormEvent } from 'react';
import type { AuditEntry } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { NO_AUDIT_FILTERS, toAuditFilters, type AuditFilterInput } from './audit-filters';
import { AuditTable } from './audit-table';
import { ChainResultBanner, useChainVerification } from './chain-verification';

const PAGE_SIZE = 100;

/** The tamper-evident audit log: filter, page back, verify the hash chain, export as CSV (same filters). */
export function AuditPage() {
  const { t } = useI18n();
  const api = useApi();
  const [draft, setDraft] = useState<AuditFilterInput>(NO_AUDIT_FILTERS);
  const [applied, setApplied] = useState<AuditFilterInput>(NO_AUDIT_FILTERS);
  const filters = toAuditFilters(applied);
  const [older, setOlder] = useState<{ entries: AuditEntry[]; cursor: string | null } | null>(null);
  const first = useLoader(() => api.audit.list(filters, { limit: PAGE_SIZE }), JSON.stringify(filters));
  const more = useAction();
  const chain = useChainVerification();
  const entries = [...(first.data?.items ?? []), ...(older?.entries ?? [])];
  const cursor = older ? older.cursor : (first.data?.nextCursor ?? null);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setOlder(null);
    setApplied(draft);
  };
  const loadOlder = () =>
    more.run(async () => {
      if (!cursor) return;
      const page = await api.audit.list(filters, { cursor, limit: PAGE_SIZE });
      setOlder((previous) => ({ entries: [...(previous?.entries ?? []), ...page.items], cursor: page.nextCursor }));
    });
  const field = (name: keyof AuditFilterInput, type = 'text') => (
    <label className="inline-field">
      <span>{t(`audit.filter.${name}`)}</span>
      <input name={name} type={type} value={draft[name]} onChange={(event) => setDraft({ ...draft, [name]: event.target.value })} />
    </label>
  );

  return (
    <main className="page">
      <div className="page-heading">
        <div>
          <h1>{t('audit.title')}</h1>
          <p className="muted">{t('audit.subtitle')}</p>
        </div>
        <div className="form-actions">
          <button type="button" className="button" onClick={chain.verify} disabled={chain.action.running}>
            {chain.action.running ? t('audit.verifying') : t('audit.verify')}
          </button>
          <a className="button" href={api.audit.exportUrl(filters)} download>
            {t('audit.export')}
          </a>
        </div>
      </div>
      {chain.action.error !== null && <ErrorBanner error={chain.action.error} />}
      {chain.result && <ChainResultBanner result={chain.result} />}
      <form className="filter-bar filter-form" onSubmit={apply}>
        {field('actor')}
        {field('action')}
        {field('targetType')}
        {field('fromDate', 'date')}
        {field('toDate', 'date')}
        <button type="submit" className="button">
          {t('audit.apply')}
        </button>
      </form>
      {first.error !== null && <ErrorBanner error={first.error} onRetry={() => void first.reload()} />}
      {more.error !== null && <ErrorBanner error={more.error} />}
      {first.loading ? (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      ) : entries.length === 0 ? (
        <p className="empty-inline">{t('audit.empty')}</p>
      ) : (
        <AuditTable entries={entries} />
      )}
      {cursor && !first.loading && (
        <div className="table-footer">
          <button type="button" className="button" onClick={() => void loadOlder()} disabled={more.running}>
            {more.running ? t('common.loadingMore') : t('audit.older')}
          </button>
        </div>
      )}
    </main>
  );
}
