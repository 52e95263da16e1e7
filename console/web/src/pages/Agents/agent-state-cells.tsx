import { degradedControls, enforcesNothing, failsOpen, policyState, type AgentSummary, type PolicySummary } from '@dlp/shared';
import { Badge, type BadgeTone } from '../../components/badges';
import { useI18n, type I18n, type MessageKey } from '../../i18n';
import { describeCapabilities } from './capability-list';

/**
 * The policy the agent enforces against its group's, in one line: applied (its name), rejected
 * (red, the receipt's error on hover), not answered (grey), or no policy for the group.
 */
export function PolicyStateCell({ agent, policyBySerial }: { agent: AgentSummary; policyBySerial: ReadonlyMap<number, PolicySummary> | null }) {
  const { t } = useI18n();
  const name = policyName(agent.policySerial, policyBySerial, t);
  switch (policyState(agent)) {
    case 'in-sync':
      return <span title={t('agents.policy.serial', { serial: agent.policySerial ?? 0 })}>{name}</span>;
    case 'rejected': {
      const receipt = agent.lastPolicyReceipt;
      const title = t('fleet.policy.rejectedTitle', { serial: receipt?.serial ?? 0, error: receipt?.error ?? t('fleet.policy.unknownError') });
      return (
        <span className="cell-line" title={title}>
          <Badge tone="red" title={title}>
            {t('fleet.policy.rejected')}
          </Badge>{' '}
          <span className="muted">{name}</span>
        </span>
      );
    }
    case 'pending': {
      const title = t('fleet.policy.pendingTitle', { expected: agent.expectedPolicySerial ?? 0, current: agent.policySerial ?? t('common.none') });
      return (
        <span className="cell-line" title={title}>
          <Badge tone="grey" title={title}>
            {t('fleet.policy.pending')}
          </Badge>{' '}
          <span className="muted">{name}</span>
        </span>
      );
    }
    case 'no-policy':
      return <span className="muted">{t('fleet.policy.noPolicy')}</span>;
  }
}

function policyName(serial: number | null, policyBySerial: ReadonlyMap<number, PolicySummary> | null, t: I18n['t']): string {
  if (serial === null) return t('agents.policy.none');
  const policy = policyBySerial?.get(serial);
  if (!policyBySerial) return t('agents.policy.serial', { serial });
  if (!policy) return t('agents.policy.olderVersion', { serial });
  return t('agents.policy.named', { name: policy.name, version: policy.version });
}

/**
 * What the agent enforces, in one badge: green only when it enforces and fails closed; amber when
 * it fails open or a control is weakened; red when it enforces nothing. Platform residuals (window
 * capture exclusion on Linux) never colour it. The capability lines are on hover.
 */
export function ControlsCell({ agent }: { agent: AgentSummary }) {
  const { t } = useI18n();
  const report = agent.capabilities;
  if (!report) return <Badge tone="grey">{t('fleet.controls.notReported')}</Badge>;
  const title = describeCapabilities(report, agent.info.os, t)
    .map((line) => line.text)
    .join('\n');
  const [tone, key]: [BadgeTone, MessageKey] = enforcesNothing(report)
    ? ['red', 'fleet.controls.nothing']
    : failsOpen(report)
      ? ['amber', 'fleet.controls.failOpen']
      : degradedControls(report)
        ? ['amber', 'fleet.controls.degraded']
        : ['green', 'fleet.controls.enforcing'];
  return (
    <span className="cell-line">
      <Badge tone={tone} title={title}>
        {t(key)}
      </Badge>
      {agent.tamperEvents24h === true && (
        <>
          {' '}
          <Badge tone="red" title={t('fleet.incident.title')}>
            {t('fleet.incident.tamper')}
          </Badge>
        </>
      )}
      {agent.bypassEvents24h === true && (
        <>
          {' '}
          <Badge tone="red" title={t('fleet.incident.title')}>
            {t('fleet.incident.bypass')}
          </Badge>
        </>
      )}
    </span>
  );
}
