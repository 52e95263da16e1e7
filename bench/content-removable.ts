/**
 * Removable-media channel benchmark (issue 16, not a test): time from a 1 MB customer CSV's close on
 * a watched mount to its finding (the `content` event handed to the outbox), with the agent's
 * default tuning (inotify through chokidar, a file counts as closed once its size held 1 s).
 * Baseline, in the same run and interleaved: a bare chokidar watcher with the same settle wait, from
 * the same close to its `add` event; the difference is the queue, scan, hash and verdict. The
 * "mount" is a temp folder the scripted USB view lists as a USB mount: inotify works the same there.
 *   node dist/bench/content-removable.js [rounds]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { timeCloseToFinding } from './content/close-to-finding';
import { generateSigningKeyPair } from '../shared/src/node';
import { silentLogger } from '../agent/service/src/core/logger';
import { verifyPolicy } from '../agent/service/src/core/policy-verifier';
import { DEFAULT_REMOVABLE_SCAN_TUNING, RemovableScanControl } from '../agent/service/src/core/removable-scan/removable-scan-control';
import { signedPolicyFor } from '../agent/service/src/testing/fixtures';

const rounds = Number(process.argv[2] ?? 5);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-content-removable-'));
  const media = path.join(dir, 'media');
  const bare = path.join(dir, 'bare');
  mkdirSync(media);
  mkdirSync(bare);
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
  });
  await control.applyPolicy(verified.policy);
  await control.start();
  const { settleMs, pollMs } = DEFAULT_REMOVABLE_SCAN_TUNING;
  await timeCloseToFinding({ name: 'content.removable.close-to-finding', rounds, channelDir: media, bareDir: bare, settleMs, pollMs, onNextFinding: (callback) => (onFinding = callback) });
  await control.stop();
  rmSync(dir, { recursive: true, force: true });
}

void main();
