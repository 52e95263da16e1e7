// Node-side test harness: builds the pages into a temp folder and drives Chromium.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { WatermarkView } from '../../src/common/tray-api';
import { launchChromium } from './chromium';
import { installFakeTray, installFakeWatermark, recordCspViolations, type FakeTrayAnswers, type FakeTrayWindow } from './fake-bridges';

/** Bounds that only stop a hung run; the 2-core CI box is often busy with other suites. */
export const BROWSER_TEST_TIMEOUT_MS = 120_000;
export const UI_TIMEOUT_MS = 15_000;
/** Pages get a fixed zone so the times they print are known. */
export const TIME_ZONE = 'Asia/Shanghai';

const TRAY_ROOT = path.resolve(__dirname, '../..');
const SCREENSHOT_DIR = path.join(__dirname, 'screenshots');

export interface RendererSuite {
  browser: Browser;
  /** The built pages, from `build-renderer.mjs` into this suite's own temp folder. */
  pagesDir: string;
  stop(): Promise<void>;
}

/** Builds the renderer the way the product does (a real process) and starts Chromium. */
export async function startRendererSuite(prefix: string): Promise<RendererSuite> {
  const tempDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const pagesDir = path.join(tempDir, 'renderer');
  execFileSync(process.execPath, [path.join(TRAY_ROOT, 'build-renderer.mjs'), '--outdir', pagesDir], { stdio: 'pipe' });
  const browser = await launchChromium();
  return {
    browser,
    pagesDir,
    stop: async () => {
      await browser.close();
      rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** The main window as Electron loads it (file://), with the fake bridge in place of the preload. */
export async function openTrayWindow(suite: RendererSuite, answers: FakeTrayAnswers, viewport = { width: 420, height: 640 }): Promise<Page> {
  const context = await suite.browser.newContext({ viewport, timezoneId: TIME_ZONE, locale: answers.locale === 'zh-CN' ? 'zh-CN' : 'en-US' });
  const page = await preparePage(context);
  await page.addInitScript(installFakeTray, answers);
  await page.goto(pathToFileURL(path.join(suite.pagesDir, 'index.html')).href);
  return page;
}

/** One watermark window on a display of the view's size and scale factor. */
export async function openWatermark(suite: RendererSuite, view: WatermarkView, startTime: Date): Promise<Page> {
  const context = await suite.browser.newContext({ viewport: { width: view.width, height: view.height }, deviceScaleFactor: view.scaleFactor, timezoneId: TIME_ZONE });
  await context.clock.install({ time: startTime });
  const page = await preparePage(context);
  await page.addInitScript(installFakeWatermark, view);
  await page.goto(pathToFileURL(path.join(suite.pagesDir, 'watermark.html')).href);
  return page;
}

const pageErrors = new WeakMap<Page, string[]>();

async function preparePage(context: BrowserContext): Promise<Page> {
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript(recordCspViolations);
  return page;
}

/** Uncaught errors and CSP violations the page met so far: both must stay empty. */
export async function pageProblems(page: Page): Promise<string[]> {
  const violations = await page.evaluate(() => (window as unknown as FakeTrayWindow).cspViolations);
  return [...(pageErrors.get(page) ?? []), ...violations];
}

/** Calls the page made on the fake bridge. */
export async function fakeCalls(page: Page) {
  return page.evaluate(() => (window as unknown as FakeTrayWindow).fakeTray.calls);
}

/** Screenshots are for people (issue 15 asks for them in zh-CN and en); tests assert on the DOM. */
export async function screenshotIfAsked(page: Page, name: string, options: { omitBackground?: boolean } = {}): Promise<void> {
  if (process.env.DLP_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, scale: 'css', ...options });
}
