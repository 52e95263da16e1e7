import { useState, type FormEvent } from 'react';
import { TRIAGE_BULK_MAX, triageState as triageStates, type TriageBulkResult, type TriageState } from '@dlp/shared';
import { useApi } from '../../api';
import { describeError } from '../../components/error-message';
import { EnumOptions } from '../../components/enum-options';
import { formatCount, useI18n } from '../../i18n';
import type { EventRef } from '../../router/event-search-link';
import { chunksOf } from './search-selection';

interface Outcome {
  tone: 'success' | 'error';
  text: string;
}

/**
 * Sets one state and/or note on every ticked event. Each request carries at most TRIAGE_BULK_MAX
 * events (the console's cap; each request is one audited change); rows update as each one returns.
 */
export function BulkTriageBar({ selected, onChanged, onClear }: { selected: readonly EventRef[]; onChanged(result: TriageBulkResult): void; onClear(): void }) {
  const { t, language } = useI18n();
  const api = useApi();
  const [state, setState] = useState<TriageState | ''>('');
  const [note, setNote] = useState('');
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const count = (n: number) => formatCount(n, language);

  const apply = async (formEvent: FormEvent<HTMLFormElement>) => {
    formEvent.preventDefault();
    const total = selected.length;
    let done = 0;
    setOutcome(null);
    setProgress({ done, total });
    try {
      for (const events of chunksOf(selected, TRIAGE_BULK_MAX)) {
        const result = await api.triage.bulkUpdate({ events, ...(state !== '' ? { state } : {}), ...(note.trim() !== '' ? { note: note.trim() } : {}) });
        done += events.length;
        setProgress({ done, total });
        onChanged(result);
      }
      setOutcome({ tone: 'success', text: t('search.bulk.done', { count: count(total) }) });
      setState('');
      setNote('');
      onClear();
    } catch (failure) {
      const reason = describeError(failure, t);
      setOutcome({ tone: 'error', text: done > 0 ? t('search.bulk.partial', { done: count(done), total: count(total), reason }) : reason });
    } finally {
      setProgress(null);
    }
  };

  const nothingToSet = state === '' && note.trim() === '';
  return (
    <div className="bulk-area">
      {selected.length > 0 && (
        <form className="bulk-bar" aria-label={t('search.bulk.region')} onSubmit={(formEvent) => void apply(formEvent)}>
          <strong className="bulk-count" data-testid="bulk-selected">
            {t('search.bulk.selected', { count: count(selected.length) })}
          </strong>
          <label className="inline-field">
            <span>{t('search.bulk.state')}</span>
            <select aria-label={t('search.bulk.state')} value={state} onChange={(change) => setState(change.target.value as TriageState | '')}>
              <option value="">{t('search.bulk.keepState')}</option>
              <EnumOptions options={triageStates.options} label={(option) => t(`triage.state.${option}`)} />
            </select>
          </label>
          <label className="inline-field bulk-note">
            <span>{t('search.bulk.note')}</span>
            <input aria-label={t('search.bulk.note')} value={note} maxLength={2000} onChange={(change) => setNote(change.target.value)} />
          </label>
          <button type="submit" className="button button-primary" disabled={progress !== null || nothingToSet}>
            {progress ? t('search.bulk.applying', { done: count(progress.done), total: count(progress.total) }) : t('search.bulk.apply', { count: count(selected.length) })}
          </button>
          <button type="button" className="button" onClick={onClear} disabled={progress !== null}>
            {t('search.bulk.clear')}
          </button>
        </form>
      )}
      {outcome && (
        <div className={`bulk-outcome banner ${outcome.tone === 'error' ? 'banner-error' : 'banner-success'}`} role={outcome.tone === 'error' ? 'alert' : 'status'}>
          <span>{outcome.text}</span>
          <button type="button" className="button button-small" onClick={() => setOutcome(null)}>
            {t('common.close')}
          </button>
        </div>
      )}
    </div>
  );
}
