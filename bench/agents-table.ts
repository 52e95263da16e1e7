/**
 * Agent table benchmark (issue 17 item 1, not a test): the Agents page of a console process from
 * dist/ in headless Chromium, with 10,000 agents seeded in every state the table shows (policy in
 * sync, never answered, refused; fail-open; /proc scan; enforcing nothing; never connected), timed
 * in the page from the moment it asks to the frame that shows the rows:
 * - first render: the Agents page opened (from another page) until its rows are painted;
 * - filter change: the State select changed until the new list's rows are painted (alternating
 *   "degraded" and "any", so every change is a real new answer);
 * - scroll jump: the table scrolled to its middle until those rows are loaded and painted;
 * - render after answer: of first renders and filter changes, the part after the console's answer
 *   arrived (Resource Timing): the browser's own work, which the windowing keeps small.
 * Baseline, same run: the same page and steps on a console with 100 agents (what a small site
 * sees), so the ratio is what 10,000 agents cost. The target is ≤ 200 ms (issue 17, Measure).
 * Also on stderr: the rows in the DOM (bounded by the window, not the fleet) and the console's
 * answer time for the first block (Resource Timing), to tell server from browser time.
 * Prints {"name","value","unit","baseline","ratio"} lines (p50 and p95, in ms).
 *
 *   node dist/bench/agents-table.js [--agents N] [--baseline-agents B] [--runs R] [--shots DIR]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { uuidv7, type AgentInfo, type CapabilityReport } from '@dlp/shared';
import { openSqliteStore } from '../console/server/src/store/sqlite/sqlite-store';
import { startConsole, type RunningConsole } from '../console/web/test/console-process';
import { arg } from './bench-args';

const ROOT = path.resolve(__dirname, '../..');
const ADMIN_PASSWORD = 'Bench-Admin-Password-7319';
const CHROMIUM = '/usr/lib/chromium/chromium';
const HOUR_MS = 3_600_000;


const HEALTHY: CapabilityReport = {
  apps: { method: 'fanotify', preExec: true, failMode: 'closed', helper: { running: true, restarts: 0, timeouts: 0, cacheHitRate: 0.93 } },
  usb: { method: 'sysfs-authorized', mountGuard: true },
  screen: { captureToolBlocking: true, windowCaptureExclusion: false },
  notes: [],
  residuals: [{ id: 'window-capture-exclusion-linux', state: 'open' }],
};
const FAIL_OPEN: CapabilityReport = { ...HEALTHY, apps: { ...HEALTHY.apps, failMode: 'open' } };
const PROC_SCAN: CapabilityReport = { ...HEALTHY, apps: { method: 'proc-scan', preExec: false, failMode: 'closed' } };
const NOTHING: CapabilityReport = { apps: { method: 'none', preExec: false, failMode: 'closed' }, usb: { method: 'none', mountGuard: false }, screen: { captureToolBlocking: false, windowCaptureExclusion: false }, notes: [] };

/** Agent i's state, spread as bench/agents-overview.ts spreads them: mostly healthy, the rest over the problems. */
function stateOf(i: number): { capabilities: CapabilityReport; applied: boolean; rejected?: true; never?: true } {
  const bucket = i % 20;
  if (bucket === 1) return { capabilities: HEALTHY, applied: false, rejected: true };
  if (bucket === 2) return { capabilities: HEALTHY, applied: false };
  if (bucket === 3) return { capabilities: FAIL_OPEN, applied: true };
  if (bucket === 4) return { capabilities: PROC_SCAN, applied: true };
  if (bucket === 5 && i % 100 === 5) return { capabilities: NOTHING, applied: true };
  if (bucket === 6 && i % 200 === 6) return { capabilities: HEALTHY, applied: false, never: true };
  return { capabilities: HEALTHY, applied: true };
}

/**
 * A console from dist/ whose data dir holds `count` agents: started once (first start makes the
 * default group, its policy and the admin), stopped, seeded through the store, started again.
 */
