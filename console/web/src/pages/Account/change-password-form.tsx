import { useState, type FormEvent } from 'react';
import { useApi } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session/session-context';
import { passwordProblems } from '../../components/password-problems';

/**
 * Current password, new password twice. On success the session is told (a forced change then opens
 * the console); on refusal every broken rule is listed in the reader's language and the new
 * password fields are cleared.
 */
export function ChangePasswordForm({ onChanged }: { onChanged?: () => void }) {
  const { t } = useI18n();
  const api = useApi();
  const session = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!current || !next) return setProblems([t('password.missing')]);
    if (next !== confirm) return setProblems([t('password.mismatch')]);
    setSubmitting(true);
    setProblems([]);
    try {
      await api.auth.changePassword({ currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setConfirm('');
      session.passwordChanged();
      onChanged?.();
    } catch (error) {
      setProblems(passwordProblems(error, t));
      setNext('');
      setConfirm('');
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form method="post" onSubmit={(event) => void submit(event)} noValidate className="password-form">
      {problems.length > 0 && (
        <div className="banner banner-error" role="alert">
          {problems.length === 1 ? (
            <span>{problems[0]}</span>
          ) : (
            <ul className="problem-list">
              {problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <label className="field">
        <span>{t('password.current')}</span>
        <input name="current-password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} autoFocus />
      </label>
      <label className="field">
        <span>{t('password.new')}</span>
        <input name="new-password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} aria-describedby="password-rules" />
      </label>
      <label className="field">
        <span>{t('password.confirm')}</span>
        <input name="confirm-password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
      </label>
      <p id="password-rules" className="muted small">
        {t('password.rules')}
      </p>
      <button type="submit" className="button button-primary button-block" disabled={submitting}>
        {submitting ? t('password.submitting') : t('password.submit')}
      </button>
    </form>
  );
}
