import { layoutWatermark, textLengthInEm, watermarkFontSize, WATERMARK_ANGLE_DEG } from '../../src/renderer/Watermark/watermark-layout';
import { cornersOf, tileIndexAt } from './watermark-geometry';

/**
 * The watermark's tile layout (issue 15 item 4): every point of a display, corners included, is
 * inside a tile after rotation, on small, large, HiDPI and fractional-scale displays; the font is
 * readable and crisp; tiles that cannot touch the screen are not emitted.
 */
const IDENTITY = '张三 (zhangsan) · ws-0042 · 2025-03-01 14:05';
const POLICY_TEXT = 'Confidential: internal use only';
const LINES = [textLengthInEm(IDENTITY), textLengthInEm(POLICY_TEXT)];

const DISPLAYS = [
  { width: 1920, height: 1080, scaleFactor: 1 },
  { width: 2560, height: 1440, scaleFactor: 2 },
  { width: 1280, height: 720, scaleFactor: 2 },
  { width: 1536, height: 864, scaleFactor: 1.25 },
  { width: 1080, height: 1920, scaleFactor: 1 },
  { width: 800, height: 600, scaleFactor: 1 },
  { width: 7680, height: 4320, scaleFactor: 1.5 },
];

describe('layoutWatermark', () => {
  it.each(DISPLAYS)('covers every point of $width×$height@$scaleFactor, corners included', (display) => {
    const layout = layoutWatermark({ ...display, lineLengthsEm: LINES });
    expect(layout.angleDeg).toBe(WATERMARK_ANGLE_DEG);
    for (const [x, y] of cornersOf(display.width, display.height)) expect(tileIndexAt(layout, x, y)).toBeGreaterThanOrEqual(0);
    // A 40 × 40 grid over the whole display: no hole anywhere, not only at the corners.
    for (let i = 0; i <= 40; i++) {
      for (let j = 0; j <= 40; j++) {
        const [x, y] = [(display.width * i) / 40, (display.height * j) / 40];
        expect(tileIndexAt(layout, x, y)).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it.each(DISPLAYS)('emits only tiles that reach $width×$height, and not too many', (display) => {
    const layout = layoutWatermark({ ...display, lineLengthsEm: LINES });
    const angle = (layout.angleDeg * Math.PI) / 180;
    const halfX = (Math.abs(Math.cos(angle)) * layout.tileWidth + Math.abs(Math.sin(angle)) * layout.tileHeight) / 2;
    const halfY = (Math.abs(Math.sin(angle)) * layout.tileWidth + Math.abs(Math.cos(angle)) * layout.tileHeight) / 2;
    for (const tile of layout.tiles) {
      expect(tile.x + halfX).toBeGreaterThanOrEqual(0);
      expect(tile.x - halfX).toBeLessThanOrEqual(display.width);
      expect(tile.y + halfY).toBeGreaterThanOrEqual(0);
      expect(tile.y - halfY).toBeLessThanOrEqual(display.height);
    }
    // The tiles' total area is within a small factor of the display's: no runaway DOM.
    const tileArea = layout.tiles.length * layout.tileWidth * layout.tileHeight;
    expect(tileArea).toBeLessThan(display.width * display.height * 3);
    expect(layout.tiles.length).toBeLessThan(600);
  });

  it('keeps the font readable and on whole device pixels at any scale', () => {
    for (const display of DISPLAYS) {
      const size = watermarkFontSize(display.width, display.height, display.scaleFactor);
      expect(size).toBeGreaterThanOrEqual(14);
      expect(size).toBeLessThanOrEqual(31);
      const devicePixels = size * display.scaleFactor;
      expect(Math.abs(devicePixels - Math.round(devicePixels))).toBeLessThan(1e-9);
    }
    // Same CSS size on the same logical display whatever the scale: the physical size does not shrink on HiDPI.
    expect(watermarkFontSize(1280, 720, 2)).toBe(watermarkFontSize(1280, 720, 1));
    expect(watermarkFontSize(1920, 1080, 1)).toBeGreaterThan(watermarkFontSize(800, 600, 1));
  });

  it('wraps a long policy text instead of growing one tile past the screen', () => {
    const long = layoutWatermark({ width: 1920, height: 1080, scaleFactor: 1, lineLengthsEm: [LINES[0] ?? 0, textLengthInEm('x'.repeat(200))] });
    const short = layoutWatermark({ width: 1920, height: 1080, scaleFactor: 1, lineLengthsEm: LINES });
    expect(long.tileWidth).toBeLessThanOrEqual((long.maxLineEm + 7) * long.fontSizePx);
    expect(long.tileHeight).toBeGreaterThan(short.tileHeight);
    for (const [x, y] of cornersOf(1920, 1080)) expect(tileIndexAt(long, x, y)).toBeGreaterThanOrEqual(0);
  });

  it('draws nothing on a display without area, and counts wide characters as 1 em', () => {
    expect(layoutWatermark({ width: 0, height: 1080, scaleFactor: 1, lineLengthsEm: LINES }).tiles).toEqual([]);
    expect(layoutWatermark({ width: Number.NaN, height: 1080, scaleFactor: 1, lineLengthsEm: LINES }).tiles).toEqual([]);
    expect(textLengthInEm('张三')).toBe(2);
    expect(textLengthInEm('ab')).toBeCloseTo(1.2);
  });
});
