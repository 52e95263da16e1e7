import { useState, type FormEvent } from 'react';
import { roleMay } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { useCurrentUser } from '../../session/session-context';
import { EnrollSecretsSection } from './enroll-secrets-section';
import { PendingEnrollmentsSection } from './pending-enrollments-section';
import { GroupsTable } from './groups-table';

const REFRESH_MS = 10_000;

/** Groups with their policy and rollout progress; admins assign policies, create groups and enroll secrets. */
export function GroupsPage() {
  const { t } = useI18n();
  const api = useApi();
  const isAdmin = roleMay('administration', useCurrentUser()?.role);
  const data = useLoader(
    async () => {
      const [groups, rollout, policies] = await Promise.all([api.groups.list(), api.groups.rollout(), api.policies.list()]);
      return { groups, rollout, policies };
    },
    'groups',
    REFRESH_MS,
  );
  const create = useAction();
  const [name, setName] = useState('');

  const createGroup = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (name.trim() === '') return;
    if (await create.run(() => api.groups.create(name.trim()))) {
      setName('');
      await data.reload();
    }
  };

  return (
    <main className="page">
      <div className="page-heading">
        <div>
          <h1>{t('groups.title')}</h1>
          <p className="muted">{t('groups.subtitle')}</p>
        </div>
        {isAdmin && (
          <form className="inline-form" onSubmit={(event) => void createGroup(event)}>
            <label className="inline-field">
              <span>{t('groups.newName')}</span>
              <input name="group-name" value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <button type="submit" className="button button-primary" disabled={create.running || name.trim() === ''}>
              {t('groups.create')}
            </button>
          </form>
        )}
      </div>
      {!isAdmin && <p className="banner banner-info">{t('common.readOnly')}</p>}
      {create.error !== null && <ErrorBanner error={create.error} />}
      {data.error !== null && <ErrorBanner error={data.error} onRetry={() => void data.reload()} />}
      {data.loading ? (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      ) : (
        data.data && <GroupsTable groups={data.data.groups} rollout={data.data.rollout} policies={data.data.policies} canAssign={isAdmin} onChanged={() => void data.reload()} />
      )}
      {isAdmin && data.data && <EnrollSecretsSection groups={data.data.groups} />}
      {isAdmin && <PendingEnrollmentsSection />}
    </main>
  );
}
