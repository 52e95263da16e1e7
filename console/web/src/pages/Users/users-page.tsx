import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { ApiTokensSection } from './api-tokens-section';
import { CreateUserForm } from './create-user-form';
import { UsersTable } from './users-table';

/** Personal accounts (create, change role, disable) and API tokens for automation. Admins only. */
export function UsersPage() {
  const { t } = useI18n();
  const api = useApi();
  const users = useLoader(() => api.users.list(), 'users');
  return (
    <main className="page">
      <div className="page-heading">
        <div>
          <h1>{t('users.title')}</h1>
          <p className="muted">{t('users.subtitle')}</p>
        </div>
      </div>
      <CreateUserForm onCreated={() => void users.reload()} />
      {users.error !== null && <ErrorBanner error={users.error} onRetry={() => void users.reload()} />}
      {users.loading ? (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      ) : (
        users.data && <UsersTable users={users.data} onChanged={() => void users.reload()} />
      )}
      <ApiTokensSection />
    </main>
  );
}
