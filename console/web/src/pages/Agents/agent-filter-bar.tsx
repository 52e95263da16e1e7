import { useEffect, useState } from 'react';
import { AGENT_CONDITIONS, agentCondition, agentInfo, type GroupSummary } from '@dlp/shared';
import { EnumOptions } from '../../components/enum-options';
import { useI18n } from '../../i18n';
import { NO_AGENT_FILTERS, isFiltered, type AgentFilters } from './agent-filters';
import { OS_NAMES } from './os-names';

/** Typing pauses this long before the list asks the console again. */
const SEARCH_DELAY_MS = 250;

/**
 * Text search, state (a fleet-overview condition), group and OS. Every change goes to the address
 * through `onChange`: a choice as a new history entry (Back returns to the filters before), typing
 * in place (`replace`); `groups` is null when this reader may not list groups.
 */
export function AgentFilterBar({
  filters,
  groups,
  onChange,
}: {
  filters: AgentFilters;
  groups: readonly GroupSummary[] | null;
  onChange(next: AgentFilters, how?: 'replace'): void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState(filters.q);
  // The address may change under us (a count clicked, back button): follow it.
  useEffect(() => setText(filters.q), [filters.q]);
  useEffect(() => {
    if (text === filters.q) return;
    const timer = setTimeout(() => onChange({ ...filters, q: text }, 'replace'), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, filters, onChange]);

  return (
    <form className="filter-bar filter-form agent-filters" role="search" aria-label={t('fleet.filter.label')} onSubmit={(event) => event.preventDefault()}>
      <label>
        {t('fleet.filter.search')}
        <input type="search" aria-label={t('fleet.filter.search')} value={text} maxLength={200} onChange={(event) => setText(event.target.value)} />
      </label>
      <label>
        {t('fleet.filter.condition')}
        <select
          aria-label={t('fleet.filter.condition')}
          value={filters.condition ?? ''}
          onChange={(event) => {
            const parsed = agentCondition.safeParse(event.target.value);
            onChange({ ...filters, condition: parsed.success ? parsed.data : undefined });
          }}
        >
          <option value="">{t('fleet.filter.any')}</option>
          <EnumOptions options={AGENT_CONDITIONS} label={(condition) => t(`fleet.condition.${condition}`)} />
        </select>
      </label>
      {groups && (
        <label>
          {t('fleet.filter.group')}
          <select aria-label={t('fleet.filter.group')} value={filters.group} onChange={(event) => onChange({ ...filters, group: event.target.value })}>
            <option value="">{t('fleet.filter.any')}</option>
            {groups.map((group) => (
              <option key={group.id} value={group.id}>
                {group.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('fleet.filter.os')}
        <select
          aria-label={t('fleet.filter.os')}
          value={filters.os ?? ''}
          onChange={(event) => {
            const parsed = agentInfo.shape.os.safeParse(event.target.value);
            onChange({ ...filters, os: parsed.success ? parsed.data : undefined });
          }}
        >
          <option value="">{t('fleet.filter.any')}</option>
          <EnumOptions options={agentInfo.shape.os.options} label={(os) => OS_NAMES[os]} />
        </select>
      </label>
      {isFiltered(filters) && (
        <button type="button" className="button button-small" onClick={() => onChange({ ...NO_AGENT_FILTERS, sort: filters.sort, order: filters.order })}>
          {t('fleet.filter.clear')}
        </button>
      )}
    </form>
  );
}
