import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir } from '../testing/fixtures';
import { AGENT_VERSION } from '../version';
import type { EventInput } from './event-factory';
import { AgentLifecycle, RUNNING_MARKER_FILE, STOP_DELIVERY_MS, STOP_REASON_FILE, type StopDelivery } from './lifecycle-events';
import { silentLogger } from './logger';

describe('agent lifecycle events (stop, unclean stop)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let recorded: EventInput[];
  let clock: number;
  const record = (event: EventInput) => void recorded.push(event);
  const begin = () => AgentLifecycle.begin({ dataDir: dir, record, log: silentLogger, now: () => clock });
  const delivery = (acked: boolean): StopDelivery & { waited: number[] } => {
    const waited: number[] = [];
    return { waited, flush: async () => undefined, drain: async (ms) => (waited.push(ms), acked) };
  };

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('lifecycle'));
    recorded = [];
    clock = Date.parse('2026-12-06T08:00:00Z');
  });
  afterEach(() => cleanup());

  it('a first start reports nothing and leaves a running marker; a clean stop reports the signal and uptime, and the next start reports nothing', async () => {
    const first = await begin();
    expect(recorded).toEqual([]);
    expect(JSON.parse(await readFile(path.join(dir, RUNNING_MARKER_FILE), 'utf8'))).toEqual({ pid: process.pid, startedAt: '2026-12-06T08:00:00.000Z', agentVersion: AGENT_VERSION });

    clock += 3_725_400;
    const sent = delivery(true);
    expect(await first.stopping('SIGTERM', sent)).toBe(true);
    expect(sent.waited).toEqual([STOP_DELIVERY_MS]);
    expect(recorded).toEqual([
      { type: 'agent', action: 'info', severity: 'medium', subject: { kind: 'agent', message: 'agent stopping (SIGTERM)', details: { signal: 'SIGTERM', uptimeS: 3725, packageRemoval: false } } },
    ]);
    await first.ended();
    expect(existsSync(path.join(dir, RUNNING_MARKER_FILE))).toBe(false);

    recorded = [];
    await begin();
    expect(recorded).toEqual([]);
  });

  it('a start after a run that never stopped cleanly reports it, high, with what the marker knew of that run', async () => {
    await begin(); // and then "kill -9": no stopping(), no ended()
    clock += 60_000;
    await begin();
    expect(recorded).toEqual([
      {
        type: 'agent',
        action: 'info',
        severity: 'high',
        subject: {
          kind: 'agent',
          message: 'agent restarted after an unclean stop (crash, kill -9 or power loss)',
          details: { previousPid: process.pid, previousStartedAt: '2026-12-06T08:00:00.000Z', previousVersion: AGENT_VERSION },
        },
      },
    ]);
    // The marker now describes this run.
    expect(JSON.parse(await readFile(path.join(dir, RUNNING_MARKER_FILE), 'utf8')).startedAt).toBe('2026-12-06T08:01:00.000Z');
  });

  it('a torn marker still counts as an unclean stop, without details', async () => {
    await writeFile(path.join(dir, RUNNING_MARKER_FILE), '{"pid":12');
    await begin();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.subject).toEqual({ kind: 'agent', message: 'agent restarted after an unclean stop (crash, kill -9 or power loss)', details: {} });
  });

  it('a stop for package removal says so (high) and consumes the reason file; an unknown reason is ignored', async () => {
    const lifecycle = await begin();
    await writeFile(path.join(dir, STOP_REASON_FILE), 'package-removal\n');
    expect(await lifecycle.stopping('SIGTERM', delivery(false))).toBe(false);
    expect(recorded[0]).toMatchObject({ severity: 'high', subject: { message: 'agent stopping for package removal (SIGTERM)', details: { signal: 'SIGTERM', packageRemoval: true } } });
    expect(existsSync(path.join(dir, STOP_REASON_FILE))).toBe(false);

    await writeFile(path.join(dir, STOP_REASON_FILE), 'because-i-said-so\n');
    await lifecycle.stopping('SIGINT', delivery(true));
    expect(recorded[1]).toMatchObject({ severity: 'medium', subject: { message: 'agent stopping (SIGINT)', details: { packageRemoval: false } } });
    expect(existsSync(path.join(dir, STOP_REASON_FILE))).toBe(false);
  });

  it('a reason file left from an earlier removal that never stopped an agent is dropped at start', async () => {
    await writeFile(path.join(dir, STOP_REASON_FILE), 'package-removal\n');
    const lifecycle = await begin();
    expect(existsSync(path.join(dir, STOP_REASON_FILE))).toBe(false);
    await lifecycle.stopping('SIGTERM', delivery(true));
    expect(recorded[0]?.subject).toMatchObject({ message: 'agent stopping (SIGTERM)' });
  });

  it('a failing delivery does not fail the stop', async () => {
    const lifecycle = await begin();
    const broken: StopDelivery = { flush: () => Promise.reject(new Error('database closed')), drain: async () => true };
    expect(await lifecycle.stopping('SIGTERM', broken)).toBe(false);
    expect(recorded).toHaveLength(1);
  });
});
