import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { IPC_VERSION, type IpcRequest } from '@dlp/shared';
import { IpcServer } from './core/ipc/ipc-server';
import { agentSocketPath } from './core/ipc/ipc-client';
import { silentLogger } from './core/logger';
import { REQUEST_EXCEPTION_EXIT, runRequestExceptionCommand } from './request-exception-command';
import { makeTempDir } from './testing/fixtures';

describe('dlp-agent request-exception', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let configPath: string;
  let out: string[];
  let err: string[];
  const io = (env: NodeJS.ProcessEnv = {}) => ({ out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), env });

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('request-exception'));
    configPath = path.join(dir, 'agent.json');
    await writeFile(configPath, JSON.stringify({ consoleUrl: 'ws://127.0.0.1:1/agent', dataDir: dir }));
    out = [];
    err = [];
  });
  afterEach(() => cleanup());

  it('sends a USB request (with the sudo user) over the local socket and prints the agent’s answer', async () => {
    const received: IpcRequest[] = [];
    const server = await IpcServer.listen(
      agentSocketPath(dir),
      async (request) => {
        received.push(request);
        return { v: IPC_VERSION, type: 'request-exception-result', result: { ok: false, reason: 'offline', message: 'The console cannot be reached right now.' } };
      },
      silentLogger,
    );
    try {
      const code = await runRequestExceptionCommand(['--config', configPath, '--usb', '0781:5567:4C530001', '--minutes', '90', '--reason', 'audit export'], io({ SUDO_USER: 'alice' }));
      expect(code).toBe(REQUEST_EXCEPTION_EXIT.refused);
      expect(err).toEqual(['The console cannot be reached right now.']);
      expect(received).toEqual([
        { v: 1, type: 'request-exception', target: { kind: 'usb-device', device: { vendorId: '0781', productId: '5567', serial: '4C530001' } }, justification: 'audit export', requestedMinutes: 90, user: 'alice' },
      ]);
    } finally {
      await server.close();
    }
  });

  it('refuses bad usage and invalid values with exit 2, and says when the agent is not running', async () => {
    expect(await runRequestExceptionCommand(['--config', configPath, '--minutes', '5', '--reason', 'x'], io())).toBe(REQUEST_EXCEPTION_EXIT.badUsage);
    expect(err.pop()).toMatch(/^usage: dlp-agent request-exception/);
    expect(await runRequestExceptionCommand(['--config', configPath, '--usb', 'zz:5567:S', '--minutes', '5', '--reason', 'x'], io())).toBe(REQUEST_EXCEPTION_EXIT.badUsage);
    expect(err.pop()).toMatch(/target\.device\.vendorId/);
    expect(await runRequestExceptionCommand(['--config', configPath, '--app', path.join(dir, 'missing'), '--minutes', '5', '--reason', 'x'], io())).toBe(REQUEST_EXCEPTION_EXIT.badUsage);
    expect(err.pop()).toMatch(/^cannot read /);
    expect(await runRequestExceptionCommand(['--config', configPath, '--usb', '0781:5567:S', '--minutes', '0', '--reason', 'x'], io())).toBe(REQUEST_EXCEPTION_EXIT.badUsage);
    expect(err.pop()).toMatch(/requestedMinutes/);
    expect(await runRequestExceptionCommand(['--config', configPath, '--usb', '0781:5567:S', '--minutes', '5', '--reason', 'x'], io())).toBe(REQUEST_EXCEPTION_EXIT.agentUnreachable);
    expect(err.pop()).toMatch(/the agent service is not running/);
    expect(out).toEqual([]);
  });
});
