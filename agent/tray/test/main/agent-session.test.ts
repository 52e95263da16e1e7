import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { IPC_VERSION, uuidv7, type IpcNotice, type IpcRequest } from '@dlp/shared';
import { AgentSession, type AgentLink } from '../../src/main/agent-session';
import { FakeAgent, socketDir, until } from './fake-agent';
import { sampleBlock, sampleStatus } from './samples';

const appTarget = { kind: 'app' as const, sha256: 'a'.repeat(64), exePath: '/usr/bin/tool' };

describe('AgentSession: the TrayApi calls over the agent socket', () => {
  let socketPath: string;
  let cleanup: () => void;
  let agent: FakeAgent;
  let session: AgentSession;

  beforeEach(async () => {
    ({ socketPath, cleanup } = socketDir());
    agent = await FakeAgent.start(socketPath, sampleStatus({ protection: 'protected' }));
    session = new AgentSession({ socketPath, initialBackoffMs: 20, maxBackoffMs: 100 });
  });
  afterEach(async () => {
    session.stop();
    await agent.close();
    cleanup();
  });

  it('maps each answer to the value the page asked for', async () => {
    const requestId = uuidv7();
    agent.answer = (request: IpcRequest) => {
      switch (request.type) {
        case 'status':
          return { v: IPC_VERSION, type: 'status-result', status: sampleStatus({ protection: 'monitor-only' }) };
        case 'recent-blocks':
          return { v: IPC_VERSION, type: 'recent-blocks-result', blocks: [sampleBlock({ what: '/usr/bin/nc' })] };
        case 'my-requests':
          return { v: IPC_VERSION, type: 'my-requests-result', requests: [{ requestId, requestedAt: new Date().toISOString(), target: appTarget, requestedMinutes: 60, user: 'zhangsan', state: 'pending' }] };
        case 'request-exception':
          return { v: IPC_VERSION, type: 'request-exception-result', result: { ok: true, requestId, message: 'sent' } };
        case 'unlock':
          return { v: IPC_VERSION, type: 'unlock-result', result: { ok: false, reason: 'checksum', position: 7, message: 'typo' } };
        case 'tray-report':
          return { v: IPC_VERSION, type: 'tray-report-result', recorded: true };
        default:
          return { v: IPC_VERSION, type: 'error', code: 'bad_request', message: 'unexpected' };
      }
    };
    const status = await session.status();
    expect(status).toMatchObject({ ok: true, value: { protection: 'monitor-only' } });
    expect(session.latestStatus()?.protection).toBe('monitor-only');
    expect(await session.recentBlocks()).toMatchObject({ ok: true, value: [{ what: '/usr/bin/nc' }] });
    expect(await session.myRequests()).toMatchObject({ ok: true, value: [{ requestId, state: 'pending' }] });
    expect(await session.requestException({ target: appTarget, justification: 'quarterly close', requestedMinutes: 60 })).toEqual({ ok: true, value: { ok: true, requestId, message: 'sent' } });
    expect(await session.unlock('ABCD-EFGH')).toEqual({ ok: true, value: { ok: false, reason: 'checksum', position: 7, message: 'typo' } });
    expect(await session.reportTray({ state: 'shown', shownOn: 2, displays: 2 })).toEqual({ ok: true, value: true });
    // The tray asks only for its own user: it never names one, the agent takes it from the kernel.
    const sent = agent.requests.find((r) => r.type === 'request-exception');
    expect(sent).toEqual({ v: 1, type: 'request-exception', target: appTarget, justification: 'quarterly close', requestedMinutes: 60 });
    expect(agent.requests.find((r) => r.type === 'recent-blocks')).toMatchObject({ limit: 200 });
  });

  it('maps the agent\'s errors: rate limited with its delay, forbidden, and the rest as an error with the message', async () => {
    agent.answer = () => ({ v: IPC_VERSION, type: 'error', code: 'rate_limited', message: 'slow down', retryAfterMs: 1500 });
    expect(await session.unlock('X')).toEqual({ ok: false, failure: 'rate-limited', retryAfterMs: 1500 });
    agent.answer = () => ({ v: IPC_VERSION, type: 'error', code: 'rate_limited', message: 'slow down' });
    expect(await session.unlock('X')).toEqual({ ok: false, failure: 'rate-limited', retryAfterMs: 5000 });
    agent.answer = () => ({ v: IPC_VERSION, type: 'error', code: 'forbidden', message: 'not for others' });
    expect(await session.myRequests()).toEqual({ ok: false, failure: 'forbidden' });
    agent.answer = () => ({ v: IPC_VERSION, type: 'error', code: 'internal_error', message: 'disk full' });
    expect(await session.recentBlocks()).toEqual({ ok: false, failure: 'error', message: 'internal_error: disk full' });
    // An answer of the wrong type is not passed off as the value asked for.
    agent.answer = () => ({ v: IPC_VERSION, type: 'tray-report-result', recorded: true });
    expect(await session.status()).toEqual({ ok: false, failure: 'error', message: expect.stringContaining('tray-report-result') });
  });

  it('says agent-not-running when nothing listens (no socket file, or a stale one)', async () => {
    await agent.close();
    expect(existsSync(socketPath)).toBe(false);
    expect(await session.status()).toEqual({ ok: false, failure: 'agent-not-running' });
    // A socket file left by a killed agent: the connection is refused.
    const stale = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect(stale.signal).toBe('SIGKILL');
    expect(existsSync(socketPath)).toBe(true);
    expect(await session.unlock('X')).toEqual({ ok: false, failure: 'agent-not-running' });
  });

  it('reports a garbled answer as an error, not as the agent being down', async () => {
    await agent.close();
    const garbling = net.createServer((socket) => socket.on('data', () => socket.write('this is not JSON\n')));
    await new Promise<void>((resolve) => garbling.listen(socketPath, resolve));
    try {
      expect(await session.status()).toEqual({ ok: false, failure: 'error', message: 'the agent sent an answer that is not JSON' });
    } finally {
      await new Promise((resolve) => garbling.close(resolve));
    }
  });
});

