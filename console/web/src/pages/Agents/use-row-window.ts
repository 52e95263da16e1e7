import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { rowWindow, scrollTopShowing, type ExtraRow, type RowWindow } from './row-window';

/** Rows rendered beyond each edge of the view. */
const OVERSCAN = 8;

export interface RowWindowOptions {
  count: number;
  /** The height rows are styled with; the rendered height replaces it once measured. */
  rowHeight: number;
  extra: ExtraRow | null;
}

export interface RowWindowState extends RowWindow {
  /** The scroll container: a box that holds the table, its sticky head and the row spacers. */
  containerRef: RefObject<HTMLDivElement | null>;
  /** Scrolls the container just enough to show row `index`. */
  scrollToRow(index: number): void;
  /** Rows one page of the view holds (Page Up / Page Down). */
  rowsPerPage: number;
}

interface Geometry {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
}

function sameWindow(a: RowWindow, b: RowWindow): boolean {
  return a.start === b.start && a.end === b.end && a.padTop === b.padTop && a.padBottom === b.padBottom;
}

/**
 * Which rows of a scrolled table to render: the container's scroll position and height (kept
 * current on scroll and resize), the measured row height, and the sticky head's height, turned
 * into a {@link RowWindow}. Re-renders only when the rendered range changes, not on every pixel.
 */
export function useRowWindow({ count, rowHeight, extra }: RowWindowOptions): RowWindowState {
  const containerRef = useRef<HTMLDivElement | null>(null);
  const geometry = useRef<Geometry>({ scrollTop: 0, viewportHeight: 0, rowHeight });
  const inputs = useRef({ count, extra });
  inputs.current = { count, extra };
  const compute = useCallback(
    (): RowWindow => rowWindow({ ...geometry.current, count: inputs.current.count, extra: inputs.current.extra, overscan: OVERSCAN }),
    [],
  );
  const [range, setRange] = useState<RowWindow>(() => compute());

  /** Reads scroll position, view height (below the sticky head) and row height from the DOM. */
  const measure = useCallback(() => {
    const container = containerRef.current;
    if (!container) return;
    const head = container.querySelector('thead')?.getBoundingClientRect().height ?? 0;
    const row = container.querySelector('tbody tr[data-row-index]')?.getBoundingClientRect().height;
    geometry.current = {
      scrollTop: container.scrollTop,
      viewportHeight: Math.max(0, container.clientHeight - head),
      rowHeight: row !== undefined && row > 0 ? row : geometry.current.rowHeight,
    };
    const next = compute();
    setRange((current) => (sameWindow(current, next) ? current : next));
  }, [compute]);

  useLayoutEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let frame = 0;
    const onScroll = () => {
      if (frame !== 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        measure();
      });
    };
    container.addEventListener('scroll', onScroll, { passive: true });
    const observer = new ResizeObserver(() => measure());
    observer.observe(container);
    return () => {
      container.removeEventListener('scroll', onScroll);
      observer.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [measure]);

  // A new row count or details row changes the window without a scroll; so may the first rows
  // rendered (their real height replaces the styled one).
  useLayoutEffect(() => measure(), [measure, count, extra?.after, extra?.height, range.start, range.end]);

  const scrollToRow = useCallback(
    (index: number) => {
      const container = containerRef.current;
      if (!container) return;
      const target = scrollTopShowing(index, { ...geometry.current, count: inputs.current.count, extra: inputs.current.extra });
      if (target !== null) container.scrollTop = target;
      measure();
    },
    [measure],
  );

  const rowsPerPage = Math.max(1, Math.floor(geometry.current.viewportHeight / geometry.current.rowHeight) - 1);
  return { ...range, containerRef, scrollToRow, rowsPerPage };
}
