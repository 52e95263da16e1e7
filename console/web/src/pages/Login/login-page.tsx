import { useRef, useState, type FormEvent } from 'react';
import { isApiRequestError, isUnreachable, useApi } from '../../api';
import { LanguageSwitch } from '../../components/language-switch';
import { ProductMark } from '../../components/product-mark';
import { useI18n, type I18n } from '../../i18n';
import { useSession } from '../../session/session-context';

/**
 * Sign-in form. The password only ever travels in the POST body (never a URL) and is cleared after
 * a failed attempt; errors say what went wrong in terms a person can act on.
 */
export function LoginPage() {
  const { t } = useI18n();
  const api = useApi();
  const session = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const passwordInput = useRef<HTMLInputElement>(null);
  const expired = session.state.status === 'signed-out' && session.state.expired;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!username.trim() || !password) {
      setProblem(t('login.missingFields'));
      return;
    }
    setSubmitting(true);
    setProblem(null);
    try {
      const user = await api.auth.login({ username: username.trim(), password });
      session.signedIn(user);
    } catch (error) {
      setProblem(loginProblem(error, t));
      setPassword('');
      setSubmitting(false);
      passwordInput.current?.focus();
    }
  };

  return (
    <div className="login-screen">
      <div className="login-language">
        <LanguageSwitch />
      </div>
      <main className="login-card">
        <div className="login-brand">
          <ProductMark />
          <span>{t('app.productName')}</span>
        </div>
        <h1>{t('login.title')}</h1>
        <p className="muted">{t('login.subtitle')}</p>
        {expired && !problem && (
          <div className="banner banner-info" role="status">
            {t('error.sessionExpired')}
          </div>
        )}
        {problem && (
          <div className="banner banner-error" role="alert">
            {problem}
          </div>
        )}
        {/* method=post keeps credentials out of the URL even if the script never ran. */}
        <form method="post" onSubmit={(event) => void submit(event)} noValidate>
          <label className="field">
            <span>{t('login.username')}</span>
            <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
          </label>
          <label className="field">
            <span>{t('login.password')}</span>
            <input
              ref={passwordInput}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <button type="submit" className="button button-primary button-block" disabled={submitting}>
            {submitting ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}

function loginProblem(error: unknown, t: I18n['t']): string {
  if (!isApiRequestError(error)) return t('login.failed', { message: String(error) });
  if (isUnreachable(error)) return t('login.network');
  if (error.code === 'missing_fields') return t('login.missingFields');
  if (error.status === 401 || error.code === 'invalid_credentials') return t('login.invalidCredentials');
  if (error.status === 429) return t('login.rateLimited');
  if (error.kind === 'invalid_response') return t('error.invalidResponse');
  return t('login.failed', { message: error.message });
}
