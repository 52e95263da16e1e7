import { PROTOCOL_VERSION, uuidv7, type ScanProgress, type ScanRequestMessage } from '@dlp/shared';
import { silentLogger } from '../logger';
import { ConsoleScans, type ScanStatus } from './console-scans';
import type { OnDemandScans, ScanOutcome } from './on-demand-scans';
import { DEFAULT_CONTENT_SCAN_TUNING } from './scan-tuning';

const finished: ScanProgress = { phase: 'finished', filesFound: 2, filesDone: 2, bytesFound: 20, bytesDone: 20, filesFlagged: 1, filesBelowThreshold: 0, filesUnreadable: 0, skipped: { symlinks: 0, denied: 0, special: 0, excluded: 0 }, fileLimitReached: false };
const criteria = { detectors: ['cn-resident-id' as const], minDistinct: 10, policySerial: null };

describe('scans the console asks for, on the agent', () => {
  let now: number;
  let sent: ScanStatus[];
  let online: boolean;
  let outcome: (o: ScanOutcome) => void;
  let started: Array<{ path: string; key: string; runAs: unknown }>;
  let busy: boolean;

  const scans: Pick<OnDemandScans, 'start' | 'tuning'> = {
    tuning: DEFAULT_CONTENT_SCAN_TUNING,
    start: (target, requester) => {
      if (busy) return 'busy';
      started.push({ path: target, key: requester.key, runAs: requester.runAs });
      return new Promise<ScanOutcome>((resolve) => (outcome = resolve));
    },
  };
  const request = (path: string): ScanRequestMessage => ({ v: PROTOCOL_VERSION, type: 'scan-request', scanId: uuidv7(), path, requestedBy: 'officer-olga' });
  const make = () => new ConsoleScans({ scans, send: (status) => (online ? (sent.push(status), true) : false), log: silentLogger, now: () => now });

  beforeEach(() => {
    now = Date.parse('2026-12-06T10:00:00Z');
    sent = [];
    online = true;
    started = [];
    busy = false;
  });

  it('runs the scan as root under the console’s key, says it runs, then how it ended', async () => {
    const consoleScans = make();
    const asked = request('/srv/share');
    consoleScans.handle(asked);
    expect(started).toEqual([{ path: '/srv/share', key: 'console', runAs: null }]);
    expect(sent).toEqual([expect.objectContaining({ scanId: asked.scanId, path: '/srv/share', state: 'running' })]);
    outcome({ outcome: 'completed', message: 'ok', progress: finished, criteria });
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent[1]).toEqual({ scanId: asked.scanId, path: '/srv/share', state: 'done', progress: finished, at: '2026-12-06T10:00:00.000Z' });
  });

  it('refuses a second console scan, and repeats how scans ended at each reconnection for an hour', async () => {
    const consoleScans = make();
    busy = true;
    const refused = request('/srv/b');
    consoleScans.handle(refused);
    expect(sent).toEqual([expect.objectContaining({ scanId: refused.scanId, state: 'refused', error: expect.stringContaining('another console-requested scan') })]);
    busy = false;
    online = false;
    const failed = request('/srv/c');
    consoleScans.handle(failed);
    outcome({ outcome: 'failed', message: 'the scan worker ended (killed by SIGKILL)', progress: finished, criteria });
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toHaveLength(1);
    online = true;
    consoleScans.linkReady();
    expect(sent.slice(1).map((s) => [s.scanId, s.state])).toEqual([
      [refused.scanId, 'refused'],
      [failed.scanId, 'failed'],
    ]);
    now += 3_600_001;
    consoleScans.linkReady();
    expect(sent).toHaveLength(3);
  });
});
