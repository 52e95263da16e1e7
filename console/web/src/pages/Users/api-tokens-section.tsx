import { useState, type FormEvent } from 'react';
import { apiTokenScope, role as roleSchema, type ApiTokenScope, type Role } from '@dlp/shared';
import { useApi } from '../../api';
import { Badge } from '../../components/badges';
import { ErrorBanner } from '../../components/error-banner';
import { SecretOnce } from '../../components/secret-once';
import { EnumOptions } from '../../components/enum-options';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { formatDateTime, useI18n } from '../../i18n';
import { LocalTime } from '../../components/local-time';

const EXPIRY_CHOICES = [30, 90, 365];

/** API tokens for automation (policy-as-code, exports): created by a signed-in admin, shown once, revocable. */
export function ApiTokensSection() {
  const { t, language } = useI18n();
  const api = useApi();
  const tokens = useLoader(() => api.users.tokens(), 'api-tokens');
  const create = useAction();
  const revoke = useAction();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('admin');
  const [scope, setScope] = useState<ApiTokenScope>('api');
  const [days, setDays] = useState(90);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (name.trim() === '') return;
    const ok = await create.run(async () => {
      const answer = await api.users.createToken({ name: name.trim(), role, scope, expiresInDays: days });
      setCreated({ name: answer.apiToken.name, token: answer.token });
    });
    if (ok) {
      setName('');
      await tokens.reload();
    }
  };

  const revokeToken = async (id: string) => {
    if (await revoke.run(() => api.users.revokeToken(id))) await tokens.reload();
  };

  return (
    <section className="card section-gap" aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t('tokens.title')}</h2>
      <p className="muted small">{t('tokens.intro')}</p>
      {created && <SecretOnce label={t('tokens.createdLabel', { name: created.name })} secret={created.token} onDismiss={() => setCreated(null)} />}
      {create.error !== null && <ErrorBanner error={create.error} />}
      {revoke.error !== null && <ErrorBanner error={revoke.error} />}
      {tokens.error !== null && <ErrorBanner error={tokens.error} onRetry={() => void tokens.reload()} />}
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <label className="inline-field">
          <span>{t('tokens.name')}</span>
          <input name="token-name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="inline-field">
          <span>{t('users.role')}</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <EnumOptions options={roleSchema.options} label={(option) => t(`role.${option}`)} />
          </select>
        </label>
        <label className="inline-field">
          <span>{t('tokens.scope')}</span>
          <select name="token-scope" value={scope} title={t('tokens.scopeHint')} onChange={(e) => setScope(e.target.value as ApiTokenScope)}>
            <EnumOptions options={apiTokenScope.options} label={(option) => t(`tokens.scope.${option}`)} />
          </select>
        </label>
        <label className="inline-field">
          <span>{t('tokens.expires')}</span>
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {EXPIRY_CHOICES.map((choice) => (
              <option key={choice} value={choice}>
                {t('duration.days', { count: choice })}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button-primary" disabled={create.running || name.trim() === ''}>
          {t('tokens.create')}
        </button>
      </form>
      {(tokens.data ?? []).length === 0 ? (
        !tokens.loading && <p className="muted">{t('tokens.none')}</p>
      ) : (
        <table className="data-table compact-table">
          <thead>
            <tr>
              <th scope="col">{t('tokens.name')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('tokens.scope')}</th>
              <th scope="col">{t('users.createdAt')}</th>
              <th scope="col">{t('tokens.expiresAt')}</th>
              <th scope="col">{t('tokens.lastUsed')}</th>
              <th scope="col">{t('exceptions.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(tokens.data ?? []).map((token) => (
              <tr key={token.id} className={token.revokedAt ? 'row-revoked' : undefined}>
                <th scope="row">{token.name}</th>
                <td>{t(`role.${token.role}`)}</td>
                <td>{t(`tokens.scope.${token.scope}`)}</td>
                <td className="cell-nowrap"><LocalTime iso={token.createdAt} /></td>
                <td className="cell-nowrap">{token.expiresAt ? formatDateTime(token.expiresAt, language) : t('tokens.never')}</td>
                <td className="cell-nowrap">{token.lastUsedAt ? formatDateTime(token.lastUsedAt, language) : t('tokens.neverUsed')}</td>
                <td>
                  {token.revokedAt ? (
                    <Badge tone="grey">{t('tokens.revoked')}</Badge>
                  ) : (
                    <button type="button" className="button button-small button-danger" onClick={() => void revokeToken(token.id)} disabled={revoke.running}>
                      {t('tokens.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
