import { useEffect } from 'react';
import { AppHeader } from './components/app-header';
import { useI18n } from './i18n';
import { LoginPage } from './pages/Login/login-page';
import { DEFAULT_PATH, ROUTES, findRoute } from './routes';
import { navigate, useHashPath } from './router/hash-router';
import { useSession } from './session/session-context';

/** Chooses between sign-in, the signed-in shell with its pages, and the "cannot reach" screen. */
export function App() {
  const { state } = useSession();
  if (state.status === 'checking') return <SplashScreen />;
  if (state.status === 'unreachable') return <UnreachableScreen />;
  if (state.status === 'signed-out') return <LoginPage />;
  return <SignedInShell />;
}

function SignedInShell() {
  const path = useHashPath();
  const route = findRoute(path);
  useEffect(() => {
    if (!route) navigate(DEFAULT_PATH);
  }, [route]);
  return (
    <div className="app-shell">
      <AppHeader navItems={ROUTES} activePath={path} />
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
