import type { TriageInfo, TriageState } from '@dlp/shared';
import { Badge, type BadgeTone } from '../../components/badges';
import { useI18n } from '../../i18n';

/** new blue (needs a look), acknowledged grey, false positive green, escalated red. */
export const TRIAGE_TONES: Record<TriageState, BadgeTone> = { new: 'blue', acknowledged: 'grey', 'false-positive': 'green', escalated: 'red' };

/** The event's triage state; the tooltip says who set it and whether it came from its group. */
export function TriageChip({ triage }: { triage: TriageInfo }) {
  const { t } = useI18n();
  const from = triage.scope === 'group' ? t('triage.fromGroup') : '';
  const title = triage.updatedBy !== null ? `${t('triage.setBy', { user: triage.updatedBy })}${from}` : undefined;
  return (
    <Badge tone={TRIAGE_TONES[triage.state]} {...(title !== undefined ? { title } : {})}>
      {triage.scope === 'group' ? t('triage.groupChip', { state: t(`triage.state.${triage.state}`) }) : t(`triage.state.${triage.state}`)}
    </Badge>
  );
}
