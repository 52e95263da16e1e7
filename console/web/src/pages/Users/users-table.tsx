import { useState } from 'react';
import { role as roleSchema, type Role, type UpdateUserRequest, type UserSummary } from '@dlp/shared';
import { useApi } from '../../api';
import { Badge } from '../../components/badges';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorBanner } from '../../components/error-banner';
import { EnumOptions } from '../../components/enum-options';
import { useAction } from '../../hooks/use-action';
import { useI18n } from '../../i18n';
import { useCurrentUser } from '../../session/session-context';
import { LocalTime } from '../../components/local-time';

/** Users with their state; admins change roles and disable or re-enable accounts here. */
export function UsersTable({ users, onChanged }: { users: readonly UserSummary[]; onChanged(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const me = useCurrentUser();
  const update = useAction();

  // A role picked in a user's select waits here until the admin confirms (the select keeps the current one).
  const [pendingRole, setPendingRole] = useState<{ user: UserSummary; role: Role } | null>(null);

  const change = async (user: UserSummary, changes: UpdateUserRequest) => {
    if (await update.run(() => api.users.update(user.id, changes))) {
      setPendingRole(null);
      onChanged();
    }
  };

  const askRole = (user: UserSummary, role: Role) => {
    if (role === user.role) return;
    update.clearError();
    setPendingRole({ user, role });
  };

  return (
    <>
      {update.error !== null && pendingRole === null && <ErrorBanner error={update.error} />}
      <div className="table-wrap">
        <table className="data-table users-table">
          <thead>
            <tr>
              <th scope="col">{t('users.username')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.state')}</th>
              <th scope="col">{t('users.passwordChanged')}</th>
              <th scope="col">{t('users.createdAt')}</th>
              <th scope="col">{t('exceptions.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id} data-username={user.username} className={user.disabled ? 'row-revoked' : undefined}>
                <th scope="row">
                  {user.username} {user.id === me?.id && <span className="muted small">{t('users.you')}</span>}
                </th>
                <td>
                  <select
                    aria-label={t('users.roleOf', { username: user.username })}
                    value={user.role}
                    disabled={update.running}
                    onChange={(event) => askRole(user, event.target.value as Role)}
                  >
                    <EnumOptions options={roleSchema.options} label={(option) => t(`role.${option}`)} />
                  </select>
                </td>
                <td>
                  <span className="badge-stack">
                    {user.disabled ? <Badge tone="grey">{t('users.disabled')}</Badge> : <Badge tone="green">{t('users.active')}</Badge>}
                    {user.mustChangePassword && <Badge tone="amber">{t('users.mustChange')}</Badge>}
                    {user.lockedUntil && <Badge tone="red">{t('users.locked')}</Badge>}
                  </span>
                </td>
                <td className="cell-nowrap"><LocalTime iso={user.passwordChangedAt} /></td>
                <td className="cell-nowrap"><LocalTime iso={user.createdAt} /></td>
                <td>
                  {user.id !== me?.id && (
                    <button type="button" className={`button button-small${user.disabled ? '' : ' button-danger'}`} disabled={update.running} onClick={() => void change(user, { disabled: !user.disabled })}>
                      {user.disabled ? t('users.enable') : t('users.disable')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pendingRole && (
        <ConfirmDialog
          message={t('confirm.userRole', { user: pendingRole.user.username, from: t(`role.${pendingRole.user.role}`), to: t(`role.${pendingRole.role}`) })}
          running={update.running}
          error={update.error}
          onConfirm={() => void change(pendingRole.user, { role: pendingRole.role })}
          onCancel={() => setPendingRole(null)}
        />
      )}
    </>
  );
}
