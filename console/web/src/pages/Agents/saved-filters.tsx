import { useState, type FormEvent } from 'react';
import { isApiRequestError, useApi } from '../../api';
import { describeError } from '../../components/error-message';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { MAX_SAVED_FILTERS, type SavedAgentFilter } from '@dlp/shared';
import { filterSetOf, filtersOfSet, sameFilters, type AgentFilters } from './agent-filters';

/**
 * The signed-in person's named filter sets, kept by the console per user: choosing one applies it
 * (a new history entry, so Back returns), the current filters can be saved under a name (the same
 * name replaces that set), and the set the table shows can be deleted.
 */
export function SavedFilters({ filters, onApply }: { filters: AgentFilters; onApply(next: AgentFilters): void }) {
  const { t } = useI18n();
  const api = useApi();
  const saved = useLoader(() => api.agents.savedFilters(), 'saved-filters');
  const action = useAction();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const items = saved.data ?? [];
  const shown = items.find((item) => sameFilters(filtersOfSet(item.filters), filters));
  const trimmed = name.trim();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (trimmed === '') return;
    const done = await action.run(async () => {
      await api.agents.saveFilter({ name: trimmed, filters: filterSetOf(filters) });
      await saved.reload();
    });
    if (done) {
      setNotice(t('savedFilters.saved', { name: trimmed }));
      setNaming(false);
      setName('');
    }
  };
  const remove = async (item: SavedAgentFilter) => {
    const done = await action.run(async () => {
      await api.agents.deleteFilter(item.id);
      await saved.reload();
    });
    if (done) setNotice(t('savedFilters.deleted', { name: item.name }));
  };
  const failure = action.error ?? saved.error;
  const full = isApiRequestError(failure) && failure.code === 'saved_filters_full';

  return (
    <div className="saved-filters" role="group" aria-label={t('savedFilters.label')}>
      <label>
        {t('savedFilters.label')}
        <select
          aria-label={t('savedFilters.label')}
          value={shown?.id ?? ''}
          disabled={items.length === 0}
          onChange={(event) => {
            const chosen = items.find((item) => item.id === event.target.value);
            setNotice(null);
            if (chosen) onApply(filtersOfSet(chosen.filters));
          }}
        >
          <option value="">{items.length === 0 ? t('savedFilters.none') : t('savedFilters.choose')}</option>
          {items.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
            </option>
          ))}
        </select>
      </label>
      {shown && (
        <button type="button" className="button button-small" disabled={action.running} onClick={() => void remove(shown)}>
          {t('savedFilters.delete', { name: shown.name })}
        </button>
      )}
      {naming ? (
        <form className="saved-filters-name" onSubmit={(event) => void save(event)}>
          <input
            type="text"
            aria-label={t('savedFilters.name')}
            placeholder={t('savedFilters.name')}
            value={name}
            maxLength={80}
            autoFocus
            onChange={(event) => setName(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setNaming(false);
            }}
          />
          {items.some((item) => item.name === trimmed) && <span className="muted small">{t('savedFilters.replaces')}</span>}
          <button type="submit" className="button button-small button-primary" disabled={trimmed === '' || action.running}>
            {t('savedFilters.confirmSave')}
          </button>
          <button type="button" className="button button-small" onClick={() => setNaming(false)}>
            {t('savedFilters.cancel')}
          </button>
        </form>
      ) : (
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            setNotice(null);
            action.clearError();
            setName(shown?.name ?? '');
            setNaming(true);
          }}
        >
          {t('savedFilters.save')}
        </button>
      )}
      {failure !== null && (
        <span className="saved-filters-error" role="alert">
          {full ? t('savedFilters.full', { max: MAX_SAVED_FILTERS }) : describeError(failure, t)}
        </span>
      )}
      {notice !== null && failure === null && (
        <span className="muted small" role="status">
          {notice}
        </span>
      )}
    </div>
  );
}
