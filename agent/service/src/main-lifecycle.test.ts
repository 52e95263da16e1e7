import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentEvent } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { STOP_REASON_FILE } from './core/lifecycle-events';
import { bundleAgent, fakeHostAgentConfig, runAgentProcess, type AgentProcess } from './testing/agent-process';
import { makeTempDir, waitFor } from './testing/fixtures';
import { NotifyReceiver } from './testing/notify-receiver';
import { TestConsole } from './testing/test-console';

const key = generateSigningKeyPair();

function agentEvents(console_: TestConsole, message: RegExp): AgentEvent[] {
  return [...console_.events.values()].filter((e) => e.type === 'agent' && e.subject.kind === 'agent' && message.test(e.subject.message));
}

describe('the agent process starting and stopping (stop events, sd_notify)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let bundle: string;
  const processes: AgentProcess[] = [];
  const consoles: TestConsole[] = [];
  const receivers: NotifyReceiver[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('main-lifecycle'));
    bundle = await bundleAgent(dir);
  });
  afterEach(async () => {
    for (const p of processes.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    for (const c of consoles.splice(0)) await c.stop();
    for (const r of receivers.splice(0)) r.stop();
  });
  afterAll(() => cleanup());

  const startConsole = async (port = 0) => {
    const console_ = await TestConsole.start({ key }, port);
    consoles.push(console_);
    return console_;
  };
  const run = (configPath: string, env: NodeJS.ProcessEnv = {}) => {
    const p = runAgentProcess(bundle, ['--config', configPath], env);
    processes.push(p);
    return p;
  };

  it('under systemd: READY=1 once enforcing, WATCHDOG=1 pings, STOPPING=1 at SIGTERM, each naming the agent; the stop event is acked before it exits', async () => {
    const console_ = await startConsole();
    const { configPath } = await fakeHostAgentConfig(path.join(dir, 'notify'), console_);
    const socket = path.join(dir, 'notify.sock');
    const receiver = await NotifyReceiver.start(socket);
    receivers.push(receiver);
    // 300 ms WatchdogSec: a ping every 150 ms.
    const agent = run(configPath, { NOTIFY_SOCKET: socket, WATCHDOG_USEC: '300000' });
    await waitFor(() => receiver.states().filter((s) => s === 'WATCHDOG=1').length >= 2, 'two watchdog pings', 15_000);
    expect(receiver.states()[0]).toBe('READY=1');
    expect(agent.stdout()).toContain('DLP_AGENT_READY');
    await waitFor(() => console_.hellos.length === 1, 'the hello', 15_000);

    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
    expect(receiver.states()).toContain('STOPPING=1');
    expect(receiver.messages.every((m) => m.pid === agent.child.pid)).toBe(true);
    const [stop] = agentEvents(console_, /^agent stopping/);
    expect(stop).toMatchObject({ action: 'info', severity: 'medium', subject: { message: 'agent stopping (SIGTERM)', details: { signal: 'SIGTERM', packageRemoval: false } } });
    expect(agent.stderr()).toContain('the console acked the stop event');
  });

  it('after kill -9 the next start tells the console the agent stopped uncleanly (high), naming the killed process', async () => {
    const console_ = await startConsole();
    const { configPath } = await fakeHostAgentConfig(path.join(dir, 'crash'), console_);
    const first = run(configPath);
    await waitFor(() => console_.hellos.length === 1, 'the first hello', 15_000);
    first.child.kill('SIGKILL');
    await first.exit;

    const second = run(configPath);
    const [unclean] = await waitFor(() => {
      const found = agentEvents(console_, /unclean stop/);
      return found.length > 0 ? found : null;
    }, 'the unclean-stop event', 15_000);
    expect(unclean).toMatchObject({ severity: 'high', subject: { message: 'agent restarted after an unclean stop (crash, kill -9 or power loss)', details: { previousPid: first.child.pid } } });
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
    // A clean stop is not reported as unclean by the start after it.
    const third = run(configPath);
    await waitFor(() => console_.hellos.length === 3, 'the third hello', 15_000);
    third.child.kill('SIGTERM');
    expect(await third.exit).toBe(0);
    expect(agentEvents(console_, /unclean stop/)).toHaveLength(1);
  });

  it('removed while the console is unreachable: exits at once, and the console learns of the removal when the agent is back', async () => {
    const console_ = await startConsole();
    const { configPath, dataDir } = await fakeHostAgentConfig(path.join(dir, 'offline'), console_);
    const agent = run(configPath);
    await waitFor(() => console_.hellos.length === 1, 'the hello', 15_000);
    const identity = { agentId: console_.agentId, token: console_.token, port: console_.port };
    await console_.stop();
    consoles.splice(consoles.indexOf(console_), 1);
    // What the package's prerm writes before it stops the service.
    await writeFile(path.join(dataDir, STOP_REASON_FILE), 'package-removal\n');
    const stoppedAt = Date.now();
    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
    // Disconnected: no 2 s wait for an ack that cannot come.
    expect(Date.now() - stoppedAt).toBeLessThan(1500);
    expect(agent.stderr()).toContain('the console did not ack the stop event in time');

    const back = await startConsole(identity.port);
    back.agentId = identity.agentId;
    back.token = identity.token;
    const again = run(configPath);
    const [removal] = await waitFor(() => {
      const found = agentEvents(back, /package removal/);
      return found.length > 0 ? found : null;
    }, 'the stop event from the outbox', 15_000);
    expect(removal).toMatchObject({ severity: 'high', subject: { message: 'agent stopping for package removal (SIGTERM)', details: { signal: 'SIGTERM', packageRemoval: true } } });
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  });
});
