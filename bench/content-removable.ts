/**
 * Removable-media channel benchmark (issue 16, not a test): time from a 1 MB customer CSV's close on
 * a watched mount to its finding (the `content` event handed to the outbox). Two sources, as the
 * agent picks them: inotify through chokidar (a file counts as closed once its size held 1 s), and,
 * as root with the exec helper built, the kernel's close-write notification (the helper's
 * `--close-write` mode) on a tmpfs mounted for the run. Baseline, in the same run and interleaved:
 * a bare chokidar watcher with the same settle wait, from the same close to its `add` event. The
 * "mount" is what the scripted USB view lists as a USB mount.
 *   node dist/bench/content-removable.js [rounds]
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { timeCloseToFinding } from './content/close-to-finding';
import { generateSigningKeyPair } from '../shared/src/node';
import { silentLogger } from '../agent/service/src/core/logger';
import { verifyPolicy } from '../agent/service/src/core/policy-verifier';
import type { ClosedFileSource } from '../agent/service/src/core/removable-scan/closed-file-watcher';
import { DEFAULT_REMOVABLE_SCAN_TUNING, RemovableScanControl } from '../agent/service/src/core/removable-scan/removable-scan-control';
import { FanotifyClosedFileSource } from '../agent/service/src/platform/linux/close-write-source';
import { locateExecGuardHelper } from '../agent/service/src/platform/linux/fanotify/helper-location';
import { signedPolicyFor } from '../agent/service/src/testing/fixtures';

const rounds = Number(process.argv[2] ?? 5);

/** The helper's close-write source where it can run (root, helper built), else null. */
function kernelSource(): ClosedFileSource | null {
  const helper = locateExecGuardHelper();
  try {
    accessSync(helper, constants.X_OK);
  } catch {
    return null;
  }
  return process.getuid?.() === 0 ? new FanotifyClosedFileSource(helper) : null;
}

async function run(label: 'inotify' | 'fanotify', source: ClosedFileSource | null): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-content-removable-'));
  const media = path.join(dir, 'media');
  const bare = path.join(dir, 'bare');
  mkdirSync(media);
  mkdirSync(bare);
  // The kernel source marks a whole file system: a tmpfs of this run's own, not the host's root.
  if (source) execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'dlp-bench-stick', media]);
  const key = generateSigningKeyPair();
  const verified = verifyPolicy(JSON.parse(JSON.stringify(signedPolicyFor(key, 1, { mode: 'monitor', content: { enabled: true, detectors: ['cn-resident-id', 'cn-mobile'], removableMedia: { action: 'report' } } }))), key.publicKey);
  if (!verified.ok) throw new Error(verified.reason);
  let onFinding: () => void = () => undefined;
  const control = new RemovableScanControl({
    usb: {
      listUsbBlockDevices: async () => [{ majMin: '8:17', devPath: '/dev/sdb1', usbDeviceId: '1-2' }],
      readMounts: async () => [{ mountId: 40, majMin: '8:17', target: media, fsType: 'ext4', source: '/dev/sdb1', readOnly: false }],
      watchMounts: async () => ({ live: false, stop: async () => undefined }),
      usbAvailable: async () => true,
    },
    dataDir: path.join(dir, 'data'),
    record: (event) => event.type === 'content' && onFinding(),
    log: silentLogger,
    ...(source ? { source } : {}),
  });
  await control.applyPolicy(verified.policy);
  await control.start();
  const { settleMs, pollMs } = DEFAULT_REMOVABLE_SCAN_TUNING;
  await timeCloseToFinding({ name: `content.removable.close-to-finding.${label}`, rounds, channelDir: media, bareDir: bare, settleMs, pollMs, onNextFinding: (callback) => (onFinding = callback) });
  await control.stop();
  if (source) execFileSync('umount', [media]);
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  await run('inotify', null);
  const kernel = kernelSource();
  if (kernel) await run('fanotify', kernel);
  else process.stderr.write('content-removable: no close-write helper here (needs root and the built helper): fanotify not measured\n');
}

void main();
