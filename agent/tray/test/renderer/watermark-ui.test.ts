import type { Page } from 'playwright-core';
import type { WatermarkView } from '../../src/common/tray-api';
import { layoutWatermark, textLengthInEm, type WatermarkLayout } from '../../src/renderer/Watermark/watermark-layout';
import type { FakeTrayWindow } from './fake-bridges';
import { BROWSER_TEST_TIMEOUT_MS, openWatermark, pageProblems, screenshotIfAsked, startRendererSuite, type RendererSuite } from './renderer-harness';
import { cornersOf, tileIndexAt } from './watermark-geometry';

/**
 * The screen watermark (issue 15 item 4) in real Chromium on two displays of different size and
 * scale: the tiles the page draws are the layout's, all four corners are under a tile (by the
 * layout's geometry, by the browser's own hit testing and by bounding boxes), the text shows at the
 * policy's opacity, the time moves on each minute, and a display change re-lays the tiles out.
 */
jest.setTimeout(BROWSER_TEST_TIMEOUT_MS);

let suite: RendererSuite;
beforeAll(async () => {
  suite = await startRendererSuite('dlp-tray-watermark-');
});
afterAll(async () => suite?.stop());

/** 06:04:30 UTC: 14:04 in the pages' zone (Asia/Shanghai). */
const START = new Date('2025-03-01T06:04:30.000Z');
const DISPLAYS = [
  { name: 'en', width: 1920, height: 1080, scaleFactor: 1, user: 'Li Lei (lilei)', text: 'Confidential: internal use only' },
  { name: 'zh-CN', width: 2560, height: 1440, scaleFactor: 2, user: '张三 (zhangsan)', text: '内部资料 严禁外传' },
];

function view(display: (typeof DISPLAYS)[number]): WatermarkView {
  return { user: display.user, host: 'ws-0042', text: display.text, opacity: 0.15, width: display.width, height: display.height, scaleFactor: display.scaleFactor };
}

/** The layout the page should draw for a view, computed here from the same pure function. */
function expectedLayout(shown: WatermarkView, time: string): WatermarkLayout {
  const lines = [`${shown.user} · ${shown.host} · ${time}`, shown.text];
  return layoutWatermark({ width: shown.width, height: shown.height, scaleFactor: shown.scaleFactor, lineLengthsEm: lines.map(textLengthInEm) });
}

/** Checks every corner with the browser's own hit testing and with the tiles' bounding boxes. */
async function expectCornersCovered(page: Page, width: number, height: number): Promise<void> {
  const corners = cornersOf(width, height);
  const result = await page.evaluate((points) => {
    const tiles = [...document.querySelectorAll<HTMLElement>('.watermark__tile')];
    // The window is click-through (pointer-events: none); let hit testing see tiles for this check only.
    tiles.forEach((tile) => tile.style.setProperty('pointer-events', 'auto'));
    const hit = points.map(([x, y]) => document.elementsFromPoint(x, y).some((element) => element.closest('.watermark__tile')));
    tiles.forEach((tile) => tile.style.removeProperty('pointer-events'));
    const boxes = tiles.map((tile) => tile.getBoundingClientRect());
    const boxed = points.map(([x, y]) => boxes.some((box) => box.left <= x && x <= box.right && box.top <= y && y <= box.bottom));
    return { hit, boxed };
  }, corners);
  expect(result).toEqual({ hit: [true, true, true, true], boxed: [true, true, true, true] });
}

it.each(DISPLAYS)('covers the whole $width×$height@$scaleFactor display, corners included ($name)', async (display) => {
  const shown = view(display);
  const page = await openWatermark(suite, shown, START);
  const tiles = page.locator('.watermark__tile');
  await tiles.first().waitFor();
  expect(await page.evaluate(() => [innerWidth, innerHeight, devicePixelRatio])).toEqual([display.width, display.height, display.scaleFactor]);

  const layout = expectedLayout(shown, '2025-03-01 14:04');
  for (const [x, y] of cornersOf(display.width, display.height)) expect(tileIndexAt(layout, x, y)).toBeGreaterThanOrEqual(0);
  await expect(tiles.count()).resolves.toBe(layout.tiles.length);
  await expectCornersCovered(page, display.width, display.height);

  // Visible at the policy's opacity, at the layout's font size, with who, where, when and the policy's words.
  const looks = await page.locator('.watermark').evaluate((element) => {
    const style = getComputedStyle(element);
    const tile = element.querySelector('.watermark__tile') as HTMLElement;
    return { opacity: style.opacity, fontSize: parseFloat(style.fontSize), visibility: style.visibility, color: style.color, tileWidth: tile.offsetWidth, text: tile.innerText };
  });
  expect(looks).toMatchObject({ opacity: '0.15', visibility: 'visible', color: 'rgb(111, 111, 111)' });
  expect(looks.fontSize).toBeCloseTo(layout.fontSizePx, 3);
  expect(looks.tileWidth).toBeCloseTo(layout.tileWidth, 0);
  expect(looks.text).toBe(`${display.user} · ws-0042 · 2025-03-01 14:04\n${display.text}`);
  expect(await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight])).toEqual([display.width, display.height]);
  await screenshotIfAsked(page, `watermark-${display.name}`, { omitBackground: true });

  // The time moves on with the clock, once a minute.
  await page.clock.runFor(60_000);
  await expect(tiles.first().innerText()).resolves.toContain('2025-03-01 14:05');
  await expect(tiles.last().innerText()).resolves.toContain('2025-03-01 14:05');
  expect(await pageProblems(page)).toEqual([]);
  await page.context().close();
});

it('re-lays the tiles out when the display changes size and scale', async () => {
  const first = DISPLAYS[0] ?? { name: '', width: 0, height: 0, scaleFactor: 1, user: '', text: '' };
  const page = await openWatermark(suite, view(first), START);
  await page.locator('.watermark__tile').first().waitFor();
  const before = await page.locator('.watermark__tile').count();

  const rotated: WatermarkView = { ...view(first), width: 1080, height: 1920, scaleFactor: 1.5, opacity: 0.3 };
  await page.setViewportSize({ width: rotated.width, height: rotated.height });
  await page.evaluate((next) => (window as unknown as FakeTrayWindow).fakeWatermark.change(next), rotated);
  const layout = expectedLayout(rotated, '2025-03-01 14:04');
  await page.waitForFunction((count) => document.querySelectorAll('.watermark__tile').length === count, layout.tiles.length);
  expect(layout.tiles.length).not.toBe(before);
  await expect(page.locator('.watermark').evaluate((element) => getComputedStyle(element).opacity)).resolves.toBe('0.3');
  expect(parseFloat(await page.locator('.watermark').evaluate((element) => getComputedStyle(element).fontSize))).toBeCloseTo(layout.fontSizePx, 3);
  await expectCornersCovered(page, rotated.width, rotated.height);
  expect(await pageProblems(page)).toEqual([]);
  await page.context().close();
});
