import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_AGENT_SOCKET } from '@dlp/shared/node';
import type { TrayOs } from './capture-guard';
import { electronPorts, hardenWebContents } from './electron-adapters';
import { systemTimers } from './timers';
import { startTrayApp } from './tray-app';
import { linuxFullName, macFullName, noFullName, watermarkIdentity } from './user-identity';

/**
 * The tray's entry point (bundled to dist/main.js by build-main.mjs): picks the OS once, finds its
 * files beside the bundle, and hands the real Electron objects to the composition in tray-app.ts.
 */
function currentOs(): TrayOs {
  // The one place the tray looks at the OS (handbook §5: pick the adapter once at start-up).
  const platform = os.platform();
  return platform === 'win32' ? 'windows' : platform === 'darwin' ? 'macos' : 'linux';
}

function log(line: string): void {
  console.log(`${new Date().toISOString()} dlp-tray: ${line}`);
}

async function main(): Promise<void> {
  const trayOs = currentOs();
  const fullName = trayOs === 'linux' ? linuxFullName : trayOs === 'macos' ? macFullName : noFullName;
  const page = (name: string) => pathToFileURL(path.join(__dirname, 'renderer', name)).href;
  const running = await startTrayApp(electronPorts, {
    os: trayOs,
    socketPath: process.env.DLP_AGENT_SOCKET || DEFAULT_AGENT_SOCKET,
    preloadPath: path.join(__dirname, 'preload.js'),
    mainPageUrl: page('index.html'),
    watermarkPageUrl: page('watermark.html'),
    identity: await watermarkIdentity(fullName),
    timers: systemTimers,
    fileExists: existsSync,
    log,
    onReady: hardenWebContents,
  });
  if (running) log(`running (${running.locale}); the agent keeps enforcing whether or not this tray runs`);
}

main().catch((err: unknown) => {
  log(`failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
