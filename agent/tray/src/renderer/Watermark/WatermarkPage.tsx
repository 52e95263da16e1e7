import { useEffect, useMemo, useState } from 'react';
import type { WatermarkApi, WatermarkView } from '../../common/tray-api';
import { layoutWatermark, textLengthInEm } from './watermark-layout';
import { msUntilNextMinute, watermarkTime } from './watermark-time';

/** `now`, advanced on every whole minute. */
function useMinuteClock(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setTimeout(() => setNow(new Date()), msUntilNextMinute(now));
    return () => clearTimeout(timer);
  }, [now]);
  return now;
}

/**
 * One display's watermark: "user · host · time" and the policy's text, tiled diagonally over the
 * whole display at the policy's opacity. Positions are set through the DOM style API (not style
 * attributes), which the page's Content-Security-Policy allows without 'unsafe-inline'.
 */
export function WatermarkPage({ api }: { api: WatermarkApi }) {
  const [view, setView] = useState<WatermarkView>(() => api.view());
  const now = useMinuteClock();
  useEffect(() => api.onChange(setView), [api]);

  const identity = `${view.user} · ${view.host} · ${watermarkTime(now)}`;
  const lines = view.text.trim() === '' ? [identity] : [identity, view.text.trim()];
  // The time has fixed digits, so the lengths (and the tiles) stay put when the minute turns.
  const lengths = lines.map(textLengthInEm).join(',');
  const layout = useMemo(
    () => layoutWatermark({ width: view.width, height: view.height, scaleFactor: view.scaleFactor, lineLengthsEm: lengths.split(',').map(Number) }),
    [view.width, view.height, view.scaleFactor, lengths],
  );

  return (
    <div
      className="watermark"
      aria-hidden="true"
      data-tiles={layout.tiles.length}
      style={{ opacity: view.opacity, fontSize: `${layout.fontSizePx}px`, lineHeight: `${layout.lineHeightPx}px`, width: view.width, height: view.height }}
    >
      {layout.tiles.map((tile, index) => (
        <div
          key={index}
          className="watermark__tile"
          style={{
            left: tile.x - layout.tileWidth / 2,
            top: tile.y - layout.tileHeight / 2,
            width: layout.tileWidth,
            height: layout.tileHeight,
            transform: `rotate(${layout.angleDeg}deg)`,
          }}
        >
          {lines.map((line, lineIndex) => (
            <span key={lineIndex} className="watermark__line" style={{ maxWidth: `${layout.maxLineEm}em` }}>
              {line}
            </span>
          ))}
        </div>
      ))}
    </div>
  );
}