describe('AgentSession: the notice subscription', () => {
  let socketPath: string;
  let cleanup: () => void;
  let agent: FakeAgent | null = null;
  let session: AgentSession;
  const links: AgentLink[] = [];
  const notices: IpcNotice['notice'][] = [];

  beforeEach(() => {
    ({ socketPath, cleanup } = socketDir());
    links.length = 0;
    notices.length = 0;
    session = new AgentSession({ socketPath, initialBackoffMs: 20, maxBackoffMs: 100 });
    session.onChange((link) => links.push(link));
    session.onNotice((notice) => notices.push(notice));
  });
  afterEach(async () => {
    session.stop();
    await agent?.close();
    agent = null;
    cleanup();
  });

  it('holds the status, forwards notices, and reconnects after the agent restarts', async () => {
    agent = await FakeAgent.start(socketPath, sampleStatus({ protection: 'protected' }));
    session.start();
    await until(() => session.link() === 'connected', 5_000, 'first subscription');
    expect(session.latestStatus()?.protection).toBe('protected');

    const block = sampleBlock();
    agent.push({ kind: 'block', block });
    agent.push({ kind: 'status', status: sampleStatus({ protection: 'monitor-only' }) });
    await until(() => notices.length === 2, 5_000, 'two notices');
    expect(notices[0]).toEqual({ kind: 'block', block });
    expect(session.latestStatus()?.protection).toBe('monitor-only');

    // The agent stops: the tray notices, keeps the last status, and says the agent is not running.
    await agent.close();
    agent = null;
    await until(() => session.link() === 'agent-not-running', 5_000, 'agent-not-running');
    expect(session.latestStatus()?.protection).toBe('monitor-only');

    // It comes back on the same socket: the tray subscribes again by itself.
    agent = await FakeAgent.start(socketPath, sampleStatus({ protection: 'no-policy' }));
    await until(() => session.link() === 'connected', 5_000, 'resubscription');
    expect(session.latestStatus()?.protection).toBe('no-policy');
    expect(agent.subscriberCount()).toBe(1);
    agent.push({ kind: 'block', block: sampleBlock({ what: '/usr/bin/after-restart' }) });
    await until(() => notices.length === 3, 5_000, 'a notice after the restart');
    expect(links).toEqual(expect.arrayContaining(['connected', 'agent-not-running']));
  });

  it('starts before the agent and connects once it appears', async () => {
    session.start();
    await until(() => session.link() === 'agent-not-running', 5_000, 'agent-not-running');
    expect(session.latestStatus()).toBeNull();
    agent = await FakeAgent.start(socketPath, sampleStatus({ protection: 'protected' }));
    await until(() => session.link() === 'connected', 5_000, 'connection once the agent runs');
  });

  it('stops retrying when stopped', async () => {
    session.start();
    await until(() => session.link() === 'agent-not-running', 5_000, 'agent-not-running');
    session.stop();
    agent = await FakeAgent.start(socketPath, sampleStatus({ protection: 'protected' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(agent.subscriberCount()).toBe(0);
    expect(session.link()).toBe('agent-not-running');
  });
});
