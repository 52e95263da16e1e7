import type { GroupRollout } from '@dlp/shared';
import { useI18n } from '../../i18n';

/** Where each agent of a group stands with the group's current policy, in the bar's left-to-right order. */
export const ROLLOUT_PARTS = ['applied', 'pending', 'failed', 'offline'] as const;
export type RolloutPart = (typeof ROLLOUT_PARTS)[number];

const WIDTH = 220;
const HEIGHT = 14;

/** Segment widths (in px, summing to `width`) for each part, in ROLLOUT_PARTS order; zero parts get zero. */
export function rolloutSegments(rollout: Pick<GroupRollout, RolloutPart | 'total'>, width: number): Array<{ part: RolloutPart; x: number; width: number }> {
  const total = ROLLOUT_PARTS.reduce((sum, part) => sum + rollout[part], 0);
  let x = 0;
  return ROLLOUT_PARTS.map((part, index) => {
    // The last visible segment takes the rounding remainder so the bar always ends flush.
    const isLast = ROLLOUT_PARTS.slice(index + 1).every((later) => rollout[later] === 0);
    const segment = total === 0 || rollout[part] === 0 ? 0 : isLast ? width - x : Math.round((rollout[part] / total) * width);
    const result = { part, x, width: segment };
    x += segment;
    return result;
  });
}

/** Applied / pending / failed / offline agents of one group as one stacked bar, with a legend of counts. */
export function RolloutBar({ rollout }: { rollout: GroupRollout }) {
  const { t } = useI18n();
  const parts = ROLLOUT_PARTS.map((part) => `${t(`rollout.${part}`)} ${rollout[part]}`).join(', ');
  const label = t('rollout.label', { group: rollout.groupName, parts });
  return (
    <div className="rollout">
      <svg className="rollout-bar" width={WIDTH} height={HEIGHT} role="img" aria-label={label}>
        <rect className="rollout-track" x={0} y={0} width={WIDTH} height={HEIGHT} rx={3} />
        {rolloutSegments(rollout, WIDTH)
          .filter((segment) => segment.width > 0)
          .map((segment) => (
            <rect key={segment.part} className={`rollout-${segment.part}`} data-part={segment.part} x={segment.x} y={0} width={segment.width} height={HEIGHT} />
          ))}
      </svg>
      <ul className="rollout-legend">
        {ROLLOUT_PARTS.map((part) => (
          <li key={part}>
            <span className={`legend-swatch rollout-${part}`} aria-hidden="true" />
            {t(`rollout.${part}`)} {rollout[part]}
          </li>
        ))}
      </ul>
    </div>
  );
}
