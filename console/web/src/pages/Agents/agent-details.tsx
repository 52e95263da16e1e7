import type { AgentSummary, PolicySummary } from '@dlp/shared';
import { formatDateTime, useI18n } from '../../i18n';
import { CapabilityList } from './capability-list';
import { OS_NAMES } from './os-names';
import { LocalTime } from '../../components/local-time';

/**
 * What a compact row leaves out: the full OS, the agent id, enrollment, the policy serials and the
 * last receipt with its error, and every capability line with residual limits.
 */
export function AgentDetails({ agent, policyBySerial }: { agent: AgentSummary; policyBySerial: ReadonlyMap<number, PolicySummary> | null }) {
  const { t, language } = useI18n();
  const receipt = agent.lastPolicyReceipt;
  const applied = agent.policySerial === null ? undefined : policyBySerial?.get(agent.policySerial);
  return (
    <div className="agent-details">
      <dl className="facts">
        <dt>{t('agents.col.os')}</dt>
        <dd>
          {OS_NAMES[agent.info.os]} {agent.info.osVersion}
        </dd>
        <dt>{t('details.agentId')}</dt>
        <dd className="mono">{agent.id}</dd>
        <dt>{t('details.enrolled')}</dt>
        <dd><LocalTime iso={agent.enrolledAt} /></dd>
        <dt>{t('agents.col.policy')}</dt>
        <dd>
          {agent.policySerial === null
            ? t('agents.policy.none')
            : applied
              ? `${t('agents.policy.named', { name: applied.name, version: applied.version })} · ${t('agents.policy.serial', { serial: agent.policySerial })}`
              : t('agents.policy.serial', { serial: agent.policySerial })}
        </dd>
        <dt>{t('details.expected')}</dt>
        <dd>{agent.expectedPolicySerial == null ? t('fleet.policy.noPolicy') : t('agents.policy.serial', { serial: agent.expectedPolicySerial })}</dd>
        <dt>{t('details.receipt')}</dt>
        <dd>
          {receipt
            ? t(receipt.status === 'applied' ? 'details.receiptApplied' : 'details.receiptRejected', {
                serial: receipt.serial,
                time: formatDateTime(receipt.receivedAt, language),
                error: receipt.error ?? t('fleet.policy.unknownError'),
              })
            : t('details.noReceipt')}
        </dd>
      </dl>
      <div>
        <h3 className="small">{t('agents.col.capabilities')}</h3>
        <CapabilityList report={agent.capabilities} os={agent.info.os} />
      </div>
    </div>
  );
}
