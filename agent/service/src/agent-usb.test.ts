import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { agentConfig, IPC_VERSION, type AgentEvent, type DeviceIdentity } from '@dlp/shared';
import { generateSigningKeyPair, generateUnlockKey, issueUnlockCode, sendIpcRequest } from '@dlp/shared/node';
import { startAgent, type RunningAgent } from './agent';
import { silentLogger } from './core/logger';
import { createFakePlatform, type FakePlatform } from './platform/fake/fake-platform';
import { signException } from './platform/fake/usb/fake-usb-host';
import { makeTempDir, signedPolicyFor, waitFor } from './testing/fixtures';
import { TestConsole } from './testing/test-console';

const key = generateSigningKeyPair();
const unlockKey = generateUnlockKey();
const fastLink = { backoffBaseMs: 20, backoffCapMs: 200, rejectedRetryMs: 300, heartbeatMs: 200 };
const STICK: DeviceIdentity = { vendorId: '0781', productId: '5567', serial: '4C530001230512' };
const blockSanDisk = { mode: 'enforce' as const, usb: { rules: [{ id: 'no-sandisk', action: 'block' as const, match: { vendorId: '0781' } }] } };

describe('agent service: USB control, exceptions and unlock codes (fake sysfs, test console)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let console_: TestConsole;
  let platform: FakePlatform;
  let agent: RunningAgent | null = null;

  const config = () => agentConfig.parse({ consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir: path.join(dir, 'data'), scanIntervalMs: 50 });
  const start = async () => (agent = await startAgent(config(), { platform, log: silentLogger, linkTimings: fastLink }));
  const usbEvents = () => [...console_.events.values()].filter((e): e is AgentEvent => e.type === 'usb');
  const stickAuthorized = () => platform.usbTree.read('1-2', 'authorized');

  /** Starts the agent, waits for enrollment and applies the USB block policy. */
  async function startBlocking(): Promise<RunningAgent> {
    const running = await start();
    await waitFor(() => running.linkState() === 'ready', 'the agent to be welcomed');
    console_.pushPolicy(signedPolicyFor(key, 4, blockSanDisk));
    await waitFor(() => stickAuthorized() === '0', 'the stick to be cut off');
    return running;
  }

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('usb'));
    console_ = await TestConsole.start({ key, unlockKey });
    platform = createFakePlatform({ root: path.join(dir, 'host') });
    platform.usbTree.addDevice({ port: '1-2', ...STICK, manufacturer: 'SanDisk', product: 'Cruzer Blade', interfaces: [8] });
  });
  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await console_.stop();
    await cleanup();
  });

  it('cuts off a stick a pushed enforce policy blocks, reports it with the console user, and keeps it off at the next boot offline', async () => {
    await startBlocking();
    await waitFor(() => usbEvents().some((e) => e.action === 'blocked'), 'the blocked event at the console');
    expect(usbEvents().find((e) => e.action === 'blocked')).toMatchObject({
      type: 'usb',
      severity: 'high',
      user: 'alice',
      host: 'ws-test-01',
      ruleId: 'no-sandisk',
      policySerial: 4,
      subject: { kind: 'device', ...STICK, vendorName: 'SanDisk', productName: 'Cruzer Blade', port: '1-2', outcome: 'device-blocked' },
    });

    await agent?.stop();
    agent = null;
    await console_.stop();
    // Bound again while the agent was down (say, re-plugged before the service came up).
    platform.usbTree.write('1-2', 'authorized', '1');
    await start();
    expect(stickAuthorized()).toBe('0');
  });

  it('lets the stick through for a signed exception, receipts it, and blocks it again when it expires', async () => {
    const running = await startBlocking();
    const agentId = running.agentId() ?? '';
    const forged = signException(generateSigningKeyPair(), { agentId, expiresAt: new Date(Date.now() + 60_000).toISOString(), target: { kind: 'usb-device', device: STICK, action: 'allow' } });
    console_.pushException(forged);
    await waitFor(() => console_.exceptionReceipts.length === 1, 'the receipt for the forged exception');
    expect(console_.exceptionReceipts[0]).toMatchObject({ id: forged.exception.id, status: 'rejected', error: expect.stringMatching(/^unknown_key/) });
    expect(stickAuthorized()).toBe('0');

    const signed = signException(key, { agentId, expiresAt: new Date(Date.now() + 2_500).toISOString(), target: { kind: 'usb-device', device: STICK, action: 'allow' } });
    console_.pushException(signed);
    await waitFor(() => console_.exceptionReceipts.length === 2, 'the receipt');
    expect(console_.exceptionReceipts[1]).toEqual({ v: 1, type: 'exception-receipt', id: signed.exception.id, status: 'applied' });
    await waitFor(() => stickAuthorized() === '1', 'the stick to be allowed');
    await waitFor(() => usbEvents().some((e) => e.action === 'allowed'), 'the allowed event');
    expect(usbEvents().find((e) => e.action === 'allowed')?.subject).toMatchObject({ outcome: 'allowed-by-exception', exceptionId: signed.exception.id });

    await waitFor(() => stickAuthorized() === '0', 'the stick to be blocked again after expiry');
    await waitFor(() => usbEvents().some((e) => e.subject.kind === 'device' && e.subject.outcome === 'exception-expired'), 'the expiry event');
  });

  it('withdraws an exception on revoke, with a receipt', async () => {
    const running = await startBlocking();
    const signed = signException(key, { agentId: running.agentId() ?? '', expiresAt: new Date(Date.now() + 600_000).toISOString(), target: { kind: 'usb-device', device: STICK, action: 'allow' } });
    console_.pushException(signed);
    await waitFor(() => stickAuthorized() === '1', 'the stick to be allowed');
    console_.revokeException(signed.exception.id, signed.exception.serial);
    await waitFor(() => stickAuthorized() === '0', 'the stick to be blocked after the revoke');
    await waitFor(() => console_.exceptionReceipts.length === 2, 'the revoke receipt');
    expect(console_.exceptionReceipts[1]).toEqual({ v: 1, type: 'exception-receipt', id: signed.exception.id, status: 'applied', action: 'revoke' });
  });

  it('accepts an unlock code through the local socket once, and refuses it the second time', async () => {
    const running = await startBlocking();
    const socketPath = running.ipcSocketPath() ?? '';
    // Without `localSocket` it sits in the 0700 data dir: only root reaches it (whoever connects is asked by the kernel anyway).
    expect((await stat(socketPath)).mode & 0o777).toBe(0o666);
    expect((await stat(path.dirname(socketPath))).mode & 0o777).toBe(0o700);
    // The unlock key handed over at enrollment is kept with the other credentials, root-only.
    const credentialsFile = path.join(dir, 'data', 'credentials.json');
    expect((await stat(credentialsFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(credentialsFile, 'utf8'))).toMatchObject({ unlockKey: Buffer.from(unlockKey).toString('base64') });
    const { code } = issueUnlockCode(unlockKey, running.agentId() ?? '', STICK, 30);
    const unlock = (typed: string) => sendIpcRequest(socketPath, { v: IPC_VERSION, type: 'unlock', code: typed });

    const typo = `${code.slice(0, 2)}U${code.slice(3)}`;
    expect(await unlock(typo)).toMatchObject({ type: 'unlock-result', result: { ok: false, reason: 'format', position: 3, message: expect.stringMatching(/^Character 3 /) } });
    expect(stickAuthorized()).toBe('0');

    const accepted = await unlock(code.toLowerCase());
    expect(accepted).toMatchObject({ type: 'unlock-result', result: { ok: true, device: { ...STICK, name: 'SanDisk Cruzer Blade' }, message: expect.stringMatching(/^Accepted: the USB device SanDisk Cruzer Blade \(0781:5567, serial 4C530001230512\) may be used until /) } });
    await waitFor(() => stickAuthorized() === '1', 'the unlocked stick to be bound');
    await waitFor(() => usbEvents().some((e) => e.subject.kind === 'device' && e.subject.outcome === 'allowed-by-unlock-code'), 'the unlock to be reported');

    expect(await unlock(code)).toMatchObject({ result: { ok: false, reason: 'reused', message: expect.stringMatching(/already been used/) } });
  });

  it('reports what the controls really do, and sends the report again only when it changes', async () => {
    const running = await start();
    await waitFor(() => running.linkState() === 'ready', 'ready');
    expect(console_.hellos[0]?.capabilities).toEqual({
      apps: { method: 'proc-scan', preExec: false, failMode: 'open' },
      usb: { method: 'sysfs-authorized', mountGuard: true },
      screen: { captureToolBlocking: false, windowCaptureExclusion: false },
      notes: expect.arrayContaining(['screen: no window-exclusion API exists on Linux']),
      trust: { consoleKey: 'first-use', consoleCert: 'none' },
      // The fake proc tree has no hardening sysctls; the residual limits are named all the same.
      hardening: [
        { switch: 'restrictUserNamespaces', requested: false, state: 'off', value: null },
        { switch: 'memfdNoexec', requested: false, state: 'off', value: null },
        { switch: 'fuseSysAdminAccess', requested: false, state: 'off', value: null },
      ],
      residuals: expect.arrayContaining([{ id: 'stdin-scripts', state: 'open' }, { id: 'kill-after-start', state: 'open' }]),
    });

    console_.pushPolicy(signedPolicyFor(key, 4, { ...blockSanDisk, screen: { blockCaptureTools: true } }));
    await waitFor(() => console_.capabilityReports.length === 1, 'the changed report');
    expect(console_.capabilityReports[0]).toMatchObject({ screen: { captureToolBlocking: true, windowCaptureExclusion: false }, usb: { method: 'sysfs-authorized' } });
    expect(running.capabilities()).toEqual(console_.capabilityReports[0]);

    // Same controls, same screen setting: nothing new to report.
    console_.pushPolicy(signedPolicyFor(key, 5, { ...blockSanDisk, screen: { blockCaptureTools: true } }));
    await waitFor(() => console_.receipts.length === 2, 'the second receipt');
    console_.pushPolicy(signedPolicyFor(key, 6, blockSanDisk));
    await waitFor(() => console_.capabilityReports.length === 2, 'the report once capture-tool blocking is off');
    expect(console_.capabilityReports[1]?.screen.captureToolBlocking).toBe(false);
  });
});
