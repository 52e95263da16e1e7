import { useState, type FormEvent } from 'react';
import { DEFAULT_GROUP_ID, type GroupSummary } from '@dlp/shared';
import { useApi, type EnrollSecretCreated } from '../../api';
import type { EnrollSecretLimitsInput } from '../../api/groups-api';
import { ErrorBanner } from '../../components/error-banner';
import { SecretOnce } from '../../components/secret-once';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { LocalTime } from '../../components/local-time';

/** Enroll secrets per group: agents enrolled with a secret join its group. The secret is shown once. */
export function EnrollSecretsSection({ groups }: { groups: readonly GroupSummary[] }) {
  const { t } = useI18n();
  const api = useApi();
  const secrets = useLoader(() => api.groups.enrollSecrets(), 'enroll-secrets');
  const create = useAction();
  const remove = useAction();
  const [label, setLabel] = useState('');
  const [groupId, setGroupId] = useState(DEFAULT_GROUP_ID);
  const [maxUses, setMaxUses] = useState('');
  const [expiresDays, setExpiresDays] = useState('');
  const [needsApproval, setNeedsApproval] = useState(false);
  const [ratePerMinute, setRatePerMinute] = useState('');
  const [created, setCreated] = useState<EnrollSecretCreated | null>(null);
  const groupName = (id: string | undefined) => groups.find((group) => group.id === (id ?? DEFAULT_GROUP_ID))?.name ?? id ?? DEFAULT_GROUP_ID;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (label.trim() === '') return;
    const limits: EnrollSecretLimitsInput = {};
    // Empty fields mean "no limit"; the console validates the numbers and answers with the field path.
    if (maxUses.trim() !== '') limits.maxUses = Number(maxUses);
    if (expiresDays.trim() !== '') limits.expiresAt = new Date(Date.now() + Number(expiresDays) * 86_400_000).toISOString();
    if (needsApproval) limits.needsApproval = true;
    if (ratePerMinute.trim() !== '') limits.ratePerMinute = Number(ratePerMinute);
    const ok = await create.run(async () => setCreated(await api.groups.createEnrollSecret(label.trim(), groupId, limits)));
    if (ok) {
      setLabel('');
      setMaxUses('');
      setExpiresDays('');
      setNeedsApproval(false);
      setRatePerMinute('');
      await secrets.reload();
    }
  };

  const deleteSecret = async (id: string) => {
    if (await remove.run(() => api.groups.deleteEnrollSecret(id))) await secrets.reload();
  };

  return (
    <section className="card section-gap" aria-labelledby="enroll-secrets-title">
      <h2 id="enroll-secrets-title">{t('secrets.title')}</h2>
      <p className="muted small">{t('secrets.intro')}</p>
      {created && <SecretOnce label={t('secrets.createdLabel', { label: created.label, group: groupName(created.groupId) })} secret={created.secret} onDismiss={() => setCreated(null)} />}
      {create.error !== null && <ErrorBanner error={create.error} />}
      {remove.error !== null && <ErrorBanner error={remove.error} />}
      {secrets.error !== null && <ErrorBanner error={secrets.error} onRetry={() => void secrets.reload()} />}
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <label className="inline-field">
          <span>{t('secrets.label')}</span>
          <input name="secret-label" value={label} onChange={(e) => setLabel(e.target.value)} />
        </label>
        <label className="inline-field">
          <span>{t('secrets.group')}</span>
          <select value={groupId} aria-label={t('secrets.group')} onChange={(e) => setGroupId(e.target.value)}>
            {groups.map((group) => (
              <option key={group.id} value={group.id}>
                {group.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>{t('secrets.maxUses')}</span>
          <input name="secret-max-uses" type="number" min={1} placeholder={t('secrets.maxUsesHint')} value={maxUses} onChange={(e) => setMaxUses(e.target.value)} />
        </label>
        <label className="inline-field">
          <span>{t('secrets.expiresDays')}</span>
          <input name="secret-expires-days" type="number" min={1} value={expiresDays} onChange={(e) => setExpiresDays(e.target.value)} />
        </label>
        <label className="inline-field">
          <span>{t('secrets.ratePerMinute')}</span>
          <input name="secret-rate" type="number" min={1} placeholder={t('secrets.rateDefault')} value={ratePerMinute} onChange={(e) => setRatePerMinute(e.target.value)} />
        </label>
        <label className="inline-field">
          <input name="secret-needs-approval" type="checkbox" checked={needsApproval} onChange={(e) => setNeedsApproval(e.target.checked)} />
          <span>{t('secrets.needsApproval')}</span>
        </label>
        <button type="submit" className="button button-primary" disabled={create.running || label.trim() === ''}>
          {t('secrets.create')}
        </button>
      </form>
      {(secrets.data ?? []).length === 0 ? (
        !secrets.loading && <p className="muted">{t('secrets.none')}</p>
      ) : (
        <table className="data-table compact-table">
          <thead>
            <tr>
              <th scope="col">{t('secrets.label')}</th>
              <th scope="col">{t('secrets.group')}</th>
              <th scope="col">{t('secrets.created')}</th>
              <th scope="col">{t('secrets.col.uses')}</th>
              <th scope="col">{t('secrets.col.expires')}</th>
              <th scope="col">{t('secrets.col.limits')}</th>
              <th scope="col">{t('exceptions.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(secrets.data ?? []).map((secret) => (
              <tr key={secret.id}>
                <th scope="row">{secret.label}</th>
                <td>{groupName(secret.groupId)}</td>
                <td className="cell-nowrap"><LocalTime iso={secret.createdAt} /></td>
                <td className="cell-nowrap">{secret.maxUses != null ? t('secrets.usesOf', { uses: String(secret.uses ?? 0), max: String(secret.maxUses) }) : String(secret.uses ?? 0)}</td>
                <td className="cell-nowrap">
                  {secret.expiresAt == null ? t('secrets.never') : Date.parse(secret.expiresAt) <= Date.now() ? t('secrets.expired') : <LocalTime iso={secret.expiresAt} />}
                </td>
                <td>
                  {[
                    secret.needsApproval === true ? t('secrets.approvalPending', { pending: String(secret.pending ?? 0) }) : null,
                    secret.ratePerMinute != null ? t('secrets.ratePer', { rate: String(secret.ratePerMinute) }) : null,
                  ]
                    .filter((part): part is string => part !== null)
                    .join(' · ')}
                </td>
                <td>
                  <button type="button" className="button button-small button-danger" onClick={() => void deleteSecret(secret.id)} disabled={remove.running}>
                    {t('common.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
