import { useState } from 'react';
import type { ReportSchedule } from '@dlp/shared';
import { useApi } from '../../api';
import { Dialog } from '../../components/dialog';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { formatDateTime, useI18n } from '../../i18n';
import { ScheduleForm } from './schedule-form';

/** Admins' scheduled reports: the list with the last run and failures, a form to add one, edit, run now, delete. */
export function ReportSchedules() {
  const { t, language } = useI18n();
  const api = useApi();
  const list = useLoader(() => api.reports.schedules(), 'schedules');
  const action = useAction();
  const [editing, setEditing] = useState<ReportSchedule | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
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
      {saved !== null && (
        <p className="banner banner-success" role="status">
          {t('schedules.saved', { name: saved })}
        </p>
      )}
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
                    <button type="button" className="button button-small" disabled={action.running} onClick={() => setEditing(schedule)}>
                      {t('schedules.edit')}
                    </button>
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
      <ScheduleForm onSaved={() => list.reload()} />
      {editing && (
        <Dialog title={t('schedules.editTitle', { name: editing.name })} onClose={() => setEditing(null)} wide>
          <ScheduleForm
            key={editing.id}
            schedule={editing}
            onCancel={() => setEditing(null)}
            onSaved={async (name) => {
              setEditing(null);
              setSaved(name);
              await list.reload();
            }}
          />
        </Dialog>
      )}
    </section>
  );
}
