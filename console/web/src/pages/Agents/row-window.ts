/**
 * The arithmetic of a windowed list of fixed-height rows (the agent table renders only the rows in
 * view, 10,000 agents or 10): where each row starts, which rows a scroll position shows, and how
 * tall the spacers above and below them are. One opened details row of its own height may sit
 * below one row. Pure, so it is unit-tested without a browser.
 */

/** An opened details row below row `after`, `height` px tall. */
export interface ExtraRow {
  after: number;
  height: number;
}

export interface RowWindowInput {
  count: number;
  /** Height of every row in px (measured from the DOM; fractional at browser zoom). */
  rowHeight: number;
  /** How far the rows are scrolled, in px from the first row's top. */
  scrollTop: number;
  /** Height of the area that shows rows, in px. */
  viewportHeight: number;
  /** Rows rendered beyond each edge, so a short scroll never shows an empty gap. */
  overscan: number;
  extra?: ExtraRow | null | undefined;
}

export interface RowWindow {
  /** First rendered row (inclusive). */
  start: number;
  /** Last rendered row (exclusive). */
  end: number;
  /** Height of the spacer above `start`. */
  padTop: number;
  /** Height of the spacer below `end` (and below the details row when it is rendered). */
  padBottom: number;
  /** Height of all rows, the details row included. */
  totalHeight: number;
}

/** Whether the extra row applies to a list of `count` rows. */
function activeExtra(extra: ExtraRow | null | undefined, count: number): ExtraRow | null {
  return extra && extra.after >= 0 && extra.after < count ? extra : null;
}

/** Top of row `index` (the details row pushes every row after it down). */
export function offsetOfRow(index: number, rowHeight: number, extra?: ExtraRow | null): number {
  return index * rowHeight + (extra && index > extra.after ? extra.height : 0);
}

/** The row drawn at `y` px from the first row's top (the details row counts as its row's). */
export function rowAtOffset(y: number, rowHeight: number, count: number, extra?: ExtraRow | null): number {
  if (count <= 0 || rowHeight <= 0) return 0;
  let index: number;
  if (!extra || y < (extra.after + 1) * rowHeight) index = Math.floor(y / rowHeight);
  else if (y < (extra.after + 1) * rowHeight + extra.height) index = extra.after;
  else index = Math.floor((y - extra.height) / rowHeight);
  return Math.min(count - 1, Math.max(0, index));
}

/** The rows to render for a scroll position, with their spacers. */
export function rowWindow(input: RowWindowInput): RowWindow {
  const { count, rowHeight, overscan } = input;
  const extra = activeExtra(input.extra, count);
  const totalHeight = count * rowHeight + (extra ? extra.height : 0);
  if (count <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0, totalHeight: 0 };
  const top = Math.max(0, Math.min(input.scrollTop, totalHeight));
  const first = rowAtOffset(top, rowHeight, count, extra);
  const last = rowAtOffset(top + Math.max(0, input.viewportHeight), rowHeight, count, extra);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, last + 1 + overscan);
  const padTop = offsetOfRow(start, rowHeight, extra);
  // Rows from `end` on, and the details row when its row is below the rendered ones.
  const padBottom = Math.max(0, totalHeight - offsetOfRow(end, rowHeight, extra));
  return { start, end, padTop, padBottom, totalHeight };
}

/** The scrollTop that brings row `index` fully into view, or null when it is already. */
export function scrollTopShowing(index: number, input: Omit<RowWindowInput, 'overscan'>): number | null {
  const extra = activeExtra(input.extra, input.count);
  const top = offsetOfRow(index, input.rowHeight, extra);
  const bottom = top + input.rowHeight;
  if (top < input.scrollTop) return top;
  if (bottom > input.scrollTop + input.viewportHeight) return Math.max(0, bottom - input.viewportHeight);
  return null;
}
