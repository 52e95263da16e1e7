import { useId } from 'react';
import type { ImpactReport } from '@dlp/shared';
import { useElementWidth } from '../../hooks/use-element-width';
import { formatCount, useI18n } from '../../i18n';
import { BUCKET_NAMES, BUCKET_TITLE, impactSearchHref, partLabelOf } from './impact-links';

const ROW_HEIGHT = 34;
const BAR_HEIGHT = 20;
const LABEL_WIDTH = 150;
const COUNT_WIDTH = 70;

/**
 * One horizontal bar per bucket (already blocked, newly blocked, no longer blocked), its length the
 * bucket's events, split into segments per group × type × reported action. Every segment is a link
 * to the search of its events. Plain SVG at the container's real width, so labels keep their size.
 */
export function ImpactChart({ report }: { report: ImpactReport }) {
  const { t, language } = useI18n();
  const descId = useId();
  const [frame, width] = useElementWidth<HTMLDivElement>(640);
  const title = t('impactPreview.chartTitle');
  const max = Math.max(1, ...BUCKET_NAMES.map((name) => report.buckets[name].events));
  const barSpace = Math.max(40, width - LABEL_WIDTH - COUNT_WIDTH);
  const height = BUCKET_NAMES.length * ROW_HEIGHT + 4;
  const segmentText = (bucket: string, part: string, count: number) => t('impactPreview.chartSegment', { bucket, part, count: formatCount(count, language) });
  const description = BUCKET_NAMES.flatMap((name) => report.buckets[name].parts.map((part) => segmentText(t(BUCKET_TITLE[name]), partLabelOf(report, part, t), part.events))).join('; ');

  return (
    <figure className="impact-figure">
      <figcaption className="chart-title">{title}</figcaption>
      <div ref={frame} className="chart-frame">
        <svg className="impact-chart" width={width} height={height} role="img" aria-label={title} aria-describedby={descId}>
          <desc id={descId}>{description}</desc>
          {BUCKET_NAMES.map((name, row) => {
            const bucket = report.buckets[name];
            const y = row * ROW_HEIGHT + 2;
            let x = LABEL_WIDTH;
            const barWidth = bucket.events === 0 ? 0 : Math.max(2, Math.round((bucket.events / max) * barSpace));
            return (
              <g key={name} className="impact-row" data-bucket={name}>
                <text className="impact-label" x={LABEL_WIDTH - 10} y={y + ROW_HEIGHT / 2} textAnchor="end" dominantBaseline="middle">
                  {t(BUCKET_TITLE[name])}
                </text>
                {bucket.parts.map((part, index) => {
                  // The last segment takes the rounding remainder so the bar ends where the total says.
                  const last = index === bucket.parts.length - 1;
                  const segment = last ? LABEL_WIDTH + barWidth - x : Math.max(1, Math.round((part.events / Math.max(1, bucket.events)) * barWidth));
                  const label = segmentText(t(BUCKET_TITLE[name]), partLabelOf(report, part, t), part.events);
                  const rect = (
                    <a key={`${part.groupId}-${part.type}-${part.recordedAction}`} href={impactSearchHref(part.filters)} className="impact-segment-link" data-part={`${part.type}:${part.recordedAction}`}>
                      <title>{label}</title>
                      <rect className={`impact-segment impact-segment-${name} impact-segment-${index % 2 === 0 ? 'even' : 'odd'}`} x={x} y={y + (ROW_HEIGHT - BAR_HEIGHT) / 2} width={Math.max(1, segment)} height={BAR_HEIGHT} />
                    </a>
                  );
                  x += segment;
                  return rect;
                })}
                <text className="impact-count" x={LABEL_WIDTH + barWidth + 8} y={y + ROW_HEIGHT / 2} dominantBaseline="middle">
                  {formatCount(bucket.events, language)}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}
