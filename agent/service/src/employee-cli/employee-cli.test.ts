import path from 'node:path';
import { employeeLocale, IPC_VERSION, localeFromEnv, type IpcResponse } from '@dlp/shared';
import { IpcServer } from '../core/ipc/ipc-server';
import { silentLogger } from '../core/logger';
import { HelperPeerCredentials } from '../platform/linux/peer-credentials';
import { makeTempDir } from '../testing/fixtures';
import { EMPLOYEE_EXIT, runEmployeeCommand } from './employee-cli';

describe('dlp-agent employee commands (against a socket answering what the test says)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: IpcServer | null = null;
  let answer: IpcResponse;
  let out: string[];
  let err: string[];
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runEmployeeCommand(args[0] as 'status', args.slice(1), { out: (l) => void out.push(l), err: (l) => void err.push(l), env: { DLP_AGENT_SOCKET: path.join(dir, 'agent.sock'), ...env } });

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('employee-cli'));
    out = [];
    err = [];
    server = await IpcServer.listen({ socketPath: path.join(dir, 'agent.sock'), handler: async () => answer, peers: new HelperPeerCredentials(), log: silentLogger });
  });
  afterEach(async () => {
    await server?.close();
    await cleanup();
  });

  it('maps refusals to exit codes and sentences in the user’s language', async () => {
    answer = { v: IPC_VERSION, type: 'error', code: 'forbidden', message: 'x' };
    expect(await run(['request-exception', '--usb', '0781:5567:S1', '--minutes', '5', '--reason', 'r', '--user', 'alice'], { LANG: 'zh_CN.UTF-8' })).toBe(EMPLOYEE_EXIT.forbidden);
    expect(err.pop()).toBe('只能为您本人提出申请。');
    answer = { v: IPC_VERSION, type: 'error', code: 'rate_limited', message: 'x', retryAfterMs: 2500 };
    expect(await run(['status'])).toBe(EMPLOYEE_EXIT.rateLimited);
    expect(err.pop()).toBe('Too many requests: please wait 3 s and try again.');
    answer = { v: IPC_VERSION, type: 'unlock-result', result: { ok: false, reason: 'checksum', message: 'x', position: 7 } };
    expect(await run(['unlock', 'ABCD', 'EFGH'], { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' })).toBe(EMPLOYEE_EXIT.refused);
    expect(err.pop()).toBe('解锁码第 7 个字符有误，请检查该字符。');
    expect(await run(['unlock', 'ABCD', '--json'])).toBe(EMPLOYEE_EXIT.refused);
    expect(JSON.parse(out.pop() ?? '')).toEqual(answer);
  });

  it('says plainly when the agent is not running, and refuses bad usage with the usage', async () => {
    await server?.close();
    server = null;
    expect(await run(['status'], { LANG: 'zh_CN.UTF-8' })).toBe(EMPLOYEE_EXIT.agentUnreachable);
    expect(err.pop()).toMatch(/^本机的 DLP 代理未在运行，请联系 IT 服务台。/);
    expect(await run(['blocks', '--limit', '0'])).toBe(EMPLOYEE_EXIT.badUsage);
    expect(err.pop()).toMatch(/^invalid request: limit: .*\nusage: dlp-agent status/);
    expect(await run(['request-exception', '--minutes', '5'])).toBe(EMPLOYEE_EXIT.badUsage);
    expect(await run(['status', 'extra'])).toBe(EMPLOYEE_EXIT.badUsage);
  });

  it('reads the locale as POSIX does', () => {
    expect(localeFromEnv({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(localeFromEnv({ LC_ALL: 'C', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(employeeLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(employeeLocale('zhx')).toBe('en');
    expect(employeeLocale(undefined)).toBe('en');
  });
});
