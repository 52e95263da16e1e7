/**
 * `npm run fuzz` (issue 13): the long run of the generator the `npm test` fuzz test uses, against a
 * console process from the build. Prints progress on stderr and one JSON line on stdout:
 * frames/s, crash count and what the frames and requests led to. A crash is counted, its log tail
 * printed, and the console restarted on a fresh data dir so the run goes on.
 *   node dist/fuzz/fuzz.js [--frames 1000000] [--requests N] [--seed S] [--lanes 16] [--rest-lanes 4]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runFuzz, type FuzzRunResult } from './fuzz-runner';
import { legitimateAgentRoundTrip, prepareFuzz, startFuzzTarget } from './fuzz-target';

const HELLO_LANES = 4;
/** Frames per round: progress is printed and the console checked between rounds. */
const ROUND_FRAMES = 5_000;

function positive(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number ≥ 0, got "${text}"`);
  return n;
}

function add(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { frames: { type: 'string' }, requests: { type: 'string' }, seed: { type: 'string' }, lanes: { type: 'string' }, 'rest-lanes': { type: 'string' } },
  });
  const frames = positive(values.frames, 1_000_000, 'frames');
  const requests = positive(values.requests, Math.round(frames / 10), 'requests');
  const seed = positive(values.seed, Date.now() % 2 ** 31, 'seed');
  const lanes = positive(values.lanes, 16, 'lanes');
  const restLanes = positive(values['rest-lanes'], 4, 'rest-lanes');
  const serverBundle = path.join(__dirname, '../console/server.js');

  const total = { frames: 0, requests: 0, stalledFrames: 0, stalledRequests: 0, notSent: 0, wsSeconds: 0, restSeconds: 0, crashes: 0 };
  const outcomes: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const serverErrors: string[] = [];
  let legitimateAckedSeq = 0;
  let round = 0;
  while (total.frames < frames || total.requests + total.notSent < requests) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'dlp-fuzz-'));
    const target = await startFuzzTarget(serverBundle, dataDir);
    // Stopping the fuzzer stops its console too (it would outlive us otherwise).
    const stopTarget = (): void => {
      target.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(130);
    };
    process.once('SIGINT', stopTarget);
    process.once('SIGTERM', stopTarget);
    try {
      const setup = await prepareFuzz(target, HELLO_LANES);
      while (target.alive() && (total.frames < frames || total.requests + total.notSent < requests)) {
        const roundFrames = Math.min(ROUND_FRAMES, frames - total.frames);
        const roundRequests = Math.min(Math.ceil((ROUND_FRAMES * requests) / Math.max(frames, 1)), requests - total.requests - total.notSent);
        const result: FuzzRunResult = await runFuzz({ target, ...setup, frames: roundFrames, requests: roundRequests, seed: seed + round++, preHelloLanes: lanes, restLanes });
        total.frames += result.frames;
        total.requests += result.requests;
        total.stalledFrames += result.framesStalled;
        total.stalledRequests += result.requestsStalled;
        total.notSent += result.requestsNotSent;
        total.wsSeconds += result.wsSeconds;
        total.restSeconds += result.restSeconds;
        add(outcomes, result.outcomes);
        add(statuses, result.statuses);
        serverErrors.push(...result.serverErrors.slice(0, Math.max(0, 20 - serverErrors.length)));
        process.stderr.write(`fuzz: ${total.frames} frames (${Math.round(total.frames / Math.max(total.wsSeconds, 0.001))}/s), ${total.requests} requests, ${total.crashes} crashes\n`);
        if (result.crashed) {
          total.crashes += 1;
          process.stderr.write(`fuzz: the console died (round seed ${seed + round - 1}); its last log lines:\n${target.stderrTail()}\n`);
        }
        if (result.frames === 0 && result.requests === 0 && !result.crashed) throw new Error('a round made no progress');
      }
      if (target.alive()) legitimateAckedSeq = await legitimateAgentRoundTrip(target, setup.admin);
    } finally {
      process.off('SIGINT', stopTarget);
      process.off('SIGTERM', stopTarget);
      await target.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const line = {
    name: 'fuzz',
    frames: total.frames,
    framesPerSecond: Math.round(total.frames / Math.max(total.wsSeconds, 0.001)),
    requests: total.requests,
    requestsPerSecond: Math.round(total.requests / Math.max(total.restSeconds, 0.001)),
    crashes: total.crashes,
    stalledFrames: total.stalledFrames,
    stalledRequests: total.stalledRequests,
    requestsNotSent: total.notSent,
    legitimateAgentAcked: legitimateAckedSeq === 2,
    seed,
    lanes: { preHello: lanes, hello: HELLO_LANES, rest: restLanes },
    outcomes,
    statuses,
    serverErrors,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  if (total.crashes > 0 || total.stalledFrames > 0 || serverErrors.length > 0 || legitimateAckedSeq !== 2) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`fuzz failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
