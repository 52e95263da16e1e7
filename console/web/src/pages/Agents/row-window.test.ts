import { offsetOfRow, rowAtOffset, rowWindow, scrollTopShowing } from './row-window';

/** Rendered height: spacers, rows and the details row when its row is rendered; must equal totalHeight. */
function renderedHeight(w: ReturnType<typeof rowWindow>, rowHeight: number, extra?: { after: number; height: number }): number {
  const details = extra && extra.after >= w.start && extra.after < w.end ? extra.height : 0;
  return w.padTop + (w.end - w.start) * rowHeight + details + w.padBottom;
}

describe('row window', () => {
  it('renders only the rows in view plus overscan out of 10,000, whatever the scroll position', () => {
    expect(rowWindow({ count: 10_000, rowHeight: 36, scrollTop: 0, viewportHeight: 720, overscan: 8 })).toEqual({ start: 0, end: 29, padTop: 0, padBottom: (10_000 - 29) * 36, totalHeight: 360_000 });
    const middle = rowWindow({ count: 10_000, rowHeight: 36, scrollTop: 180_000, viewportHeight: 720, overscan: 8 });
    expect(middle).toMatchObject({ start: 4992, end: 5029, padTop: 4992 * 36 });
    expect(renderedHeight(middle, 36)).toBe(360_000);
    const bottom = rowWindow({ count: 10_000, rowHeight: 36, scrollTop: 360_000 - 720, viewportHeight: 720, overscan: 8 });
    expect(bottom).toMatchObject({ start: 9972, end: 10_000, padBottom: 0 });
    // Scrolled past the end (the list shrank under it): still the last rows, never an empty window.
    expect(rowWindow({ count: 10, rowHeight: 36, scrollTop: 99_999, viewportHeight: 720, overscan: 2 })).toMatchObject({ start: 7, end: 10 });
    expect(rowWindow({ count: 0, rowHeight: 36, scrollTop: 50, viewportHeight: 720, overscan: 2 })).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0, totalHeight: 0 });
  });

  it('pushes the rows below an opened details row down by its height, above and below the window', () => {
    const extra = { after: 100, height: 250 };
    expect(offsetOfRow(100, 36, extra)).toBe(3600);
    expect(offsetOfRow(101, 36, extra)).toBe(3636 + 250);
    expect(rowAtOffset(3636 + 100, 36, 1000, extra)).toBe(100);
    expect(rowAtOffset(3636 + 250, 36, 1000, extra)).toBe(101);
    for (const scrollTop of [0, 3000, 3700, 3900, 5000, 35_000]) {
      const w = rowWindow({ count: 1000, rowHeight: 36, scrollTop, viewportHeight: 400, overscan: 3, extra });
      expect({ scrollTop, height: renderedHeight(w, 36, extra) }).toEqual({ scrollTop, height: 36_000 + 250 });
    }
    // A details row of a row that no longer exists (the list shrank) is ignored.
    expect(rowWindow({ count: 50, rowHeight: 36, scrollTop: 0, viewportHeight: 400, overscan: 3, extra }).totalHeight).toBe(1800);
  });

  it('scrolls just enough to show a row that keyboard focus moves to', () => {
    const view = { count: 1000, rowHeight: 36, scrollTop: 3600, viewportHeight: 360 };
    expect(scrollTopShowing(105, view)).toBeNull();
    expect(scrollTopShowing(99, view)).toBe(99 * 36);
    expect(scrollTopShowing(110, view)).toBe(111 * 36 - 360);
  });
});
