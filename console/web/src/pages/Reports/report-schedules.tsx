import { useState, type FormEvent } from 'react';
import type { ReportFrequency, ReportLanguage, ReportScheduleInput } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { formatDateTime, useI18n } from '../../i18n';
import { browserTimeZone } from '../Events/search-filters';

interface ScheduleForm {
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

/** The console's schedule body from the form; the console validates it and names a wrong field. */
export function toScheduleInput(form: ScheduleForm): ReportScheduleInput {
  return {
    name: form.name,
    enabled: true,
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

/** Admins' scheduled reports: the list with the last run and failures, a form to add one, run now, delete. */
export function ReportSchedules() {
  const { t, language } = useI18n();
  const api = useApi();
  const list = useLoader(() => api.reports.schedules(), 'schedules');
  const action = useAction();
  const [form, setForm] = useState<ScheduleForm>({
    name: '',
    frequency: 'daily',
    weekday: '1',
    timeOfDay: '08:00',
    timeZone: browserTimeZone(),
    language,
    deliveryKind: 'smtp',
    recipients: '',
    folder: 'reports',
  });
  const set = <K extends keyof ScheduleForm>(key: K, value: ScheduleForm[K]) => setForm({ ...form, [key]: value });
  const submit = (formEvent: FormEvent<HTMLFormElement>) => {
    formEvent.preventDefault();
    void action.run(async () => {
      await api.reports.createSchedule(toScheduleInput(form));
      setForm({ ...form, name: '' });
      await list.reload();
    });
  };
  const act = (work: () => Promise<unknown>) => void action.run(async () => {
    await work();
    await list.reload();
  });

  return (
    <section className="report-schedules" aria-labelledby="report-schedules-title">
      <h2 id="report-schedules-title">{t('schedules.title')}</h2>
      <p className="muted">{t('schedules.subtitle')}</p>
      {list.error !== null && <ErrorBanner error={list.error} onRetry={() => void list.reload()} />}
      {action.error !== null && <ErrorBanner error={action.error} />}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('schedules.col.name')}</th>
                <th scope="col">{t('schedules.col.when')}</th>
                <th scope="col">{t('schedules.col.delivery')}</th>
                <th scope="col">{t('schedules.col.lastRun')}</th>
                <th scope="col">{t('schedules.col.failures')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {list.data.map(({ schedule, lastRun, failedAttempts }) => (
                <tr key={schedule.id}>
                  <td>{schedule.name}</td>
                  <td>
                    {schedule.frequency === 'weekly' ? t('schedules.weeklyAt', { day: t(`schedules.weekday.${schedule.weekday ?? 1}` as 'schedules.weekday.1'), time: schedule.timeOfDay }) : t('schedules.dailyAt', { time: schedule.timeOfDay })} ({schedule.timeZone})
                  </td>
                  <td>{schedule.delivery.kind === 'smtp' ? schedule.delivery.recipients.join(', ') : t('schedules.folderTarget', { folder: schedule.delivery.folder })}</td>
                  <td>
                    {lastRun ? `${t(`schedules.status.${lastRun.status}`)}${lastRun.deliveredAt ? ` · ${formatDateTime(lastRun.deliveredAt, language)}` : ''}` : t('common.none')}
                    {lastRun?.lastError && <div className="muted small">{lastRun.lastError}</div>}
                  </td>
                  <td>{failedAttempts}</td>
                  <td className="form-actions">
                    <button type="button" className="button button-small" disabled={action.running} onClick={() => act(() => api.reports.runNow(schedule.id))}>
                      {t('schedules.runNow')}
                    </button>
                    <button type="button" className="button button-small" disabled={action.running} onClick={() => act(() => api.reports.deleteSchedule(schedule.id))}>
                      {t('schedules.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="filter-bar filter-form" onSubmit={submit} aria-label={t('schedules.add')}>
        <label className="inline-field">
          <span>{t('schedules.col.name')}</span>
          <input value={form.name} onChange={(e) => set('name', e.target.value)} required maxLength={100} />
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
          <input type="time" value={form.timeOfDay} onChange={(e) => set('timeOfDay', e.target.value)} required />
        </label>
        <label className="inline-field">
          <span>{t('schedules.timeZone')}</span>
          <input value={form.timeZone} onChange={(e) => set('timeZone', e.target.value)} required />
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
        <button type="submit" className="button button-primary" disabled={action.running}>
          {t('schedules.add')}
        </button>
      </form>
    </section>
  );
}
