import type { EffectivePolicyResponse } from '@dlp/shared';
import { Badge } from '../../components/badges';
import { useI18n } from '../../i18n';

/**
 * Where an agent's policy comes from (group → policy version → serial), in the reader's language,
 * and whether the agent already reports enforcing that serial.
 */
export function EffectivePolicyFacts({ effective }: { effective: EffectivePolicyResponse }) {
  const { t } = useI18n();
  const { policy } = effective;
  return (
    <dl className="facts effective-policy" data-testid="effective-policy">
      <dt>{t('effective.source')}</dt>
      <dd title={effective.source}>
        {policy
          ? t('effective.sourceLine', { group: effective.group.name, policy: policy.name, version: policy.version, serial: policy.serial })
          : t('effective.noPolicy', { group: effective.group.name })}
      </dd>
      {policy && (
        <>
          <dt>{t('effective.mode')}</dt>
          <dd>{t(`effective.mode.${policy.mode}`)}</dd>
        </>
      )}
      <dt>{t('effective.applied')}</dt>
      <dd>
        <span className="badge-stack">
          {effective.appliedSerial === null ? t('effective.appliedNone') : t('agents.policy.serial', { serial: effective.appliedSerial })}
          {policy &&
            (effective.inSync ? <Badge tone="green">{t('effective.inSync')}</Badge> : <Badge tone="amber">{t('effective.waiting')}</Badge>)}
        </span>
      </dd>
    </dl>
  );
}
