import { useState } from 'react';
import type { MessageKey } from '../i18n';
import { useI18n } from '../i18n';
import { hrefFor } from '../router/hash-router';
import { useSession } from '../session/session-context';
import { describeError } from './error-message';
import { LanguageSwitch } from './language-switch';
import { ProductMark } from './product-mark';

/** The account page every role reaches from the header. */
export const CHANGE_PASSWORD_PATH = '/account/password';

/** One entry of the main navigation. */
export interface NavItem {
  path: string;
  labelKey: MessageKey;
}

/** Product name, navigation, the signed-in user with their role, language switch, password change and sign-out. */
export function AppHeader({ navItems, activePath }: { navItems: readonly NavItem[]; activePath: string }) {
  const { t } = useI18n();
  const session = useSession();
  const [signOutError, setSignOutError] = useState<unknown>(null);
  const [signingOut, setSigningOut] = useState(false);
  const user = session.state.status === 'signed-in' ? session.state.user : null;

  const signOut = async () => {
    setSigningOut(true);
    setSignOutError(null);
    try {
      await session.signOut();
    } catch (error) {
      setSignOutError(error);
      setSigningOut(false);
    }
  };

  return (
    <header className="app-header">
      <div className="app-header-inner">
        <a className="brand" href={hrefFor(navItems[0]?.path ?? '/')}>
          <ProductMark />
          <span>{t('app.productName')}</span>
        </a>
        <nav aria-label={t('nav.label')} className="main-nav">
          {navItems.map((item) => (
            <a key={item.path} href={hrefFor(item.path)} aria-current={activePath === item.path || activePath.startsWith(`${item.path}/`) ? 'page' : undefined}>
              {t(item.labelKey)}
            </a>
          ))}
        </nav>
        <div className="header-tools">
          {user && (
            <span className="user-chip" title={t('header.userLabel', { username: user.username, role: t(`role.${user.role}`) })}>
              <span className="user-name">{user.username}</span>
              <span className="user-role">{t(`role.${user.role}`)}</span>
            </span>
          )}
          <LanguageSwitch />
          {user && (
            <a className="button button-ghost" href={hrefFor(CHANGE_PASSWORD_PATH)} aria-current={activePath === CHANGE_PASSWORD_PATH ? 'page' : undefined}>
              {t('nav.changePassword')}
            </a>
          )}
          {user && (
            <button type="button" className="button button-ghost" onClick={() => void signOut()} disabled={signingOut}>
              {t('header.logout')}
            </button>
          )}
        </div>
      </div>
      {signOutError !== null && (
        <div className="banner banner-error header-banner" role="alert">
          {t('header.logoutFailed', { reason: describeError(signOutError, t) })}
        </div>
      )}
    </header>
  );
}
