/* eslint-disable no-restricted-imports -- Node-side test harness: browser contexts and REST calls for the UI tests. */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { currentUserResponse } from '@dlp/shared';

/** Bounds that only stop a hung run; the 2-core CI box is often busy with other suites. */
export const UI_TIMEOUT_MS = 20_000;

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
