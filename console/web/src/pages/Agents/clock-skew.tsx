import type { AgentSummary } from '@dlp/shared';
import { Badge, type BadgeTone } from '../../components/badges';
import { formatMinutes } from '../../components/duration';
import { formatDateTime, useI18n, type I18n } from '../../i18n';

/** Below this the console does not correct an agent's times (the measurement's own error): "in sync". */
const IN_SYNC_MS = 2000;
/** The default clock-skew alert threshold: beyond it the skew is shown in red. */
const ALERT_MS = 5 * 60_000;

/** The measured skew in words ("3 min ahead", "1 d behind", "in sync") and how loud to show it. */
export function describeSkew(offsetMs: number, t: I18n['t']): { text: string; tone: BadgeTone } {
  const abs = Math.abs(offsetMs);
  if (abs < IN_SYNC_MS) return { text: t('agents.clock.inSync'), tone: 'green' };
  const amount = abs < 120_000 ? t('agents.clock.seconds', { count: Math.round(abs / 1000) }) : formatMinutes(Math.round(abs / 60_000), t);
  return { text: t(offsetMs > 0 ? 'agents.clock.ahead' : 'agents.clock.behind', { amount }), tone: abs >= ALERT_MS ? 'red' : 'amber' };
}

/** The Agents table's clock cell: the agent's measured clock offset, with when it was measured. */
export function ClockCell({ clock }: { clock: AgentSummary['clock'] }) {
  const { t, language } = useI18n();
  if (!clock) return <span className="muted">{t('agents.clock.unknown')}</span>;
  const { text, tone } = describeSkew(clock.offsetMs, t);
  return (
    <Badge tone={tone} title={t('agents.clock.title', { at: formatDateTime(clock.measuredAt, language) })}>
      {text}
    </Badge>
  );
}