async function seededConsole(dataDir: string, count: number): Promise<RunningConsole> {
  const options = { repoRoot: ROOT, dataDir, adminPassword: ADMIN_PASSWORD, localEnrollSecret: 'bench-agents-table-secret-0123456789' };
  await (await startConsole(options)).stop();
  const store = await openSqliteStore({ path: path.join(dataDir, 'console.sqlite') });
  try {
    const serial = (await store.policies.effectiveForGroup('default'))?.serial ?? null;
    const nowMs = Date.now();
    for (let start = 0; start < count; start += 1000) {
      await store.transaction(async (tx) => {
        for (let i = start; i < Math.min(count, start + 1000); i++) {
          const id = uuidv7();
          const info: AgentInfo = { hostname: `ws-${String(i).padStart(5, '0')}`, os: i % 10 === 9 ? 'windows' : 'linux', osVersion: '12', agentVersion: '0.9.0', user: `user${i}` };
          await tx.agents.insert({ id, tokenHash: 'ab'.repeat(32), groupId: 'default', info, enrolledAt: new Date(nowMs - 30 * 24 * HOUR_MS).toISOString(), enrollSecretId: 'bench' });
          const state = stateOf(i);
          if (state.never) continue;
          const seenAt = new Date(nowMs - (i % 72) * HOUR_MS).toISOString();
          await tx.agents.recordHello(id, { info, policySerial: state.applied ? serial : null, capabilities: state.capabilities, seenAt });
          if (state.rejected && serial !== null) await tx.agents.recordPolicyReceipt(id, { serial, hash: 'h', status: 'rejected', error: 'signature does not verify', receivedAt: seenAt });
        }
      });
    }
  } finally {
    await store.close();
  }
  return startConsole(options);
}

/** p50 and p95 of the samples. */
function percentiles(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p95: at(0.95) };
}

/**
 * In the page: runs `act`, then resolves with the ms until the table's status answers `wanted` (its
 * data-query, the filter set as JSON; '' for any answer), its rows are loaded (and, for a scroll
 * jump, are rows past the first), and two animation frames passed (the frame showing them was
 * painted). Plain JavaScript: it runs in Chromium, and this file is type-checked without the DOM.
 */
const TIME_IN_PAGE = `async ({ act, wanted }) => {
  const ready = () => {
    const status = document.querySelector('.agent-count[data-total]');
    if (!status || (wanted !== '' && status.getAttribute('data-query') !== wanted)) return false;
    if (document.querySelectorAll('tr[data-row-index]').length === 0 || document.querySelectorAll('tr.row-loading').length > 0) return false;
    return act !== 'scroll-middle' || Number(document.querySelector('tr[data-row-index]')?.getAttribute('data-row-index') ?? '0') > 0;
  };
  const started = performance.now();
  if (act === 'open') window.location.hash = '#/agents';
  else if (act === 'scroll-middle') {
    const box = document.querySelector('.agents-scroll');
    box.scrollTop = box.scrollHeight / 2;
  } else {
    const select = document.querySelector('select[aria-label="State"]');
    select.value = act === 'condition-degraded' ? 'degraded' : '';
    select.dispatchEvent(new Event('change', { bubbles: true }));
  }
  await new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (!ready()) return;
      observer.disconnect();
      resolve();
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    if (ready()) {
      observer.disconnect();
      resolve();
    }
  });
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const painted = performance.now();
  // The newest block of rows the console answered during this step: what came after it is the browser's.
  const answers = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/agents?') && e.name.includes('offset=') && e.startTime >= started);
  const answeredAt = Math.max(...answers.map((e) => e.responseEnd));
  return { total: painted - started, afterAnswer: answers.length > 0 ? painted - answeredAt : -1 };
}`;

type Act = 'open' | 'condition-degraded' | 'condition-any' | 'scroll-middle';

/** A step's time from the act to the painted rows, and the part after the console's last answer (-1 when none came). */
interface StepTime {
  total: number;
  afterAnswer: number;
}

async function timeInPage(page: Page, act: Act, wanted: string): Promise<StepTime> {
  return (await page.evaluate(`(${TIME_IN_PAGE})(${JSON.stringify({ act, wanted })})`)) as StepTime;
}

/** The console's time for the first block of rows (request start to response end), -1 when not seen. */
const FIRST_BLOCK_MS = `(() => {
  const entry = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/v1/agents?') && e.name.includes('offset=0'));
  return entry ? entry.responseEnd - entry.startTime : -1;
})()`;

/** Leaves the Agents page and forgets resource timings, so the next open is a fresh one. */
const LEAVE_AGENTS = `(() => {
  window.location.hash = '#/search';
  performance.clearResourceTimings();
})()`;

