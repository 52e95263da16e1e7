import { useEffect, useState, type FormEvent } from 'react';
import { consoleSettings, type ConsoleSettings } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';

/** What the form offers when rotation is first switched on: a common quarterly rotation. */
const SUGGESTED_DAYS = 90;

/**
 * Forced password rotation (`passwordMaxAgeDays`): off, or every N days (1–3650). A password older
 * than that must be changed before its owner can do anything else, from their next request on.
 */
export function PasswordRotationSection() {
  const { t } = useI18n();
  const api = useApi();
  const loaded = useLoader(() => api.settings.get(), 'settings');
  const save = useAction();
  const [enabled, setEnabled] = useState(false);
  const [days, setDays] = useState(String(SUGGESTED_DAYS));
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<ConsoleSettings | null>(null);
  const current = saved ?? loaded.data;

  // Fill the form from the console once it answers.
  useEffect(() => {
    if (!loaded.data) return;
    setEnabled(loaded.data.passwordMaxAgeDays !== null);
    if (loaded.data.passwordMaxAgeDays !== null) setDays(String(loaded.data.passwordMaxAgeDays));
  }, [loaded.data]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(null);
    // The console's own schema: the same range check, worded here before anything is sent.
    const parsed = consoleSettings.safeParse({ passwordMaxAgeDays: enabled ? Number(days) : null });
    if (!parsed.success || days.trim() === '') return setProblem(t('settings.rotation.invalid'));
    setProblem(null);
    await save.run(async () => setSaved(await api.settings.update(parsed.data)));
  };

  return (
    <section className="card" aria-labelledby="rotation-title">
      <h2 id="rotation-title">{t('settings.rotation.title')}</h2>
      <p className="muted small">{t('settings.rotation.intro')}</p>
      {loaded.error !== null && <ErrorBanner error={loaded.error} onRetry={() => void loaded.reload()} />}
      {save.error !== null && <ErrorBanner error={save.error} />}
      {problem && (
        <div className="banner banner-error" role="alert">
          {problem}
        </div>
      )}
      {saved && (
        <p className="banner banner-success" role="status">
          {t('settings.saved')}
        </p>
      )}
      {current && (
        <p data-testid="rotation-current">
          {current.passwordMaxAgeDays === null ? t('settings.rotation.currentOff') : t('settings.rotation.currentOn', { days: current.passwordMaxAgeDays })}
        </p>
      )}
      {loaded.loading ? (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      ) : (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <label className="checkbox-field">
            <input type="checkbox" name="rotation-enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            <span>{t('settings.rotation.enable')}</span>
          </label>
          <label className="field">
            <span>{t('settings.rotation.days')}</span>
            <input type="number" name="rotation-days" min={1} max={3650} value={days} disabled={!enabled} onChange={(e) => setDays(e.target.value)} />
            <span className="muted small">{t('settings.rotation.daysHint')}</span>
          </label>
          <div className="form-actions form-actions-start">
            <button type="submit" className="button button-primary" disabled={save.running}>
              {save.running ? t('common.working') : t('settings.save')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
