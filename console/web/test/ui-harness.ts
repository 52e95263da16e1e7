/* eslint-disable no-restricted-imports -- Node-side test harness: browser contexts and REST calls for the UI tests. */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { currentUserResponse, type AgentInfo, type CapabilityReport } from '@dlp/shared';
import { launchChromium } from './chromium';
import { startConsole, type RunningConsole } from './console-process';

/** Bounds that only stop a hung run; the 2-core CI box is often busy with other suites. */
export const UI_TIMEOUT_MS = 20_000;

/** The repository root, where the built bundle (dist/) lives. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
/** The first admin's password every UI suite's console starts with. */
export const ADMIN_PASSWORD = 'E2e-Admin-Password-7319';

/** What a Linux agent without fanotify reports (process scan, sysfs USB, no window exclusion). */
export const LINUX_CAPABILITIES: CapabilityReport = {
  apps: { method: 'proc-scan', preExec: false, failMode: 'open' },
  usb: { method: 'sysfs-authorized', mountGuard: true },
  screen: { captureToolBlocking: true, windowCaptureExclusion: false },
  notes: [],
};

/** A Debian workstation's hello for a simulated agent. */
export function linuxWorkstation(hostname: string, user: string): AgentInfo {
  return { hostname, os: 'linux', osVersion: '6.1.0-27-amd64', agentVersion: '0.1.0', user };
}

/** One UI suite's built console process, Chromium and folders. */
export interface UiSuite {
  /** Removed by `stop()` (unless kept); the console's data is in `<tempDir>/console`. */
  tempDir: string;
  /** $DLP_UI_SCREENSHOT_DIR when set, else `<tempDir>/screenshots`. */
  screenshotDir: string;
  dlpConsole: RunningConsole;
  browser: Browser;
  /** Closes Chromium, stops the console and removes the temp folder. */
  stop(): Promise<void>;
}

/**
 * Starts the built console (admin password {@link ADMIN_PASSWORD}, local enroll secret
 * `enrollSecret`) and Chromium for one suite; fails early with a hint when dist/ is not built.
 * `keepTempDir` leaves the temp folder for people to look at.
 */
export async function startUiSuite(options: { tempPrefix: string; enrollSecret: string; keepTempDir?: boolean }): Promise<UiSuite> {
  for (const built of ['dist/console/server.js', 'dist/console/web/index.html']) {
    if (!existsSync(path.join(REPO_ROOT, built))) throw new Error(`${built} is missing: run "npm run build" first`);
  }
  const tempDir = mkdtempSync(path.join(os.tmpdir(), options.tempPrefix));
  const screenshotDir = process.env.DLP_UI_SCREENSHOT_DIR ?? path.join(tempDir, 'screenshots');
  mkdirSync(screenshotDir, { recursive: true });
  const dlpConsole = await startConsole({ repoRoot: REPO_ROOT, dataDir: path.join(tempDir, 'console'), adminPassword: ADMIN_PASSWORD, localEnrollSecret: options.enrollSecret });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (err) {
    await dlpConsole.stop();
    rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
  return {
    tempDir,
    screenshotDir,
    dlpConsole,
    browser,
    async stop() {
      await browser.close();
      await dlpConsole.stop();
      if (options.keepTempDir !== true) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page, which a test expects to stay empty. */
  pageErrors: string[];
}

/** A fresh browser context (own cookies and storage) on `url`, with page errors collected. */
export async function openPage(browser: Browser, url: string, options: { locale?: string; width?: number; height?: number } = {}): Promise<OpenedPage> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: { width: options.width ?? 1280, height: options.height ?? 800 } });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  return { context, page, pageErrors };
}

/** Fills the English sign-in form and submits it. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Full-page screenshot named for people to look at. */
export async function screenshot(page: Page, dir: string, name: string): Promise<void> {
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** A signed-in admin talking REST to the console (cookie session + CSRF token), to set up test data. */
export class RestSession {
  private constructor(
    private readonly baseUrl: string,
    private readonly cookie: string,
    private readonly csrfToken: string,
  ) {}

  static async signIn(baseUrl: string, username: string, password: string): Promise<RestSession> {
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (response.status !== 200) throw new Error(`sign-in as ${username} failed: ${response.status} ${await response.text()}`);
    const body = currentUserResponse.parse(await response.json());
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return new RestSession(baseUrl, cookie, body.csrfToken ?? '');
  }

  /** Sends a JSON request and returns status and parsed body (undefined for 204). */
  async send(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', apiPath: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { Cookie: this.cookie };
    if (method !== 'GET') Object.assign(headers, { 'Content-Type': 'application/json', 'x-csrf-token': this.csrfToken });
    const response = await fetch(`${this.baseUrl}/api/v1${apiPath}`, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(body ?? {}) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }
}

/** Creates an officer (no forced password change) through the first admin's REST session. */
export async function addOfficer(consoleUrl: string, officer: { username: string; password: string }): Promise<void> {
  const admin = await RestSession.signIn(consoleUrl, 'admin', ADMIN_PASSWORD);
  const created = await admin.send('POST', '/users', { username: officer.username, role: 'officer', password: officer.password, mustChangePassword: false });
  if (created.status !== 201) throw new Error(`creating officer ${officer.username} failed: ${created.status} ${JSON.stringify(created.body)}`);
}