interface Figures {
  firstRender: number[];
  filterChange: number[];
  scrollJump: number[];
  /** The browser's part of first renders and filter changes: from the console's answer to the painted rows. */
  renderAfterAnswer: number[];
  domRows: number;
  serverMs: number[];
}

/** Signs in, then times the Agents page `runs` times per step. */
async function measure(browser: Browser, url: string, runs: number, shots: string | null, label: string): Promise<Figures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(`${url}/#/search`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
  const figures: Figures = { firstRender: [], filterChange: [], scrollJump: [], renderAfterAnswer: [], domRows: 0, serverMs: [] };
  for (let run = -2; run < runs; run++) {
    // Two warm-up rounds (JIT, caches); then each round: open, jump to the middle, two filter changes.
    await page.evaluate(LEAVE_AGENTS);
    await page.locator('.agents-page').waitFor({ state: 'detached' });
    const opened = await timeInPage(page, 'open', '');
    const firstBlock = Number(await page.evaluate(FIRST_BLOCK_MS));
    const jumped = await timeInPage(page, 'scroll-middle', '');
    figures.domRows = Math.max(figures.domRows, await page.locator('tbody tr[data-row-index]').count());
    if (run === 0 && shots) await page.screenshot({ path: path.join(shots, `agents-table-${label}-middle.png`) });
    const narrowed = await timeInPage(page, 'condition-degraded', JSON.stringify({ sort: 'host', order: 'asc', condition: 'degraded' }));
    const widened = await timeInPage(page, 'condition-any', JSON.stringify({ sort: 'host', order: 'asc' }));
    if (run < 0) continue;
    figures.firstRender.push(opened.total);
    figures.scrollJump.push(jumped.total);
    figures.filterChange.push(narrowed.total, widened.total);
    for (const step of [opened, narrowed, widened]) if (step.afterAnswer >= 0) figures.renderAfterAnswer.push(step.afterAnswer);
    if (firstBlock >= 0) figures.serverMs.push(firstBlock);
  }
  if (shots) await page.screenshot({ path: path.join(shots, `agents-table-${label}.png`) });
  await context.close();
  return figures;
}

async function main(): Promise<void> {
  const agentCount = arg('agents', 10_000);
  const baselineCount = arg('baseline-agents', 100);
  const runs = arg('runs', 15);
  const shotsAt = process.argv.indexOf('--shots');
  const shots = shotsAt >= 0 ? (process.argv[shotsAt + 1] ?? null) : null;
  if (shots) mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-agents-table-'));
  // Loaded at run time from node_modules: playwright-core finds its own files next to itself.
  const { chromium } = createRequire(path.join(ROOT, 'package.json'))('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  const consoles: RunningConsole[] = [];
  try {
    const seedStarted = Date.now();
    const small = await seededConsole(path.join(dir, 'small'), baselineCount);
    consoles.push(small);
    const large = await seededConsole(path.join(dir, 'large'), agentCount);
    consoles.push(large);
    process.stderr.write(`seeded ${baselineCount} and ${agentCount} agents in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s\n`);
    const base = await measure(browser, small.url, runs, shots, `${baselineCount}`);
    const full = await measure(browser, large.url, runs, shots, `${agentCount}`);
    const round = (n: number): number => Number(n.toFixed(1));
    process.stderr.write(
      `rows in the DOM: ${full.domRows} of ${agentCount} (${base.domRows} of ${baselineCount}); console's first block answer p50: ${round(percentiles(full.serverMs).p50)} ms (${round(percentiles(base.serverMs).p50)} ms)\n`,
    );
    const steps: [string, keyof Omit<Figures, 'domRows' | 'serverMs'>][] = [
      ['first_render', 'firstRender'],
      ['filter_change', 'filterChange'],
      ['scroll_jump', 'scrollJump'],
      ['render_after_answer', 'renderAfterAnswer'],
    ];
    for (const [name, key] of steps) {
      const value = percentiles(full[key]);
      const baseline = percentiles(base[key]);
      for (const q of ['p50', 'p95'] as const) {
        const line = { name: `console_web.agents_table.${name}.${agentCount}_agents.${q}`, value: round(value[q]), unit: 'ms', baseline: round(baseline[q]), ratio: round(value[q] / baseline[q]) };
        process.stdout.write(`${JSON.stringify(line)}\n`);
      }
    }
  } finally {
    await browser.close();
    for (const running of consoles) await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
