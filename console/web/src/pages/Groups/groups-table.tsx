import { useState } from 'react';
import type { GroupRollout, GroupSummary, PolicySummary } from '@dlp/shared';
import { useApi } from '../../api';
import { Badge } from '../../components/badges';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useI18n } from '../../i18n';
import { GroupActionsCell, GroupDialog, type GroupDialogState } from './group-actions';
import { RolloutBar } from './rollout-bar';

/**
 * One row per group: agents, assigned policy (editable by admins), rollout bar and failed agents;
 * admins also rename and delete groups here.
 */
export function GroupsTable({
  groups,
  rollout,
  policies,
  canAssign,
  onChanged,
}: {
  groups: readonly GroupSummary[];
  rollout: readonly GroupRollout[];
  policies: readonly PolicySummary[];
  canAssign: boolean;
  onChanged(): void;
}) {
  const { t } = useI18n();
  const api = useApi();
  const assign = useAction();
  const [dialog, setDialog] = useState<GroupDialogState | null>(null);
  // A policy picked in a group's select waits here until the admin confirms (the select keeps the current one).
  const [pendingAssignment, setPendingAssignment] = useState<{ group: GroupSummary; policy: PolicySummary } | null>(null);
  const rolloutByGroup = new Map(rollout.map((item) => [item.groupId, item]));
  const policyById = new Map(policies.map((policy) => [policy.id, policy]));

  const assignPolicy = async (groupId: string, policyId: string) => {
    if (await assign.run(() => api.groups.assignPolicy(groupId, policyId))) {
      setPendingAssignment(null);
      onChanged();
    }
  };

  const askAssignment = (group: GroupSummary, policyId: string) => {
    const policy = policyById.get(policyId);
    if (!policy || policyId === group.policyId) return;
    assign.clearError();
    setPendingAssignment({ group, policy });
  };

  const assignmentMessage = (pending: { group: GroupSummary; policy: PolicySummary }): string => {
    const policy = `${pending.policy.name} (v${pending.policy.version})`;
    const count = pending.group.agentCount ?? rolloutByGroup.get(pending.group.id)?.total;
    return count === undefined
      ? t('confirm.groupPolicyUnknownCount', { policy, group: pending.group.name })
      : t('confirm.groupPolicy', { policy, group: pending.group.name, count });
  };

  return (
    <>
      {assign.error !== null && pendingAssignment === null && <ErrorBanner error={assign.error} />}
      <div className="table-wrap">
        <table className="data-table groups-table">
          <thead>
            <tr>
              <th scope="col">{t('groups.col.name')}</th>
              <th scope="col">{t('groups.col.agents')}</th>
              <th scope="col">{t('groups.col.policy')}</th>
              <th scope="col">{t('groups.col.rollout')}</th>
              <th scope="col">{t('groups.col.failed')}</th>
              {canAssign && <th scope="col">{t('exceptions.col.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {groups.map((group) => {
              const progress = rolloutByGroup.get(group.id);
              const policy = group.policyId ? policyById.get(group.policyId) : undefined;
              return (
                <tr key={group.id} data-group-id={group.id}>
                  <th scope="row">
                    {group.name} {group.builtIn && <Badge tone="grey">{t('groups.builtIn')}</Badge>}
                  </th>
                  <td>{group.agentCount ?? progress?.total ?? t('common.none')}</td>
                  <td>
                    {canAssign ? (
                      <select
                        aria-label={t('groups.assignFor', { group: group.name })}
                        value={group.policyId ?? ''}
                        disabled={assign.running}
                        onChange={(event) => askAssignment(group, event.target.value)}
                      >
                        {group.policyId === null && <option value="">{t('groups.noPolicy')}</option>}
                        {policies.map((option) => (
                          <option key={option.id} value={option.id}>
                            {option.name} (v{option.version})
                          </option>
                        ))}
                      </select>
                    ) : policy ? (
                      `${policy.name} (v${policy.version})`
                    ) : (
                      <span className="muted">{t('groups.noPolicy')}</span>
                    )}
                    {progress?.serial != null && <span className="muted small block">{t('agents.policy.serial', { serial: progress.serial })}</span>}
                  </td>
                  <td>{progress ? <RolloutBar rollout={progress} /> : <span className="muted">{t('common.none')}</span>}</td>
                  <td>
                    {progress && progress.failedAgents.length > 0 ? (
                      <ul className="plain-list small failed-agents">
                        {progress.failedAgents.map((agent) => (
                          <li key={agent.agentId}>
                            <strong>{agent.hostname}</strong> <span className="muted">{agent.error ?? t('common.none')}</span>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span className="muted">{t('common.none')}</span>
                    )}
                  </td>
                  {canAssign && <GroupActionsCell group={group} onOpen={setDialog} />}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {pendingAssignment && (
        <ConfirmDialog
          message={assignmentMessage(pendingAssignment)}
          running={assign.running}
          error={assign.error}
          onConfirm={() => void assignPolicy(pendingAssignment.group.id, pendingAssignment.policy.id)}
          onCancel={() => setPendingAssignment(null)}
        />
      )}
      {dialog && (
        <GroupDialog
          state={dialog}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            onChanged();
          }}
        />
      )}
    </>
  );
}
