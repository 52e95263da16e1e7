import type { EventAction, Severity } from '@dlp/shared';
import { useI18n } from '../i18n';

/** Colour families shared by all badges; the CSS defines one class per tone. */
export type BadgeTone = 'red' | 'amber' | 'green' | 'grey' | 'blue';

/** blocked red, would-block amber, allowed green, info grey (the same colours as the chart). */
export const ACTION_TONES: Record<EventAction, BadgeTone> = { blocked: 'red', 'would-block': 'amber', allowed: 'green', info: 'grey' };

const SEVERITY_TONES: Record<Severity, BadgeTone> = { low: 'grey', medium: 'blue', high: 'amber', critical: 'red' };

export function Badge({ tone, children, title }: { tone: BadgeTone; children: string; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

export function ActionBadge({ action }: { action: EventAction }) {
  const { t } = useI18n();
  return <Badge tone={ACTION_TONES[action]}>{t(`action.${action}`)}</Badge>;
}

/** Severity as a dot plus text, quieter than the action badge it sits next to. */
export function SeverityLabel({ severity }: { severity: Severity }) {
  const { t } = useI18n();
  return <span className={`severity severity-${SEVERITY_TONES[severity]}`}>{t(`severity.${severity}`)}</span>;
}
