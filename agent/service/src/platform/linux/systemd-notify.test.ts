import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { buildCapabilityReport } from '../../core/capabilities';
import { makeTempDir, waitFor } from '../../testing/fixtures';
import { NotifyReceiver } from '../../testing/notify-receiver';
import { recordingLogger, type RecordedLine } from '../../testing/recording-logger';
import { locateExecGuardHelper } from './fanotify/helper-location';
import { enforcementWedged, SystemdNotifier, takeSystemdNotifyEnv } from './systemd-notify';

const helper = locateExecGuardHelper();

/** Runs the helper's --sd-notify mode with exactly this environment. */
function runHelper(state: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(helper, ['--sd-notify', state], { env }, (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: String(stdout) }));
  });
}

describe('sd_notify through dlp-exec-guard --sd-notify', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const receivers: NotifyReceiver[] = [];
  beforeEach(async () => ({ dir, cleanup } = await makeTempDir('sd-notify')));
  afterEach(async () => {
    for (const receiver of receivers.splice(0)) receiver.stop();
    await cleanup();
  });
  const listen = async (address: string) => {
    const receiver = await NotifyReceiver.start(address);
    receivers.push(receiver);
    return receiver;
  };

  it('sends one datagram to a socket path, naming its parent (this process) as the sender', async () => {
    const socket = path.join(dir, 'notify');
    const receiver = await listen(socket);
    const result = await runHelper('READY=1', { NOTIFY_SOCKET: socket });
    expect(result).toEqual({ code: 0, stdout: `{"type":"notified","ok":1,"pid":${process.pid}}\n` });
    await waitFor(() => receiver.messages.length === 1, 'the datagram');
    expect(receiver.messages).toEqual([{ state: 'READY=1', pid: process.pid }]);
  });

  it('reaches an abstract socket (NOTIFY_SOCKET=@name)', async () => {
    const name = `@dlp-sd-notify-test-${randomBytes(6).toString('hex')}`;
    const receiver = await listen(name);
    expect((await runHelper('WATCHDOG=1', { NOTIFY_SOCKET: name })).code).toBe(0);
    await waitFor(() => receiver.messages.length === 1, 'the datagram');
    expect(receiver.states()).toEqual(['WATCHDOG=1']);
  });

  it('says why it could not send: no NOTIFY_SOCKET (3), an address it does not speak (3), nobody listening (1), no KEY=VALUE (2)', async () => {
    expect(await runHelper('READY=1', {})).toEqual({ code: 3, stdout: '{"type":"notified","ok":0,"message":"NOTIFY_SOCKET is not set (not started by systemd with Type=notify)"}\n' });
    expect((await runHelper('READY=1', { NOTIFY_SOCKET: 'vsock:2:1234' })).code).toBe(3);
    expect(await runHelper('READY=1', { NOTIFY_SOCKET: path.join(dir, 'nobody') })).toEqual({ code: 1, stdout: '{"type":"notified","ok":0,"message":"No such file or directory"}\n' });
    expect((await runHelper('READY', { NOTIFY_SOCKET: path.join(dir, 'nobody') })).code).toBe(2);
  });

  it('takes the notification variables out of the environment; the watchdog is ours only without WATCHDOG_PID or with our pid', () => {
    const env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '60000000', WATCHDOG_PID: '4242', PATH: '/usr/bin' };
    expect(takeSystemdNotifyEnv(env, 4242)).toEqual({ socket: '/run/systemd/notify', watchdogIntervalMs: 30_000 });
    expect(env).toEqual({ PATH: '/usr/bin' });
    expect(takeSystemdNotifyEnv({ NOTIFY_SOCKET: '@x', WATCHDOG_USEC: '60000000', WATCHDOG_PID: '1' }, 4242)).toEqual({ socket: '@x', watchdogIntervalMs: null });
    expect(takeSystemdNotifyEnv({ NOTIFY_SOCKET: '@x', WATCHDOG_USEC: 'soon' }, 4242)).toEqual({ socket: '@x', watchdogIntervalMs: null });
    expect(takeSystemdNotifyEnv({ WATCHDOG_USEC: '60000000' }, 4242)).toBeNull();
  });

  it('pings the watchdog while healthy, leaves pings out once enforcement stays wedged for two ticks, and stops pinging at STOPPING=1', async () => {
    const socket = path.join(dir, 'notify');
    const receiver = await listen(socket);
    const lines: RecordedLine[] = [];
    const notifier = new SystemdNotifier({ socket, watchdogIntervalMs: 100 }, recordingLogger(lines), helper);
    let wedged: string | null = null;
    notifier.ready(() => wedged);
    await waitFor(() => receiver.states().filter((s) => s === 'WATCHDOG=1').length >= 2, 'two pings');
    expect(receiver.states()[0]).toBe('READY=1');

    wedged = 'the pre-exec helper is not running';
    await waitFor(() => lines.some((l) => l.msg === 'not telling the systemd watchdog the agent is alive'), 'a left-out ping', 5000);
    const pingsWhileWedged = receiver.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(receiver.messages.length).toBe(pingsWhileWedged);

    wedged = null;
    await waitFor(() => receiver.messages.length > pingsWhileWedged, 'pings again once healthy');
    await notifier.stopping();
    await waitFor(() => receiver.states().includes('STOPPING=1'), 'STOPPING=1');
    const total = receiver.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.messages.length).toBe(total);
    expect(receiver.messages.every((m) => m.pid === process.pid)).toBe(true);
  });

  it('calls enforcement wedged only when pre-exec blocking is in force and its helper is down', () => {
    const report = (apps: Parameters<typeof buildCapabilityReport>[0]['apps']) => buildCapabilityReport({ os: 'linux', apps, usb: { method: 'none', mountGuard: false }, captureToolsRequested: false, mode: null });
    const helperState = (running: boolean) => ({ running, restarts: 0, timeouts: 0, cacheHitRate: 0 });
    expect(enforcementWedged(report({ method: 'fanotify', preExec: true, failMode: 'open', helper: helperState(true) }))).toBeNull();
    expect(enforcementWedged(report({ method: 'fanotify', preExec: true, failMode: 'open', helper: helperState(false) }))).toBe('the pre-exec helper is not running');
    // The /proc scanner took over (configured, or after pre-exec gave up): nothing wedged.
    expect(enforcementWedged(report({ method: 'proc-scan', preExec: false, failMode: 'open' }))).toBeNull();
  });
});
