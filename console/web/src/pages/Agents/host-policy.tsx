import { policyState, type AgentSummary, type EffectivePolicyResponse } from '@dlp/shared';
import { Badge, type BadgeTone } from '../../components/badges';
import { RelativeTime } from '../../components/relative-time';
import { useI18n, type I18n } from '../../i18n';

const STATE_TONES = { 'in-sync': 'green', pending: 'grey', rejected: 'red', 'no-policy': 'grey' } as const satisfies Record<ReturnType<typeof policyState>, BadgeTone>;

/** How many hex digits of a hash people compare by eye; the whole hash is on hover. */
const HASH_PREFIX = 12;

function expectedText(agent: AgentSummary, effective: EffectivePolicyResponse | null, t: I18n['t']): string {
  const policy = effective?.policy;
  if (policy) return `${t('agents.policy.named', { name: policy.name, version: policy.version })} · ${t('agents.policy.serial', { serial: policy.serial })} · ${t(`effective.mode.${policy.mode}`)}`;
  if (effective || agent.expectedPolicySerial === null) return t('fleet.policy.noPolicy');
  return agent.expectedPolicySerial === undefined ? t('common.none') : t('agents.policy.serial', { serial: agent.expectedPolicySerial });
}

/**
 * The group, the policy it expects against the serial the agent enforces, and the agent's last
 * receipt: serial, hash prefix, status and, when it refused, its reason (red: a problem of this host).
 */
export function HostPolicy({ agent, effective, now }: { agent: AgentSummary; effective: EffectivePolicyResponse | null; now: number }) {
  const { t } = useI18n();
  const state = policyState(agent);
  const receipt = agent.lastPolicyReceipt;
  return (
    <section className="card host-card" aria-labelledby="host-policy">
      <h2 id="host-policy">{t('host.policy')}</h2>
      <p className="host-policy-state" data-policy-state={state}>
        <Badge tone={STATE_TONES[state]}>{t(`host.policy.state.${state}`)}</Badge>
      </p>
      <dl className="facts">
        <dt>{t('agents.col.group')}</dt>
        <dd>{agent.group?.name ?? effective?.group.name ?? t('common.none')}</dd>
        <dt>{t('host.policy.expected')}</dt>
        <dd>{expectedText(agent, effective, t)}</dd>
        <dt>{t('host.policy.applied')}</dt>
        <dd>{agent.policySerial === null ? t('agents.policy.none') : t('agents.policy.serial', { serial: agent.policySerial })}</dd>
        <dt>{t('details.receipt')}</dt>
        <dd data-testid="host-receipt">
          {receipt ? (
            <span className="badge-stack">
              <Badge tone={receipt.status === 'applied' ? 'green' : 'red'}>{t(`host.receipt.status.${receipt.status}`)}</Badge>
              <span title={receipt.hash}>{t('host.receipt.line', { serial: receipt.serial, hash: receipt.hash.slice(0, HASH_PREFIX) })}</span>
              <span className="muted">
                · <RelativeTime iso={receipt.receivedAt} now={now} past />
              </span>
            </span>
          ) : (
            t('details.noReceipt')
          )}
        </dd>
        {receipt?.status === 'rejected' && (
          <>
            <dt>{t('host.receipt.error')}</dt>
            <dd className="receipt-error" data-testid="host-receipt-error">
              {receipt.error ?? t('fleet.policy.unknownError')}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
