import { useState, type FormEvent } from 'react';
import { role as roleSchema, type Role } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { EnumOptions } from '../../components/enum-options';
import { useAction } from '../../hooks/use-action';
import { useI18n } from '../../i18n';
import { passwordRuleProblems } from '../../components/password-problems';

/** A new personal account; the initial password must be changed at the user's first sign-in. */
export function CreateUserForm({ onCreated }: { onCreated(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const create = useAction();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('officer');
  const [password, setPassword] = useState('');
  const [created, setCreated] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setCreated(null);
    if (username.trim() === '' || password === '') return;
    const ok = await create.run(() => api.users.create({ username: username.trim(), role, password }));
    if (ok) {
      setCreated(username.trim());
      setUsername('');
      setPassword('');
      onCreated();
    }
  };

  const ruleProblems = passwordRuleProblems(create.error, t);
  return (
    <section className="card section-gap" aria-labelledby="create-user-title">
      <h2 id="create-user-title">{t('users.create')}</h2>
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <label className="inline-field">
          <span>{t('users.username')}</span>
          <input name="new-username" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="inline-field">
          <span>{t('users.role')}</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <EnumOptions options={roleSchema.options} label={(option) => t(`role.${option}`)} />
          </select>
        </label>
        <label className="inline-field">
          <span>{t('users.initialPassword')}</span>
          <input name="initial-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" className="button button-primary" disabled={create.running || username.trim() === '' || password === ''}>
          {t('users.createButton')}
        </button>
      </form>
      <p className="muted small">{t('users.mustChangeHint')}</p>
      {ruleProblems ? (
        <div className="banner banner-error" role="alert">
          {ruleProblems.join(' ')}
        </div>
      ) : (
        create.error !== null && <ErrorBanner error={create.error} />
      )}
      {created && (
        <div className="banner banner-success" role="status">
          {t('users.created', { username: created })}
        </div>
      )}
    </section>
  );
}

