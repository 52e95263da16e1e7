import { useState, type FormEvent } from 'react';
import { describeIssues, reportScheduleInput, type ReportFrequency, type ReportLanguage, type ReportSchedule, type ReportScheduleInput } from '@dlp/shared';
import { useApi } from '../../api';
import { useAction } from '../../hooks/use-action';
import { useI18n, type Language } from '../../i18n';
import { browserTimeZone } from '../../components/time-zone';
import { FormProblems } from '../../components/form-problems';

/** The schedule form's fields, as the inputs hold them. */
export interface ScheduleFields {
  name: string;
  frequency: ReportFrequency;
  weekday: string;
  timeOfDay: string;
  timeZone: string;
  language: ReportLanguage;
  deliveryKind: 'smtp' | 'folder';
  recipients: string;
  folder: string;
}

/** The console's schedule body from the form (checked with the console's schema before it is sent). */
export function toScheduleInput(form: ScheduleFields, enabled = true): ReportScheduleInput {
  return {
    name: form.name,
    enabled,
    frequency: form.frequency,
    weekday: form.frequency === 'weekly' ? Number(form.weekday) : null,
    timeOfDay: form.timeOfDay,
    timeZone: form.timeZone,
    language: form.language,
    delivery:
      form.deliveryKind === 'smtp'
        ? { kind: 'smtp', recipients: form.recipients.split(/[\s,;]+/).filter((r) => r !== '') }
        : { kind: 'folder', folder: form.folder },
  };
}

/** The form prefilled from a stored schedule, or a new schedule's defaults. */
export function scheduleFields(schedule: ReportSchedule | undefined, language: Language): ScheduleFields {
  if (schedule === undefined) {
    return { name: '', frequency: 'daily', weekday: '1', timeOfDay: '08:00', timeZone: browserTimeZone(), language, deliveryKind: 'smtp', recipients: '', folder: 'reports' };
  }
  const { delivery } = schedule;
  return {
    name: schedule.name,
    frequency: schedule.frequency,
    weekday: String(schedule.weekday ?? 1),
    timeOfDay: schedule.timeOfDay,
    timeZone: schedule.timeZone,
    language: schedule.language,
    deliveryKind: delivery.kind,
    recipients: delivery.kind === 'smtp' ? delivery.recipients.join(', ') : '',
    folder: delivery.kind === 'folder' ? delivery.folder : 'reports',
  };
}

/**
 * The admins' schedule form. Without `schedule` it adds one; with `schedule` it is prefilled and
 * replaces that schedule (PUT), keeping whether it is enabled. Wrong fields are named by path.
 */
export function ScheduleForm({ schedule, onSaved, onCancel }: { schedule?: ReportSchedule; onSaved(name: string): Promise<void> | void; onCancel?(): void }) {
  const { t, language } = useI18n();
  const api = useApi();
  const save = useAction();
  const [form, setForm] = useState<ScheduleFields>(() => scheduleFields(schedule, language));
  const [problem, setProblem] = useState<string | null>(null);
  const set = <K extends keyof ScheduleFields>(key: K, value: ScheduleFields[K]) => setForm({ ...form, [key]: value });
  const label = schedule === undefined ? t('schedules.add') : t('schedules.editForm');

  const submit = (formEvent: FormEvent<HTMLFormElement>) => {
    formEvent.preventDefault();
    const checked = reportScheduleInput.safeParse(toScheduleInput(form, schedule?.enabled ?? true));
    if (!checked.success) return setProblem(t('schedules.invalid', { issues: describeIssues(checked.error) }));
    setProblem(null);
    const body = checked.data;
    void save.run(async () => {
      const saved = schedule === undefined ? await api.reports.createSchedule(body) : await api.reports.updateSchedule(schedule.id, body);
      if (schedule === undefined) setForm({ ...form, name: '' });
      await onSaved(saved.schedule.name);
    });
  };

  return (
    <form className="filter-bar filter-form" onSubmit={submit} aria-label={label} noValidate>
      <FormProblems problem={problem} error={save.error} />
      <label className="inline-field">
        <span>{t('schedules.col.name')}</span>
        <input value={form.name} onChange={(e) => set('name', e.target.value)} maxLength={100} />
      </label>
      <label className="inline-field">
        <span>{t('schedules.frequency')}</span>
        <select value={form.frequency} onChange={(e) => set('frequency', e.target.value as ReportFrequency)}>
          <option value="daily">{t('schedules.daily')}</option>
          <option value="weekly">{t('schedules.weekly')}</option>
        </select>
      </label>
      {form.frequency === 'weekly' && (
        <label className="inline-field">
          <span>{t('schedules.weekdayLabel')}</span>
          <select value={form.weekday} onChange={(e) => set('weekday', e.target.value)}>
            {[1, 2, 3, 4, 5, 6, 7].map((day) => (
              <option key={day} value={day}>
                {t(`schedules.weekday.${day}` as 'schedules.weekday.1')}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="inline-field">
        <span>{t('schedules.time')}</span>
        <input type="time" value={form.timeOfDay} onChange={(e) => set('timeOfDay', e.target.value)} />
      </label>
      <label className="inline-field">
        <span>{t('schedules.timeZone')}</span>
        <input value={form.timeZone} onChange={(e) => set('timeZone', e.target.value)} />
      </label>
      <label className="inline-field">
        <span>{t('schedules.language')}</span>
        <select value={form.language} onChange={(e) => set('language', e.target.value as ReportLanguage)}>
          <option value="zh-CN">简体中文</option>
          <option value="en">English</option>
        </select>
      </label>
      <label className="inline-field">
        <span>{t('schedules.col.delivery')}</span>
        <select value={form.deliveryKind} onChange={(e) => set('deliveryKind', e.target.value as 'smtp' | 'folder')}>
          <option value="smtp">{t('schedules.smtp')}</option>
          <option value="folder">{t('schedules.folder')}</option>
        </select>
      </label>
      {form.deliveryKind === 'smtp' ? (
        <label className="inline-field">
          <span>{t('schedules.recipients')}</span>
          <input value={form.recipients} onChange={(e) => set('recipients', e.target.value)} placeholder="ciso@example.com, audit@example.com" />
        </label>
      ) : (
        <label className="inline-field">
          <span>{t('schedules.folderName')}</span>
          <input value={form.folder} onChange={(e) => set('folder', e.target.value)} />
        </label>
      )}
      <button type="submit" className="button button-primary" disabled={save.running}>
        {schedule === undefined ? t('schedules.add') : t('schedules.save')}
      </button>
      {onCancel && (
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      )}
    </form>
  );
}
