import { parseArgs } from 'node:util';
import { fieldIssues, LIMITS } from '@dlp/shared';
import { z } from 'zod';

/** Every flag, validated with field paths so a typo gets a clear message rather than a strange run. */
export const simulatorOptions = z.strictObject({
  agents: z.coerce.number().int().min(1).max(100_000),
  /** Events per second for the whole fleet (0: heartbeats only). */
  eps: z.coerce.number().min(0).max(1_000_000),
  url: z.string().regex(/^wss?:\/\/[^\s]+\/agent$/, 'must be ws://host:port/agent or wss://host:port/agent'),
  /** Needed only to enroll agents the state dir does not hold yet. */
  enrollSecret: z.string().min(16).max(128).optional(),
  /** Seconds; 0 runs until interrupted. */
  duration: z.coerce.number().min(0).max(7 * 24 * 3600),
  /** Keeps enrolled credentials between runs (a temp dir, removed at exit, when absent). */
  state: z.string().min(1).max(4096).optional(),
  /** Processes the agents are spread over (each gets its own event loop). */
  workers: z.coerce.number().int().min(1).max(64),
  /** Seconds between heartbeats of one agent. */
  heartbeat: z.coerce.number().min(1).max(3600),
  /** Seconds between progress lines. */
  report: z.coerce.number().min(1).max(3600),
  /** Most events in one batch (the protocol allows up to LIMITS.maxBatchEvents). */
  batch: z.coerce.number().int().min(1).max(LIMITS.maxBatchEvents),
  /** New connections opened at once while the fleet comes up. */
  connectConcurrency: z.coerce.number().int().min(1).max(10_000),
  /** Accept any TLS certificate (a self-signed test console); never for a production console. */
  tlsInsecure: z.boolean(),
});
export type SimulatorOptions = z.infer<typeof simulatorOptions>;

export const SIMULATOR_USAGE = `Usage: npm run simulate -- --agents N --eps E --url ws://HOST:PORT/agent [options]
  --agents N            simulated agents (each its own ws connection and credentials)
  --eps E               events per second for the whole fleet (0: heartbeats only)
  --url URL             the console's agent endpoint, ws://…/agent or wss://…/agent
  --enroll-secret S     enroll secret for agents not yet in --state (or env DLP_ENROLL_SECRET)
  --state DIR           keep credentials here and reuse them next run (default: a temp dir)
  --duration S          stop after S seconds (default 0: until Ctrl-C)
  --workers W           spread agents over W processes (default 1)
  --heartbeat S         seconds between heartbeats per agent (default 30)
  --report S            seconds between progress lines (default 5)
  --batch B             most events per batch (default ${LIMITS.maxBatchEvents})
  --connect-concurrency C  connections opened at once while starting (default 200)
  --tls-insecure        accept any certificate (self-signed test consoles only)
  --help, -h            print this text

An enroll secret allows 60 enrollments a minute unless it was created with its own ratePerMinute
(POST /api/v1/enroll-secrets {"label":"sim","ratePerMinute":100000}, or dlp create-enroll-secret sim
--rate 100000); when the console says "rate_limited" the simulator paces its enrollments to that rate.`;

/** True when the user asked for the usage text (`--help` or `-h` anywhere before a bare `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** Flags (and DLP_ENROLL_SECRET, so the secret need not appear in `ps`) → validated options. */
export function parseSimulatorOptions(argv: string[], env: NodeJS.ProcessEnv): SimulatorOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      agents: { type: 'string' },
      eps: { type: 'string' },
      url: { type: 'string' },
      'enroll-secret': { type: 'string' },
      duration: { type: 'string', default: '0' },
      state: { type: 'string' },
      workers: { type: 'string', default: '1' },
      heartbeat: { type: 'string', default: '30' },
      report: { type: 'string', default: '5' },
      batch: { type: 'string', default: String(LIMITS.maxBatchEvents) },
      'connect-concurrency': { type: 'string', default: '200' },
      'tls-insecure': { type: 'boolean', default: false },
    },
  });
  const parsed = simulatorOptions.safeParse({
    agents: values.agents,
    eps: values.eps,
    url: values.url,
    enrollSecret: values['enroll-secret'] ?? env.DLP_ENROLL_SECRET,
    duration: values.duration,
    state: values.state,
    workers: values.workers,
    heartbeat: values.heartbeat,
    report: values.report,
    batch: values.batch,
    connectConcurrency: values['connect-concurrency'],
    tlsInsecure: values['tls-insecure'],
  });
  if (!parsed.success) {
    throw new Error(fieldIssues(parsed.error).map((i) => `--${i.path.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`).join('\n'));
  }
  return parsed.data;
}
