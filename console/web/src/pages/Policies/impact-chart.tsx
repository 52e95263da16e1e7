import { useId } from 'react';
import type { ImpactGroup } from '@dlp/shared';
import { useElementWidth } from '../../hooks/use-element-width';
import { formatCount, useI18n } from '../../i18n';

const ROW_HEIGHT = 28;
const BAR_HEIGHT = 18;
const LABEL_WIDTH = 190;
const COUNT_WIDTH = 70;

/** The label of a group's deciding rule; `null` is the section's default action. */
export function useRuleLabel(): (ruleId: string | null) => string {
  const { t } = useI18n();
  return (ruleId) => ruleId ?? t('impact.defaultRule');
}

/**
 * One horizontal bar per deciding rule, longest first, drawn in plain SVG at the container's real
 * width so labels keep their size. `tone` colours the bars (block red, allow green).
 */
export function ImpactChart({ title, groups, tone }: { title: string; groups: readonly ImpactGroup[]; tone: 'block' | 'allow' | 'restrict' }) {
  const { t, language } = useI18n();
  const label = useRuleLabel();
  const descId = useId();
  const [frame, width] = useElementWidth<HTMLDivElement>(640);
  const sorted = [...groups].sort((a, b) => b.events - a.events);
  const max = Math.max(1, ...sorted.map((group) => group.events));
  const barSpace = Math.max(40, width - LABEL_WIDTH - COUNT_WIDTH);
  const height = sorted.length * ROW_HEIGHT + 4;
  const description = sorted.map((group) => t('impact.barDescription', { rule: label(group.ruleId), count: group.events, hosts: group.hosts, users: group.users })).join('; ');

  return (
    <figure className="impact-figure">
      <figcaption className="chart-title">{title}</figcaption>
      <div ref={frame} className="chart-frame">
        <svg className="impact-chart" width={width} height={height} role="img" aria-label={title} aria-describedby={descId}>
          <desc id={descId}>{description}</desc>
          {sorted.map((group, index) => {
            const y = index * ROW_HEIGHT + 2;
            const barWidth = Math.max(2, Math.round((group.events / max) * barSpace));
            const name = label(group.ruleId);
            return (
              <g key={`${group.ruleId ?? 'default'}-${group.action}`} className="impact-row" data-rule-id={group.ruleId ?? ''}>
                <title>{t('impact.barDescription', { rule: name, count: group.events, hosts: group.hosts, users: group.users })}</title>
                <text className="impact-label" x={LABEL_WIDTH - 10} y={y + ROW_HEIGHT / 2} textAnchor="end" dominantBaseline="middle">
                  {name.length > 26 ? `${name.slice(0, 25)}…` : name}
                </text>
                <rect className={`impact-bar impact-bar-${tone}`} x={LABEL_WIDTH} y={y + (ROW_HEIGHT - BAR_HEIGHT) / 2} width={barWidth} height={BAR_HEIGHT} rx={3} />
                <text className="impact-count" x={LABEL_WIDTH + barWidth + 8} y={y + ROW_HEIGHT / 2} dominantBaseline="middle">
                  {formatCount(group.events, language)}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}
