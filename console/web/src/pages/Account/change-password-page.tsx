import { useState } from 'react';
import { LanguageSwitch } from '../../components/language-switch';
import { ProductMark } from '../../components/product-mark';
import { useI18n } from '../../i18n';
import { useSession } from '../../session/session-context';
import { ChangePasswordForm } from './change-password-form';

/** The only screen a user sees while the console demands a new password (403 `password_expired`). */
export function ForcedPasswordChangeScreen() {
  const { t } = useI18n();
  const session = useSession();
  const user = session.state.status === 'signed-in' ? session.state.user : null;
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
        <h1>{t('password.forcedTitle')}</h1>
        <p className="muted">
          {user && <strong>{user.username}</strong>} {t('password.forcedIntro')}
        </p>
        <ChangePasswordForm />
        <button type="button" className="button button-link" onClick={() => void session.signOut().catch(() => undefined)}>
          {t('password.signOutInstead')}
        </button>
      </main>
    </div>
  );
}

/** "Change password" from the header, for every role. */
export function ChangePasswordPage() {
  const { t } = useI18n();
  const [changed, setChanged] = useState(false);
  return (
    <main className="page page-narrow">
      <div className="page-heading">
        <div>
          <h1>{t('password.title')}</h1>
          <p className="muted">{t('password.intro')}</p>
        </div>
      </div>
      {changed && (
        <div className="banner banner-success" role="status">
          {t('password.changed')}
        </div>
      )}
      <div className="card">
        <ChangePasswordForm onChanged={() => setChanged(true)} />
      </div>
    </main>
  );
}
