import { useId } from 'react';
import { useElementWidth } from '../../hooks/use-element-width';
import type { EventAction } from '@dlp/shared';
import { formatClock, formatCount, useI18n, type I18n, type Language } from '../../i18n';
import { STACK_ORDER, niceAxisMax, totalsByAction, type MinuteBucket } from './minute-buckets';

const HEIGHT = 170;
const MARGIN = { top: 10, right: 8, bottom: 24, left: 36 };
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Clock labels every quarter hour keep the axis readable at 1280 px. */
const LABEL_EVERY = 15;

function describeCounts(counts: Record<EventAction, number>, t: I18n['t'], language: Language): string {
  const parts = STACK_ORDER.filter((action) => counts[action] > 0).map((action) =>
    t('chart.part', { count: formatCount(counts[action], language), action: t(`action.${action}`) }),
  );
  return new Intl.ListFormat(language, { style: 'long', type: 'conjunction' }).format(parts);
}

/** The chart's text alternative: totals per action and the busiest minute. */
export function summarizeBuckets(buckets: readonly MinuteBucket[], t: I18n['t'], language: Language): string {
  const totals = totalsByAction(buckets);
  const total = STACK_ORDER.reduce((sum, action) => sum + totals[action], 0);
  if (total === 0) return t('chart.summaryEmpty');
  const peak = buckets.reduce((best, bucket) => (bucket.total > best.total ? bucket : best));
  return t('chart.summary', {
    total: formatCount(total, language),
    parts: describeCounts(totals, t, language),
    peakTime: formatClock(peak.startMs, language),
    peak: formatCount(peak.total, language),
  });
}

/**
 * Events per minute over the last hour, stacked by action, in plain SVG. Screen readers get the
 * summary as the image description; sighted readers get a tooltip per minute and a legend with totals.
 */
export function MinuteChart({ buckets, truncatedAt }: { buckets: readonly MinuteBucket[]; truncatedAt: number | null }) {
  const { t, language } = useI18n();
  const titleId = useId();
  const descId = useId();
  const [frameRef, width] = useElementWidth<HTMLDivElement>(960);
  const plotWidth = Math.max(60, width - MARGIN.left - MARGIN.right);
  const peak = Math.max(0, ...buckets.map((bucket) => bucket.total));
  const axisMax = niceAxisMax(peak);
  const slot = plotWidth / Math.max(1, buckets.length);
  const y = (value: number) => MARGIN.top + PLOT_HEIGHT - (value / axisMax) * PLOT_HEIGHT;
  const totals = totalsByAction(buckets);
  const summary = summarizeBuckets(buckets, t, language);

  return (
    <figure className="chart-card">
      <figcaption id={titleId} className="chart-title">
        {t('chart.title')}
      </figcaption>
      <div ref={frameRef} className="chart-frame">
        <svg
          className="minute-chart"
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          role="img"
          aria-labelledby={titleId}
          aria-describedby={descId}
        >
          <desc id={descId}>{summary}</desc>
          {[0, axisMax / 2, axisMax].map((tick) => (
            <g key={tick} className="chart-grid">
              <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(tick)} y2={y(tick)} />
              <text x={MARGIN.left - 6} y={y(tick)} dy="0.32em" textAnchor="end">
                {Number.isInteger(tick) ? formatCount(tick, language) : ''}
              </text>
            </g>
          ))}
          {buckets.map((bucket, index) => (
            <MinuteColumn key={bucket.startMs} bucket={bucket} left={MARGIN.left + index * slot} slot={slot} y={y} isLast={index === buckets.length - 1} showTime={index % LABEL_EVERY === 0} />
          ))}
        </svg>
      </div>
      <ul className="chart-legend">
        {STACK_ORDER.map((action) => (
          <li key={action}>
            <span className={`legend-swatch chart-${action}`} aria-hidden="true" />
            {t(`action.${action}`)} <strong>{formatCount(totals[action], language)}</strong>
          </li>
        ))}
      </ul>
      {truncatedAt !== null && <p className="muted small">{t('chart.truncated', { count: formatCount(truncatedAt, language) })}</p>}
    </figure>
  );
}

interface MinuteColumnProps {
  bucket: MinuteBucket;
  left: number;
  slot: number;
  y(value: number): number;
  isLast: boolean;
  showTime: boolean;
}

/** One minute: stacked bars, a full-height hover target with its tooltip, and maybe an axis label. */
function MinuteColumn({ bucket, left, slot, y, isLast, showTime }: MinuteColumnProps) {
  const { t, language } = useI18n();
  const barWidth = Math.max(1, slot - Math.min(3, slot * 0.25));
  const x = left + (slot - barWidth) / 2;
  const time = formatClock(bucket.startMs, language);
  const label = bucket.total === 0 ? t('chart.barEmpty', { time }) : t('chart.bar', { time, parts: describeCounts(bucket.counts, t, language) });
  let base = 0;
  return (
    <g>
      {STACK_ORDER.map((action) => {
        const count = bucket.counts[action];
        if (count === 0) return null;
        const top = y(base + count);
        const height = y(base) - top;
        base += count;
        return <rect key={action} className={`chart-bar chart-${action}`} x={x} y={top} width={barWidth} height={height} />;
      })}
      <rect className="chart-hit" x={left} y={MARGIN.top} width={slot} height={PLOT_HEIGHT}>
        <title>{label}</title>
      </rect>
      {(showTime || isLast) && (
        <text className="chart-axis-label" x={x + barWidth / 2} y={HEIGHT - 6} textAnchor={isLast ? 'end' : 'middle'}>
          {isLast ? t('chart.now') : time}
        </text>
      )}
    </g>
  );
}
