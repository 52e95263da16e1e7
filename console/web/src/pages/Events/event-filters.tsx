import { eventAction, eventType, type EventAction, type EventType } from '@dlp/shared';
import { useI18n } from '../../i18n';
import type { EventFilters } from './event-feed';
import { EnumOptions } from '../../components/enum-options';

/** Action and type pickers; "All" clears a filter. */
export function EventFilterBar({ filters, onChange }: { filters: EventFilters; onChange(next: EventFilters): void }) {
  const { t } = useI18n();
  return (
    <fieldset className="filter-bar">
      <legend className="visually-hidden">{t('events.filters')}</legend>
      <label className="inline-field">
        <span>{t('events.filter.action')}</span>
        <select
          value={filters.action ?? ''}
          onChange={(event) => onChange({ ...filters, action: event.target.value === '' ? null : (event.target.value as EventAction) })}
        >
          <option value="">{t('events.filter.all')}</option>
          <EnumOptions options={eventAction.options} label={(action) => t(`action.${action}`)} />
        </select>
      </label>
      <label className="inline-field">
        <span>{t('events.filter.type')}</span>
        <select
          value={filters.type ?? ''}
          onChange={(event) => onChange({ ...filters, type: event.target.value === '' ? null : (event.target.value as EventType) })}
        >
          <option value="">{t('events.filter.all')}</option>
          <EnumOptions options={eventType.options} label={(type) => t(`type.${type}`)} />
        </select>
      </label>
    </fieldset>
  );
}
