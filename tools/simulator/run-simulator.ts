import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureEnrolled } from './enroll';
import { Fleet, mergeStats, type FleetStats } from './fleet';
import { LatencyHistogram } from './latency-histogram';
import type { SimulatorOptions } from './options';
import type { AgentCredentials } from './sim-agent';

/** The last line a run prints (JSON), also returned to callers such as tests. */
export interface SimulatorSummary {
  seconds: number;
  agents: number;
  connected: number;
  sent: number;
  acked: number;
  ackedPerSecond: number;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  backlog: number;
  policies: number;
  errors: Record<string, number>;
}

/** Messages between the parent and its worker processes. */
type ToWorker = { type: 'start'; creds: AgentCredentials[]; options: SimulatorOptions; eps: number } | { type: 'stop' };
type FromWorker = { type: 'stats'; stats: FleetStats } | { type: 'stopped'; stats: FleetStats };

/** Where a run's agents live: this process, or W child processes that report every second. */
interface FleetHandle {
  stats(): FleetStats;
  stop(): Promise<FleetStats>;
}

async function localFleet(creds: AgentCredentials[], options: SimulatorOptions): Promise<FleetHandle> {
  const fleet = new Fleet(creds, { url: options.url, batch: options.batch, heartbeatMs: options.heartbeat * 1000, tlsInsecure: options.tlsInsecure }, options.eps);
  await fleet.connectAll(options.connectConcurrency);
  fleet.start();
  return {
    stats: () => fleet.take(),
    stop: async () => {
      fleet.stop();
      return fleet.take();
    },
  };
}

function workerFleets(creds: AgentCredentials[], options: SimulatorOptions, entry: string): FleetHandle {
  const latest = new Map<ChildProcess, FleetStats>();
  const latency = new LatencyHistogram();
  const children: ChildProcess[] = [];
  const per = Math.ceil(creds.length / options.workers);
  for (let w = 0; w < options.workers; w++) {
    const slice = creds.slice(w * per, (w + 1) * per);
    if (slice.length === 0) continue;
    const child = fork(entry, [], { env: { ...process.env, DLP_SIMULATOR_WORKER: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message: FromWorker) => {
      latest.set(child, message.stats);
      latency.merge({ counts: message.stats.ackLatency });
    });
    child.send({ type: 'start', creds: slice, options, eps: (options.eps * slice.length) / creds.length } satisfies ToWorker);
    children.push(child);
  }
  const snapshot = (): FleetStats => {
    const merged = mergeStats([...latest.values()]);
    merged.ackLatency = [...latency.counts];
    latency.reset();
    return merged;
  };
  return {
    stats: snapshot,
    stop: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once('exit', () => resolve());
              child.send({ type: 'stop' } satisfies ToWorker);
            }),
        ),
      );
      return snapshot();
    },
  };
}

/** Worker process body: run the slice it is given and report every second until told to stop. */
export function runWorker(): void {
  let fleet: Fleet | undefined;
  let timer: NodeJS.Timeout | undefined;
  process.on('message', (message: ToWorker) => {
    if (message.type === 'start') {
      const o = message.options;
      fleet = new Fleet(message.creds, { url: o.url, batch: o.batch, heartbeatMs: o.heartbeat * 1000, tlsInsecure: o.tlsInsecure }, message.eps);
      const running = fleet;
      void running.connectAll(o.connectConcurrency).then(() => running.start());
      timer = setInterval(() => process.send?.({ type: 'stats', stats: running.take() } satisfies FromWorker), 1000);
    } else {
      clearInterval(timer);
      fleet?.stop();
      const stats = fleet?.take();
      if (stats) process.send?.({ type: 'stopped', stats } satisfies FromWorker, () => process.exit(0));
      else process.exit(0);
    }
  });
  // The parent went away: do not linger with thousands of sockets open.
  process.on('disconnect', () => process.exit(0));
}

const round = (n: number): number | null => (Number.isFinite(n) ? Number(n.toFixed(1)) : null);

/** One progress line: connected, sent, acked, rates, ack latency percentiles, backlog, errors. */
export function progressLine(elapsedS: number, stats: FleetStats, previous: FleetStats | undefined, windowS: number): string {
  const latency = new LatencyHistogram(stats.ackLatency);
  const rate = (now: number, before: number | undefined): number => Math.round((now - (before ?? 0)) / windowS);
  const errors = Object.values(stats.errors).reduce((a, b) => a + b, 0);
  return (
    `[${elapsedS.toFixed(0).padStart(5)}s] connected ${stats.connected}/${stats.agents}` +
    ` | sent ${stats.sent} (${rate(stats.sent, previous?.sent)}/s) | acked ${stats.acked} (${rate(stats.acked, previous?.acked)}/s)` +
    ` | ack p50 ${round(latency.percentile(50)) ?? '-'} ms p99 ${round(latency.percentile(99)) ?? '-'} ms` +
    ` | backlog ${stats.backlog} | policies ${stats.policies} | errors ${errors}${errors > 0 ? ` ${JSON.stringify(stats.errors)}` : ''}`
  );
}

/**
 * A whole run: enroll what is missing, bring the fleet up, print a progress line every
 * `options.report` seconds until `duration` (or `signal`) ends it, then a JSON summary line.
 */
export async function runSimulator(options: SimulatorOptions, io: { write(line: string): void; signal?: AbortSignal; workerEntry?: string }): Promise<SimulatorSummary> {
  const stateDir = options.state ?? mkdtempSync(path.join(tmpdir(), 'dlp-simulator-'));
  try {
    const creds = await ensureEnrolled({
      url: options.url,
      count: options.agents,
      secret: options.enrollSecret,
      dir: stateDir,
      tlsInsecure: options.tlsInsecure,
      progress: (done) => done % 1000 === 0 && io.write(`enrolled ${done}/${options.agents}`),
      notice: (line) => io.write(line),
    });
    const started = Date.now();
    const handle = options.workers > 1 && io.workerEntry ? workerFleets(creds, options, io.workerEntry) : await localFleet(creds, options);
    const total = new LatencyHistogram();
    let previous: FleetStats | undefined;
    await new Promise<void>((resolve) => {
      const report = setInterval(() => {
        const stats = handle.stats();
        total.merge({ counts: stats.ackLatency });
        io.write(progressLine((Date.now() - started) / 1000, stats, previous, options.report));
        previous = stats;
      }, options.report * 1000);
      const end = (): void => {
        clearInterval(report);
        clearTimeout(deadline);
        resolve();
      };
      const deadline = options.duration > 0 ? setTimeout(end, options.duration * 1000) : undefined;
      io.signal?.addEventListener('abort', end, { once: true });
    });
    const last = await handle.stop();
    total.merge({ counts: last.ackLatency });
    const seconds = (Date.now() - started) / 1000;
    const summary: SimulatorSummary = {
      seconds: Number(seconds.toFixed(1)),
      agents: last.agents,
      connected: last.connected,
      sent: last.sent,
      acked: last.acked,
      ackedPerSecond: Math.round(last.acked / seconds),
      ackP50Ms: round(total.percentile(50)),
      ackP99Ms: round(total.percentile(99)),
      backlog: last.backlog,
      policies: last.policies,
      errors: last.errors,
    };
    io.write(JSON.stringify({ summary }));
    return summary;
  } finally {
    if (options.state === undefined) rmSync(stateDir, { recursive: true, force: true });
  }
}
