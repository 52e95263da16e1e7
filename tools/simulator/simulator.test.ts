import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEnrollSecret, startTestConsole, type TestConsole } from '../../console/server/src/testing/test-console';
import { LatencyHistogram } from './latency-histogram';
import { parseSimulatorOptions, SIMULATOR_USAGE, wantsHelp, type SimulatorOptions } from './options';
import { runSimulator } from './run-simulator';

describe('fleet simulator against a real console', () => {
  let t: TestConsole;
  let state: string;

  beforeAll(async () => {
    t = await startTestConsole();
    state = mkdtempSync(path.join(tmpdir(), 'dlp-sim-test-'));
  });
  afterAll(async () => {
    await t.stop();
    rmSync(state, { recursive: true, force: true });
  });

  it('enrolls, connects, sends events that the console acks and stores, and reuses its credentials next run', async () => {
    const secret = await createEnrollSecret(t.admin);
    const base: SimulatorOptions = parseSimulatorOptions(['--agents', '5', '--eps', '200', '--url', t.console.agentUrl, '--duration', '3', '--report', '1', '--heartbeat', '1', '--state', state], {
      DLP_ENROLL_SECRET: secret,
    });
    const lines: string[] = [];
    const first = await runSimulator(base, { write: (line) => void lines.push(line) });
    expect(first).toMatchObject({ agents: 5, errors: {} });
    expect(first.acked).toBeGreaterThan(0);
    expect(first.acked).toBeLessThanOrEqual(first.sent);
    // Every agent got the default group's signed policy on hello and sent a receipt.
    expect(first.policies).toBeGreaterThanOrEqual(5);
    expect(lines.some((l) => /^\[\s*\d+s\] connected 5\/5 \| sent \d+/.test(l))).toBe(true);
    expect(JSON.parse(lines[lines.length - 1] ?? '{}')).toEqual({ summary: first });

    const events = await t.admin.json<{ items: unknown[] }>('GET', '/api/v1/events?limit=1000');
    expect(events.body.items.length).toBeGreaterThanOrEqual(first.acked > 1000 ? 1000 : first.acked);
    // Credentials are kept owner-only.
    expect(statSync(path.join(state, 'simulated-agents.json')).mode & 0o077).toBe(0);

    // Second run: no secret needed, the same five agents come back (the console still has five).
    const second = await runSimulator({ ...base, enrollSecret: undefined, eps: 0, duration: 1 }, { write: () => undefined });
    expect(second).toMatchObject({ agents: 5, connected: 5, errors: {} });
    const agents = await t.admin.json<{ items: unknown[] }>('GET', '/api/v1/agents');
    expect(agents.body.items).toHaveLength(5);
  });
});

describe('fleet simulator against a console that rate limits enrollments', () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await startTestConsole();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('enrolls more agents than the secret allows a minute by pacing to the console rate, and reports its clock at hello', async () => {
    // 60 a minute (the default): the first 60 at once, then one a second.
    const created = await t.admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'sim', ratePerMinute: 60 });
    expect(created.status).toBe(201);
    const agents = 64;
    // Heartbeats far apart: only the hello can have told the console this agent's clock.
    const options = parseSimulatorOptions(['--agents', String(agents), '--eps', '0', '--url', t.console.agentUrl, '--duration', '1', '--heartbeat', '3600'], {
      DLP_ENROLL_SECRET: created.body.secret,
    });
    const lines: string[] = [];
    const summary = await runSimulator(options, { write: (line) => void lines.push(line) });
    expect(summary).toMatchObject({ agents, connected: agents, errors: {} });
    expect(lines.filter((l) => l.includes('rate limits enrollments'))).toHaveLength(1);
    const listed = await t.admin.json<{ items: Array<{ clock?: { offsetMs: number } | null }> }>('GET', '/api/v1/agents?limit=500');
    expect(listed.body.items).toHaveLength(agents);
    for (const agent of listed.body.items) expect(Math.abs(agent.clock?.offsetMs ?? Number.NaN)).toBeLessThan(5000);
  });
});

describe('simulator options', () => {
  it('recognises a request for the usage text', () => {
    expect(wantsHelp(['--help'])).toBe(true);
    expect(wantsHelp(['--agents', '2', '-h'])).toBe(true);
    expect(wantsHelp(['--agents', '2'])).toBe(false);
    expect(wantsHelp(['--', '--help'])).toBe(false);
    expect(SIMULATOR_USAGE).toContain('ratePerMinute');
  });

  it('validates flags with their names in the message', () => {
    expect(() => parseSimulatorOptions(['--agents', '0', '--eps', '1', '--url', 'ws://h:1/agent'], {})).toThrow(/--agents:/);
    expect(() => parseSimulatorOptions(['--agents', '1', '--eps', '1', '--url', 'http://h/agent'], {})).toThrow(/--url: must be ws/);
    expect(() => parseSimulatorOptions(['--agents', '1', '--eps', '1', '--url', 'ws://h:1/agent', '--workers', 'x'], {})).toThrow(/--workers:/);
    expect(parseSimulatorOptions(['--agents', '2', '--eps', '0', '--url', 'ws://h:1/agent'], {})).toMatchObject({ agents: 2, workers: 1, heartbeat: 30, duration: 0 });
  });
});

describe('LatencyHistogram', () => {
  it('gives percentiles within 5 % and merges counts', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms++) (ms <= 50 ? a : b).record(ms);
    a.merge(b);
    expect(a.count).toBe(100);
    expect(a.percentile(50)).toBeGreaterThanOrEqual(50);
    expect(a.percentile(50)).toBeLessThanOrEqual(52.5);
    expect(a.percentile(99)).toBeGreaterThanOrEqual(99);
    expect(a.percentile(99)).toBeLessThanOrEqual(104);
    expect(new LatencyHistogram().percentile(50)).toBeNaN();
  });
});
