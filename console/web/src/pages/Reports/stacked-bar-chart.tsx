import { useId } from 'react';
import { eventAction, type EventAction } from '@dlp/shared';
import { formatCount, useI18n } from '../../i18n';

/** One bar: a label under it and a count per action, stacked in the legend's order. */
export interface StackedBar {
  key: string;
  label: string;
  values: Partial<Record<EventAction, number>>;
}

const WIDTH = 720;
const HEIGHT = 220;
const MARGIN = { top: 10, right: 8, bottom: 28, left: 44 };
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;

function total(bar: StackedBar): number {
  return eventAction.options.reduce((sum, action) => sum + (bar.values[action] ?? 0), 0);
}

/** Per-bucket bars stacked by action (blocked, would block, allowed, info), as an accessible SVG. */
export function StackedBarChart({ title, bars, testId }: { title: string; bars: readonly StackedBar[]; testId?: string }) {
  const { t, language } = useI18n();
  const titleId = useId();
  const max = Math.max(1, ...bars.map(total));
  const slot = bars.length > 0 ? (WIDTH - MARGIN.left - MARGIN.right) / bars.length : 0;
  const barWidth = Math.max(2, slot * 0.7);
  const labelEvery = Math.max(1, Math.ceil(bars.length / 10));
  const ticks = [0, Math.round(max / 2), max];
  const y = (value: number): number => MARGIN.top + PLOT_HEIGHT - (value / max) * PLOT_HEIGHT;

  return (
    <figure className="chart-card" data-testid={testId}>
      <figcaption id={titleId} className="chart-title">
        {title}
      </figcaption>
      <div className="chart-frame">
        <svg className="minute-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={titleId}>
          {ticks.map((tick) => (
            <g key={tick} className="chart-grid">
              <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} />
              <text x={MARGIN.left - 6} y={y(tick) + 4} textAnchor="end">
                {formatCount(tick, language)}
              </text>
            </g>
          ))}
          {bars.map((bar, index) => {
            const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
            let top = MARGIN.top + PLOT_HEIGHT;
            const parts = eventAction.options.filter((action) => (bar.values[action] ?? 0) > 0);
            const summary = parts.map((action) => `${t(`action.${action}`)} ${formatCount(bar.values[action] ?? 0, language)}`).join(', ');
            return (
              <g key={bar.key} data-bar={bar.key} data-total={total(bar)}>
                <title>{`${bar.label}: ${summary || t('reports.noEvents')}`}</title>
                {parts.map((action) => {
                  const height = ((bar.values[action] ?? 0) / max) * PLOT_HEIGHT;
                  top -= height;
                  return <rect key={action} className={`chart-bar chart-${action}`} x={x} y={top} width={barWidth} height={height} />;
                })}
                {index % labelEvery === 0 && (
                  <text className="chart-axis-label" x={x + barWidth / 2} y={HEIGHT - 8} textAnchor="middle">
                    {bar.label}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
      <ul className="chart-legend">
        {eventAction.options.map((action) => (
          <li key={action}>
            <span className={`legend-swatch chart-${action}`} aria-hidden="true" />
            {t(`action.${action}`)}
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** Horizontal bars for a top-N list; each entry can be a button that opens its history. */
export function TopList({ title, items, onPick, testId }: { title: string; items: ReadonlyArray<{ key: string; count: number }>; onPick?: (key: string) => void; testId?: string }) {
  const { t, language } = useI18n();
  const max = Math.max(1, ...items.map((item) => item.count));
  return (
    <section className="chart-card top-list" data-testid={testId}>
      <h2 className="chart-title">{title}</h2>
      {items.length === 0 ? (
        <p className="muted small">{t('reports.noEvents')}</p>
      ) : (
        <ol>
          {items.map((item) => (
            <li key={item.key}>
              {onPick ? (
                <button type="button" className="link-button" onClick={() => onPick(item.key)}>
                  {item.key}
                </button>
              ) : (
                <span className="mono">{item.key}</span>
              )}
              <span className="top-bar" style={{ width: `${(item.count / max) * 100}%` }} aria-hidden="true" />
              <span className="top-count">{formatCount(item.count, language)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
