import { useEffect } from 'react';
import type { CurrentUser } from '@dlp/shared';
import { AppHeader } from './components/app-header';
import { useI18n } from './i18n';
import { ForcedPasswordChangeScreen } from './pages/Account/change-password-page';
import { LoginPage } from './pages/Login/login-page';
import { findRoute, landingPathFor, routesFor } from './routes';
import { navigate, useHashPath } from './router/hash-router';
import { useSession } from './session/session-context';

/** Chooses between sign-in, a required password change, the signed-in shell, and "cannot reach". */
export function App() {
  const { state } = useSession();
  if (state.status === 'checking') return <SplashScreen />;
  if (state.status === 'unreachable') return <UnreachableScreen />;
  if (state.status === 'signed-out') return <LoginPage />;
  if (state.mustChangePassword) return <ForcedPasswordChangeScreen />;
  return <SignedInShell user={state.user} />;
}

function SignedInShell({ user }: { user: CurrentUser }) {
  const path = useHashPath();
  const routes = routesFor(user.role);
  const route = findRoute(routes, path);
  useEffect(() => {
    if (!route) navigate(landingPathFor(user.role));
  }, [route, user.role]);
  return (
    <div className="app-shell">
      <AppHeader navItems={routes.filter((item) => !item.hiddenFromNav)} activePath={path} />
      {route && <route.Page key={route.path} />}
    </div>
  );
}

function SplashScreen() {
  const { t } = useI18n();
  return (
    <p className="splash muted" role="status">
      {t('app.loading')}
    </p>
  );
}

function UnreachableScreen() {
  const { t } = useI18n();
  const { recheck } = useSession();
  return (
    <main className="splash">
      <h1>{t('app.unreachable.title')}</h1>
      <p className="muted">{t('app.unreachable.body')}</p>
      <button type="button" className="button button-primary" onClick={recheck}>
        {t('common.retry')}
      </button>
    </main>
  );
}
