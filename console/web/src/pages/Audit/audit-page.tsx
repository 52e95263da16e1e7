import { useState, type FormEvent } from 'react';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { PagedList } from '../../components/paged-list';
import { useCursorPages } from '../../hooks/use-cursor-pages';
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
  const pages = useCursorPages((page) => api.audit.list(filters, page), JSON.stringify(filters), PAGE_SIZE);
  const chain = useChainVerification();

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    pages.reset();
    setApplied(draft);
  };
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
      <PagedList pages={pages} empty={t('audit.empty')} olderLabel={t('audit.older')}>
        {(entries) => <AuditTable entries={entries} />}
      </PagedList>
    </main>
  );
}
