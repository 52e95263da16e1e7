import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { EventInput } from '../event-factory';
import { silentLogger } from '../logger';
import { makeTempDir } from '../../testing/fixtures';
import { OnDemandScans, type ScanRequester } from './on-demand-scans';
import type { ScanWorkerCommand } from './scan-worker-process';

const HANGING = path.join(__dirname, 'testing/hanging-scan-worker.cjs');
const criteria = () => ({ detectors: ['cn-resident-id' as const], minDistinct: 10, policySerial: 7 });
const as = (key: string): ScanRequester => ({ key, runAs: null, who: key });
const ignore = { progress: () => undefined, file: () => undefined };

describe('on-demand scans on the agent (stand-in workers)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('on-demand'));
  });
  afterEach(() => cleanup());

  function scans(worker: ScanWorkerCommand, tuning: ConstructorParameters<typeof OnDemandScans>[0]['tuning'] = {}): { scans: OnDemandScans; events: EventInput[] } {
    const events: EventInput[] = [];
    return { scans: new OnDemandScans({ criteria, record: (e) => void events.push(e), dataDir: dir, log: silentLogger, worker, tuning }), events };
  }

  it('runs one scan per requester and a few in all; cancelling one kills its worker', async () => {
    const { scans: running } = scans({ file: process.execPath, args: [HANGING], env: { PID_FILE: path.join(dir, 'a.pid') } }, { maxConcurrent: 2 });
    const cancelA = new AbortController();
    let progressed: () => void = () => undefined;
    const startedA = new Promise<void>((resolve) => (progressed = resolve));
    const a = running.start('/srv', as('uid:1000'), { progress: () => progressed(), file: () => undefined }, cancelA.signal);
    expect(a).toBeInstanceOf(Promise);
    expect(running.start('/srv', as('uid:1000'), ignore, new AbortController().signal)).toBe('busy');
    await startedA;
    const pidA = Number(await readFile(path.join(dir, 'a.pid'), 'utf8'));
    const b = running.start('/tmp', as('console'), ignore, new AbortController().signal);
    expect(running.start('/tmp', as('uid:1001'), ignore, new AbortController().signal)).toBe('busy');
    expect(running.count()).toBe(2);
    cancelA.abort();
    expect(await a).toMatchObject({ outcome: 'cancelled' });
    expect(() => process.kill(pidA, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(running.count()).toBe(1);
    await running.stop();
    expect(await b).toMatchObject({ outcome: 'cancelled' });
    // Once stopped (the agent stops), nothing starts any more.
    expect(running.start('/srv', as('uid:1000'), ignore, new AbortController().signal)).toBe('busy');
  });

  it('ends a worker that stops making progress, and one that writes what the protocol does not allow', async () => {
    const { scans: stalled } = scans({ file: process.execPath, args: [HANGING], env: { PID_FILE: path.join(dir, 'b.pid') } }, { limits: { maxTimeMs: 50 }, stallGraceMs: 50 });
    const outcome = await stalled.start('/srv', as('uid:1000'), ignore, new AbortController().signal);
    expect(outcome).toMatchObject({ outcome: 'failed', message: expect.stringContaining('stopped making progress') });

    const { scans: lying, events } = scans({ file: process.execPath, args: ['-e', 'console.log(JSON.stringify({ kind: "file", file: { path: "relative" }, ownerUid: 0 }))'] });
    const lied = await lying.start('/srv', as('uid:1000'), ignore, new AbortController().signal);
    expect(lied).toMatchObject({ outcome: 'failed', message: expect.stringContaining('invalid line') });
    expect(events).toEqual([]);
    const { scans: crashing } = scans({ file: process.execPath, args: ['-e', 'process.exit(3)'] });
    expect(await crashing.start('/srv', as('uid:1000'), ignore, new AbortController().signal)).toMatchObject({ outcome: 'failed', message: expect.stringContaining('exit code 3') });
  });
});
