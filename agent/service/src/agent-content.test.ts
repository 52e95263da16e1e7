import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { agentConfig, type AgentEvent, type PolicyDocumentInput } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent, type RunningAgent } from './agent';
import { createFakePlatform } from './platform/fake/fake-platform';
import { residentIds, writeCustomerCsv } from './testing/content-fixtures';
import { makeTempDir, signedPolicyFor, waitFor } from './testing/fixtures';
import { recordingLogger, type RecordedLine } from './testing/recording-logger';
import { TestConsole } from './testing/test-console';

const key = generateSigningKeyPair();

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('watched folders in the whole agent (fake platform, test console)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let console_: TestConsole;
  let agent: RunningAgent | null = null;
  let lines: RecordedLine[];

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('agent-content'));
    console_ = await TestConsole.start({ key });
    lines = [];
  });
  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await console_.stop();
    await cleanup();
  });

  async function startWith(document: Partial<PolicyDocumentInput>): Promise<RunningAgent> {
    const config = agentConfig.parse({ consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir: path.join(dir, 'data'), scanIntervalMs: 50 });
    const platform = createFakePlatform({ root: path.join(dir, 'host') });
    const started = await startAgent(config, { platform, log: recordingLogger(lines), linkTimings: { backoffBaseMs: 20, backoffCapMs: 200 } });
    agent = started;
    await waitFor(() => started.linkState() === 'ready', 'the agent to be welcomed');
    console_.pushPolicy(signedPolicyFor(key, 6, document));
    // The receipt is sent once every control has the policy (the watcher is in place by then).
    await waitFor(() => console_.receipts.some((r) => r.serial === 6 && r.status === 'applied'), 'the policy receipt');
    return started;
  }

  const contentEvents = (): AgentEvent[] => [...console_.events.values()].filter((e) => e.type === 'content');

  it('reports a customer list dropped in a watched folder to the console; no raw ID in the data dir, the logs or the event', async () => {
    const outbound = path.join(dir, 'outbound');
    await mkdir(outbound);
    const running = await startWith({ content: { enabled: true, detectors: ['cn-resident-id'], watchedPaths: [outbound] } });
    const ids = residentIds(20);
    const file = path.join(outbound, '客户名单.csv');
    await writeCustomerCsv(file, ids);
    const [event] = await waitFor(() => (contentEvents().length > 0 ? contentEvents() : null), 'the content event at the console');

    expect(event).toMatchObject({
      action: 'would-block',
      severity: 'medium',
      ruleId: 'content:bulk-pii',
      policySerial: 6,
      host: 'ws-test-01',
      subject: { kind: 'file', path: file, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), matches: { 'cn-resident-id': 20 } },
    });
    expect(event?.subject.kind === 'file' && event.subject.samples).toHaveLength(5);
    expect((await stat(file)).isFile()).toBe(true); // report: the file stays

    await running.flushEvents();
    await running.stop();
    agent = null;
    // The outbox database (and its WAL), the policy files, everything the agent keeps on disk.
    const kept = await filesUnder(path.join(dir, 'data'));
    expect(kept.some((f) => f.includes('.db') || f.includes('sqlite'))).toBe(true);
    const haystacks = [...(await Promise.all(kept.map((f) => readFile(f)))), Buffer.from(JSON.stringify(lines)), Buffer.from(JSON.stringify([...console_.events.values()]))];
    for (const id of ids) for (const haystack of haystacks) expect(haystack.includes(id)).toBe(false);
  });

  it('quarantines in enforce mode and reports it blocked; only the quarantined file itself holds the IDs', async () => {
    const outbound = path.join(dir, 'outbound');
    await mkdir(outbound);
    const running = await startWith({ mode: 'enforce', content: { enabled: true, watchedPaths: [outbound], action: 'quarantine' } });
    const ids = residentIds(30);
    const file = path.join(outbound, 'export.csv');
    await writeCustomerCsv(file, ids);
    const [event] = await waitFor(() => (contentEvents().length > 0 ? contentEvents() : null), 'the content event at the console');
    expect(event).toMatchObject({ action: 'blocked', ruleId: 'content:quarantined', subject: { path: file, matches: { 'cn-resident-id': 30 } } });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });

    await running.flushEvents();
    const quarantine = path.join(dir, 'data', 'quarantine');
    const moved = (await readdir(quarantine)).filter((name) => !name.endsWith('.json'));
    expect(moved).toHaveLength(1);
    const elsewhere = (await filesUnder(path.join(dir, 'data'))).filter((f) => f !== path.join(quarantine, moved[0] ?? ''));
    const haystacks = [...(await Promise.all(elsewhere.map((f) => readFile(f)))), Buffer.from(JSON.stringify(lines))];
    for (const id of ids) for (const haystack of haystacks) expect(haystack.includes(id)).toBe(false);
  });

  it('reports a customer list put in a watched folder while the agent was stopped, once across restarts', async () => {
    const outbound = path.join(dir, 'outbound');
    await mkdir(outbound);
    const first = await startWith({ content: { enabled: true, detectors: ['cn-resident-id'], watchedPaths: [outbound] } });
    await first.stop();
    agent = null;
    const file = path.join(outbound, 'copied-while-stopped.csv');
    await writeCustomerCsv(file, residentIds(20));

    // The policy comes from the agent's disk at boot, before any network (principle 1).
    const config = agentConfig.parse({ consoleUrl: console_.url, dataDir: path.join(dir, 'data'), scanIntervalMs: 50 });
    const restart = async (): Promise<RunningAgent> => {
      const started = await startAgent(config, { platform: createFakePlatform({ root: path.join(dir, 'host') }), log: recordingLogger(lines), linkTimings: { backoffBaseMs: 20, backoffCapMs: 200 } });
      agent = started;
      await waitFor(() => started.capabilities().notes.find((n) => n.startsWith('content: files already in watched folders looked at')), 'the look at present files');
      await started.flushEvents();
      await waitFor(() => started.outboxDepth() === 0, 'every event acked by the console');
      return started;
    };
    const second = await restart();
    expect(contentEvents()).toEqual([expect.objectContaining({ action: 'would-block', ruleId: 'content:bulk-pii', subject: expect.objectContaining({ path: file, matches: { 'cn-resident-id': 20 } }) })]);
    await second.stop();
    agent = null;

    await restart();
    expect(contentEvents()).toHaveLength(1);
  });
});
