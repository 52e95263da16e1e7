import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestConsole, type TestConsole } from '../testing/test-console';

describe('web UI and health', () => {
  let t: TestConsole;
  let webDir: string;

  beforeEach(() => {
    webDir = mkdtempSync(path.join(tmpdir(), 'dlp-web-'));
  });
  afterEach(async () => {
    await t.stop();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('serves the built app with a single-page fallback that leaves the API alone', async () => {
    mkdirSync(path.join(webDir, 'assets'));
    writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>DLP console</title><div id="root"></div>');
    writeFileSync(path.join(webDir, 'assets', 'app.js'), 'console.log("app")');
    t = await startTestConsole({ webDir });

    const index = await fetch(`${t.console.url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('DLP console');
    const asset = await fetch(`${t.console.url}/assets/app.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    // A client-side route survives a reload.
    const deepLink = await fetch(`${t.console.url}/agents/0190/details`);
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toContain('DLP console');
    // API paths never fall back to the app.
    const unknownApi = await fetch(`${t.console.url}/api/v1/nope`);
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.json()).toMatchObject({ ok: false, error: 'not_found' });
  });

  it('explains that the UI was not built when its folder is missing', async () => {
    t = await startTestConsole({ webDir: path.join(webDir, 'missing') });
    const res = await fetch(`${t.console.url}/policies`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/web UI has not been built/);
  });

  it('answers /healthz without a session', async () => {
    t = await startTestConsole();
    const res = await fetch(`${t.console.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
