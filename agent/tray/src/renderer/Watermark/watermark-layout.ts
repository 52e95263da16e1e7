/**
 * Where the watermark's tiles go on one display. Pure, so the coverage of every corner can be
 * checked by a unit test without a browser.
 *
 * The tiles form a brick lattice in a frame turned by {@link WATERMARK_ANGLE_DEG}; each tile is one
 * lattice cell (text centred, the rest is spacing), so the cells cover the plane without gaps and
 * every screen point, corners included, lies in some emitted cell.
 */
export const WATERMARK_ANGLE_DEG = -25;

/** Readable at arm's length without shouting: bounds in CSS px (physical size is the same at any scale). */
const MIN_FONT_PX = 14;
const MAX_FONT_PX = 30;
/** Font size as a fraction of the display's shorter side. */
const FONT_PER_SHORT_SIDE = 1 / 56;
const LINE_HEIGHT = 1.35;
/** Longer lines wrap, so one long policy text does not make a tile wider than a screen. */
const MAX_LINE_EM = 36;
/** Spacing around the text inside a tile, in em. */
const GAP_X_EM = 7;
const GAP_Y_EM = 2.5;

export interface WatermarkLayoutInput {
  /** The display in CSS px, and its scale factor (device px per CSS px). */
  width: number;
  height: number;
  scaleFactor: number;
  /** Each text line's length in em (see {@link textLengthInEm}). */
  lineLengthsEm: readonly number[];
}

export interface WatermarkLayout {
  angleDeg: number;
  fontSizePx: number;
  lineHeightPx: number;
  /** The most em a line may take before it wraps. */
  maxLineEm: number;
  /** Size of one tile (cell) before rotation, CSS px. */
  tileWidth: number;
  tileHeight: number;
  /** Tile centres in CSS px; each tile is drawn turned by `angleDeg` about its centre. */
  tiles: { x: number; y: number }[];
}

/** Wide (CJK, full-width) characters take about 1 em, others about 0.6 em in a sans-serif font. */
export function textLengthInEm(text: string): number {
  let em = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const wide = (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || code >= 0x20000;
    em += wide ? 1 : 0.6;
  }
  return em;
}

/** The font size in CSS px, snapped to whole device pixels so glyphs stay crisp at 1.25× or 1.5×. */
export function watermarkFontSize(width: number, height: number, scaleFactor: number): number {
  const scale = Number.isFinite(scaleFactor) && scaleFactor > 0 ? scaleFactor : 1;
  const wanted = Math.min(MAX_FONT_PX, Math.max(MIN_FONT_PX, Math.min(width, height) * FONT_PER_SHORT_SIDE));
  return Math.ceil(wanted * scale - 1e-9) / scale;
}

export function layoutWatermark(input: WatermarkLayoutInput): WatermarkLayout {
  const { width, height } = input;
  const fontSizePx = watermarkFontSize(width, height, input.scaleFactor);
  const lineHeightPx = fontSizePx * LINE_HEIGHT;
  const lines = input.lineLengthsEm.length > 0 ? input.lineLengthsEm : [0];
  const wrappedLines = lines.reduce((sum, em) => sum + Math.max(1, Math.ceil(em / MAX_LINE_EM)), 0);
  const widestEm = Math.min(MAX_LINE_EM, Math.max(...lines));
  const tileWidth = (widestEm + GAP_X_EM) * fontSizePx;
  const tileHeight = wrappedLines * lineHeightPx + GAP_Y_EM * fontSizePx;
  const base = { angleDeg: WATERMARK_ANGLE_DEG, fontSizePx, lineHeightPx, maxLineEm: MAX_LINE_EM, tileWidth, tileHeight };
  if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) return { ...base, tiles: [] };

  const angle = (WATERMARK_ANGLE_DEG * Math.PI) / 180;
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  // u runs along the text, v across it; a = offset along u, b = along v, from the screen centre.
  const centre = { x: width / 2, y: height / 2 };
  const corners = [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([sx = 0, sy = 0]) => ({ x: (sx * width) / 2, y: (sy * height) / 2 }));
  const along = corners.map((c) => c.x * cos + c.y * sin);
  const across = corners.map((c) => -c.x * sin + c.y * cos);
  // A rotated tile's axis-aligned half extents: tiles whose box misses the screen are dropped.
  const halfBoxX = (Math.abs(cos) * tileWidth + Math.abs(sin) * tileHeight) / 2;
  const halfBoxY = (Math.abs(sin) * tileWidth + Math.abs(cos) * tileHeight) / 2;

  const tiles: { x: number; y: number }[] = [];
  const firstRow = Math.floor(Math.min(...across) / tileHeight) - 1;
  const lastRow = Math.ceil(Math.max(...across) / tileHeight) + 1;
  for (let row = firstRow; row <= lastRow; row++) {
    // Every other row shifts by half a tile: the brick pattern reads as a diagonal, not a grid.
    const shift = Math.abs(row % 2) === 1 ? tileWidth / 2 : 0;
    const firstCol = Math.floor((Math.min(...along) - shift) / tileWidth) - 1;
    const lastCol = Math.ceil((Math.max(...along) - shift) / tileWidth) + 1;
    for (let col = firstCol; col <= lastCol; col++) {
      const a = col * tileWidth + shift;
      const b = row * tileHeight;
      const x = centre.x + a * cos - b * sin;
      const y = centre.y + a * sin + b * cos;
      if (x + halfBoxX >= 0 && x - halfBoxX <= width && y + halfBoxY >= 0 && y - halfBoxY <= height) tiles.push({ x, y });
    }
  }
  return { ...base, tiles };
}
