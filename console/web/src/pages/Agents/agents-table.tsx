import type { AgentSummary, PolicySummary } from '@dlp/shared';
import { Badge } from '../../components/badges';
import { RelativeTime } from '../../components/relative-time';
import { useI18n } from '../../i18n';
import { CapabilityList } from './capability-list';
import { ClockCell } from './clock-skew';
import { OS_NAMES } from './os-names';

/**
 * One row per agent: who and where it is, its group, whether it is connected, and what it enforces.
 * `onMove` (admins only) adds a button that moves the agent to another group.
 */
export function AgentsTable({
  agents,
  policies,
  now,
  onMove,
}: {
  agents: readonly AgentSummary[];
  policies: readonly PolicySummary[] | null;
  now: number;
  onMove?: (agent: AgentSummary) => void;
}) {
  const { t } = useI18n();
  const policyBySerial = policies ? new Map(policies.map((policy) => [policy.serial, policy])) : null;
  return (
    <div className="table-wrap">
      <table className="data-table agents-table">
        <thead>
          <tr>
            <th scope="col">{t('agents.col.host')}</th>
            <th scope="col">{t('agents.col.os')}</th>
            <th scope="col">{t('agents.col.user')}</th>
            <th scope="col">{t('agents.col.group')}</th>
            <th scope="col">{t('agents.col.version')}</th>
            <th scope="col">{t('agents.col.status')}</th>
            <th scope="col">{t('agents.col.lastSeen')}</th>
            <th scope="col">{t('agents.col.clock')}</th>
            <th scope="col">{t('agents.col.policy')}</th>
            <th scope="col">{t('agents.col.capabilities')}</th>
            {onMove && <th scope="col">{t('exceptions.col.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {agents.map((agent) => (
            <tr key={agent.id} data-agent-id={agent.id} className={agent.revoked ? 'row-revoked' : undefined}>
              <th scope="row" className="cell-host" title={agent.id}>
                {agent.info.hostname}
              </th>
              <td>
                {OS_NAMES[agent.info.os]} <span className="muted">{agent.info.osVersion}</span>
              </td>
              <td>{agent.info.user ?? t('common.none')}</td>
              <td className="cell-group">{agent.group?.name ?? t('common.none')}</td>
              <td className="mono">{agent.info.agentVersion}</td>
              <td>
                <span className="badge-stack">
                  {agent.online ? <Badge tone="green">{t('agents.status.online')}</Badge> : <Badge tone="grey">{t('agents.status.offline')}</Badge>}
                  {agent.revoked && <Badge tone="red">{t('agents.status.revoked')}</Badge>}
                </span>
              </td>
              <td className="cell-nowrap">{agent.lastSeenAt ? <RelativeTime iso={agent.lastSeenAt} now={now} /> : <span className="muted">{t('agents.lastSeen.never')}</span>}</td>
              <td className="cell-nowrap">
                <ClockCell clock={agent.clock} />
              </td>
              <td>
                <PolicyCell serial={agent.policySerial} policyBySerial={policyBySerial} />
              </td>
              <td>
                <CapabilityList report={agent.capabilities} os={agent.info.os} />
              </td>
              {onMove && (
                <td className="cell-actions">
                  <button type="button" className="button button-small" aria-label={t('move.open', { host: agent.info.hostname })} onClick={() => onMove(agent)}>
                    {t('move.button')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * "Default v3 · serial 12" when the serial is a policy's current version, "serial 9 (older version)"
 * when it is not, and the bare serial when the policy list is not available to this reader.
 */
function PolicyCell({ serial, policyBySerial }: { serial: number | null; policyBySerial: ReadonlyMap<number, PolicySummary> | null }) {
  const { t } = useI18n();
  if (serial === null) return <span className="muted">{t('agents.policy.none')}</span>;
  if (!policyBySerial) return <span>{t('agents.policy.serial', { serial })}</span>;
  const policy = policyBySerial.get(serial);
  if (!policy) return <span>{t('agents.policy.olderVersion', { serial })}</span>;
  return (
    <span className="policy-cell">
      <span>{t('agents.policy.named', { name: policy.name, version: policy.version })}</span>
      <span className="muted small">{t('agents.policy.serial', { serial })}</span>
    </span>
  );
}
