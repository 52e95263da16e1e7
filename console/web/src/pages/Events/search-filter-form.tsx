import type { FormEvent } from 'react';
import { eventAction, eventType, severity as severities, triageState, type GroupName } from '@dlp/shared';
import { EnumOptions } from '../../components/enum-options';
import { useI18n, type MessageKey } from '../../i18n';
import { RANGE_PRESETS, type RangePreset } from './search-range';
import type { SearchFormInput } from './search-filters';

const SELECTS: Record<'type' | 'action' | 'severity' | 'triageState', { options: readonly string[]; prefix: string }> = {
  type: { options: eventType.options, prefix: 'type' },
  action: { options: eventAction.options, prefix: 'action' },
  severity: { options: severities.options, prefix: 'severity' },
  triageState: { options: triageState.options, prefix: 'triage.state' },
};

export interface SearchFilterFormProps {
  draft: SearchFormInput;
  /** The preset the form shows as chosen (null: the exact From/To apply). */
  preset: RangePreset | null;
  /** A field typed into; a typed From or To drops the preset. */
  onDraft(next: SearchFormInput, preset: RangePreset | null): void;
  /** A preset clicked: it applies at once, with the form's other fields. */
  onPreset(preset: RangePreset): void;
  onSubmit(formEvent: FormEvent<HTMLFormElement>): void;
  /** The groups to pick from (null while they load or when they could not be read: a chip then). */
  groups: readonly GroupName[] | null;
}

/** Every filter of the search: time presets, exact From/To, and the event's fields. */
export function SearchFilterForm({ draft, preset, onDraft, onPreset, onSubmit, groups }: SearchFilterFormProps) {
  const { t } = useI18n();
  const change = (name: keyof SearchFormInput, value: string) => onDraft({ ...draft, [name]: value }, name === 'from' || name === 'to' ? null : preset);
  // aria-label: the field's name alone (a wrapping label would add the chosen option's text).
  const text = (name: keyof SearchFormInput, type = 'text') => (
    <label className="inline-field">
      <span>{t(`search.filter.${name}` as MessageKey)}</span>
      <input name={name} type={type} aria-label={t(`search.filter.${name}` as MessageKey)} value={draft[name]} onChange={(event) => change(name, event.target.value)} />
    </label>
  );
  const select = (name: keyof typeof SELECTS) => (
    <label className="inline-field">
      <span>{t(`search.filter.${name}` as MessageKey)}</span>
      <select name={name} aria-label={t(`search.filter.${name}` as MessageKey)} value={draft[name]} onChange={(event) => change(name, event.target.value)}>
        <option value="">{t('events.filter.all')}</option>
        <EnumOptions options={SELECTS[name].options} label={(option) => t(`${SELECTS[name].prefix}.${option}` as MessageKey)} />
      </select>
    </label>
  );

  return (
    <form className="filter-bar filter-form" onSubmit={onSubmit} aria-label={t('events.filters')}>
      <div className="range-presets" role="group" aria-label={t('search.range.label')}>
        {RANGE_PRESETS.map((option) => (
          <button key={option} type="button" className="range-preset" data-range={option} aria-pressed={preset === option} onClick={() => onPreset(option)}>
            {t(`search.range.${option}`)}
          </button>
        ))}
      </div>
      {text('from', 'datetime-local')}
      {text('to', 'datetime-local')}
      {text('agentId')}
      {text('host')}
      {text('user')}
      {select('type')}
      {select('action')}
      {select('severity')}
      {select('triageState')}
      {text('ruleId')}
      {text('device')}
      {text('deviceSerial')}
      {text('sha256')}
      {text('q', 'search')}
      {groups !== null ? (
        <label className="inline-field">
          <span>{t('search.filter.group')}</span>
          <select name="groupId" aria-label={t('search.filter.group')} value={draft.groupId} onChange={(event) => change('groupId', event.target.value)}>
            <option value="">{t('events.filter.all')}</option>
            {groups.map((group) => (
              <option key={group.id} value={group.id}>
                {group.name}
              </option>
            ))}
            {/* A link may name a group deleted since: it stays choosable, by its id. */}
            {draft.groupId !== '' && !groups.some((group) => group.id === draft.groupId) && <option value={draft.groupId}>{t('search.filter.groupId', { group: draft.groupId })}</option>}
          </select>
        </label>
      ) : (
        draft.groupId !== '' && (
          <span className="filter-chip" data-filter="groupId">
            {t('search.filter.groupId', { group: draft.groupId })}{' '}
            <button type="button" className="button-link" aria-label={t('search.filter.clearGroup')} onClick={() => change('groupId', '')}>
              ×
            </button>
          </span>
        )
      )}
      <button type="submit" className="button">
        {t('search.apply')}
      </button>
    </form>
  );
}
