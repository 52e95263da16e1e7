import { formatMinutes } from '../../components/duration';
import { useI18n } from '../../i18n';

/** Durations offered for codes and requests (minutes); the console allows up to 30 days. */
export const DURATION_CHOICES = [60, 4 * 60, 8 * 60, 24 * 60, 3 * 24 * 60, 7 * 24 * 60, 30 * 24 * 60] as const;

/** A labelled select over {@link DURATION_CHOICES}, each shown as "8 hours", "3 days"… */
export function DurationSelect({ label, value, onChange }: { label: string; value: string; onChange(minutes: string): void }) {
  const { t } = useI18n();
  return (
    <label className="field">
      <span>{label}</span>
      <select name="duration" value={value} onChange={(e) => onChange(e.target.value)}>
        {DURATION_CHOICES.map((minutes) => (
          <option key={minutes} value={minutes}>
            {formatMinutes(minutes, t)}
          </option>
        ))}
      </select>
    </label>
  );
}
