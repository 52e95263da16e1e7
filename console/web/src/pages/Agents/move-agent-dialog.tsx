import { useState, type FormEvent } from 'react';
import { moveAgentRequest, type AgentSummary, type EffectivePolicyResponse } from '@dlp/shared';
import { useApi } from '../../api';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { EffectivePolicyFacts } from './effective-policy-facts';

/**
 * Moves one agent to another group (admins). Before the move it says which policy the agent will
 * enforce, because the console pushes it at once; afterwards it shows the effective policy the
 * console now expects and whether the agent reports it.
 */
export function MoveAgentDialog({ agent, onClose, onMoved }: { agent: AgentSummary; onClose(): void; onMoved(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const choices = useLoader(async () => {
    const [groups, policies] = await Promise.all([api.groups.list(), api.policies.list()]);
    return { groups, policies };
  }, `move-choices:${agent.id}`);
  const move = useAction();
  const check = useAction();
  const [groupId, setGroupId] = useState('');
  const [result, setResult] = useState<EffectivePolicyResponse | null>(null);
  // The group's name once the move succeeded: from then on the dialog shows the outcome.
  const [movedTo, setMovedTo] = useState<string | null>(null);
  const currentGroupId = agent.group?.id;
  const groups = (choices.data?.groups ?? []).filter((group) => group.id !== currentGroupId);
  const target = groups.find((group) => group.id === groupId);
  const targetPolicy = target?.policyId ? choices.data?.policies.find((policy) => policy.id === target.policyId) : undefined;

  const loadResult = () => check.run(async () => setResult(await api.agents.effectivePolicy(agent.id)));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The same schema the console checks, so a bad id never leaves the page.
    const body = moveAgentRequest.safeParse({ groupId });
    if (!body.success || !target) return;
    if (await move.run(() => api.agents.moveToGroup(agent.id, body.data.groupId))) {
      setMovedTo(target.name);
      onMoved();
      await loadResult();
    }
  };

  const title = t('move.title', { host: agent.info.hostname });
  if (movedTo !== null) {
    return (
      <Dialog title={title} onClose={onClose}>
        <p className="banner banner-success" role="status">
          {t('move.done', { host: agent.info.hostname, group: movedTo })}
        </p>
        {check.error !== null && <ErrorBanner error={check.error} onRetry={() => void loadResult()} />}
        {result && <EffectivePolicyFacts effective={result} />}
        <div className="form-actions">
          <button type="button" className="button" onClick={() => void loadResult()} disabled={check.running}>
            {check.running ? t('common.working') : t('move.recheck')}
          </button>
          <button type="button" className="button button-primary" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={title} onClose={onClose}>
      <p className="muted">{t('move.current', { group: agent.group?.name ?? t('common.none') })}</p>
      {choices.error !== null && <ErrorBanner error={choices.error} onRetry={() => void choices.reload()} />}
      {move.error !== null && <ErrorBanner error={move.error} />}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label className="field">
          <span>{t('move.target')}</span>
          <select name="group" value={groupId} onChange={(e) => setGroupId(e.target.value)}>
            <option value="">{choices.loading ? t('app.loading') : t('move.choose')}</option>
            {groups.map((group) => (
              <option key={group.id} value={group.id}>
                {group.name}
              </option>
            ))}
          </select>
        </label>
        {target && (
          <p className="banner banner-warning" role="note">
            {targetPolicy
              ? t('move.confirmPolicy', { host: agent.info.hostname, group: target.name, policy: targetPolicy.name, version: targetPolicy.version })
              : t('move.confirmNoPolicy', { host: agent.info.hostname, group: target.name })}
          </p>
        )}
        <DialogActions onCancel={onClose} running={move.running} disabled={!target} label={t('move.submit')} />
      </form>
    </Dialog>
  );
}
