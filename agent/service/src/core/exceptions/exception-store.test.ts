import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uuidv7, type DeviceIdentity } from '@dlp/shared';
import { generateSigningKeyPair, generateUnlockKey, issueUnlockCode } from '@dlp/shared/node';
import { UsbControl } from '../../enforce/usb/usb-control';
import { fakeUsbHost, signException, usbPolicy, waitFor } from '../../platform/fake/usb/fake-usb-host';
import type { EventInput } from '../event-factory';
import { ExceptionStore, type ExceptionStoreOptions } from './exception-store';

const AGENT = uuidv7();
const STICK: DeviceIdentity = { vendorId: '0781', productId: '5567', serial: '4C530001230512' };
const consoleKey = generateSigningKeyPair();
const pinned = { keyId: consoleKey.keyId, publicKey: consoleKey.publicKey };
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

function deviceException(overrides: { agentId?: string; expiresAt?: string; action?: 'allow' | 'read-only' } = {}) {
  return signException(consoleKey, {
    agentId: overrides.agentId ?? AGENT,
    expiresAt: overrides.expiresAt ?? inAnHour(),
    target: { kind: 'usb-device', device: STICK, action: overrides.action ?? 'allow' },
  });
}

describe('ExceptionStore', () => {
  let dataDir: string;
  let events: EventInput[];
  const stores: ExceptionStore[] = [];

  async function open(overrides: Partial<ExceptionStoreOptions> = {}): Promise<ExceptionStore> {
    const store = await ExceptionStore.open({ dataDir, agentId: AGENT, consoleKey: pinned, emit: (e) => events.push(e), ...overrides });
    stores.push(store);
    return store;
  }

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'dlp-exceptions-'));
    events = [];
  });

  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps a verified exception across a restart, in a root-only file', async () => {
    const signed = deviceException();
    const store = await open();
    expect(await store.add(signed)).toMatchObject({ ok: true, changed: true });
    expect(await store.add(signed)).toMatchObject({ ok: true, changed: false });
    store.close();
    const file = path.join(dataDir, 'exceptions', `${signed.exception.id}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const reopened = await open();
    expect(reopened.usbGrants()).toEqual([
      { id: signed.exception.id, source: 'exception', target: { kind: 'device', device: STICK }, action: 'allow', expiresAt: new Date(signed.exception.expiresAt) },
    ]);
  });

  it('refuses tampered, foreign-key, other-agent, expired and malformed exceptions', async () => {
    const store = await open();
    const good = deviceException();
    const tampered = { ...good, exception: { ...good.exception, expiresAt: new Date(Date.now() + 86_400_000 * 365).toISOString() } };
    expect(await store.add(tampered)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const foreign = signException(generateSigningKeyPair(), { agentId: AGENT, expiresAt: inAnHour(), target: { kind: 'usb-device', device: STICK, action: 'allow' } });
    expect(await store.add(foreign)).toMatchObject({ ok: false, reason: 'unknown_key' });
    expect(await store.add(deviceException({ agentId: uuidv7() }))).toMatchObject({ ok: false, reason: 'other_agent' });
    expect(await store.add(deviceException({ expiresAt: new Date(Date.now() - 1000).toISOString() }))).toMatchObject({ ok: false, reason: 'expired' });
    expect(await store.add({ exception: good.exception })).toMatchObject({ ok: false, reason: 'invalid', message: expect.stringContaining('signature') });
    expect(store.usbGrants()).toEqual([]);
    expect(readdirSync(path.join(dataDir, 'exceptions'))).toEqual([]);
  });

  it('refuses a file edited on disk at boot, keeps it aside as evidence and reports it', async () => {
    const signed = deviceException();
    await (await open()).add(signed);
    const file = path.join(dataDir, 'exceptions', `${signed.exception.id}.json`);
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as typeof signed;
    onDisk.exception.target = { kind: 'usb-user', user: 'mallory', action: 'allow' };
    writeFileSync(file, JSON.stringify(onDisk));
    const reopened = await open();
    expect(reopened.usbGrants()).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ type: 'agent', action: 'blocked', severity: 'high' })]);
    expect(readdirSync(path.join(dataDir, 'exceptions'))).toEqual([`${signed.exception.id}.json.refused`]);
  });

  it('expires exceptions that ran out while the agent was stopped, with an event at boot', async () => {
    let now = Date.now();
    const signed = deviceException({ expiresAt: new Date(now + 60_000).toISOString() });
    await (await open({ now: () => now })).add(signed);
    now += 120_000;
    const reopened = await open({ now: () => now });
    expect(reopened.usbGrants()).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ type: 'usb', action: 'info', subject: expect.objectContaining({ kind: 'device', outcome: 'exception-expired', exceptionId: signed.exception.id }) })]);
  });

  it('cannot take back a revoked exception before it would have expired', async () => {
    const signed = deviceException();
    const store = await open();
    await store.add(signed);
    expect(await store.revoke(signed.exception.id)).toBe(true);
    expect(store.usbGrants()).toEqual([]);
    expect(await (await open()).add(signed)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('redeems an unlock code once, for the plugged-in device it was issued for, across restarts', async () => {
    const unlockKey = generateUnlockKey();
    const other: DeviceIdentity = { ...STICK, serial: 'OTHER' };
    const store = await open({ unlockKey: () => unlockKey });
    const { code } = issueUnlockCode(unlockKey, AGENT, STICK, 30);
    expect(await store.redeemUnlockCode(code, [])).toMatchObject({ ok: false, reason: 'no-device' });
    expect(await store.redeemUnlockCode(code, [other])).toMatchObject({ ok: false, reason: 'not-valid' });
    expect(await store.redeemUnlockCode(code.replace(/^./, code.startsWith('A') ? 'B' : 'A'), [other, STICK])).toMatchObject({ ok: false, reason: 'checksum' });
    expect(await store.redeemUnlockCode(code, [other, STICK])).toMatchObject({ ok: true, device: STICK });
    expect(store.usbGrants()).toEqual([expect.objectContaining({ source: 'unlock-code', target: { kind: 'device', device: STICK }, action: 'allow' })]);
    expect(await store.redeemUnlockCode(code, [STICK])).toMatchObject({ ok: false, reason: 'reused' });
    store.close();
    const reopened = await open({ unlockKey: () => unlockKey });
    expect(reopened.usbGrants()).toHaveLength(1);
    expect(await reopened.redeemUnlockCode(code, [STICK])).toMatchObject({ ok: false, reason: 'reused' });
    expect(await (await open()).redeemUnlockCode(code, [STICK])).toMatchObject({ ok: false, reason: 'unavailable' });
  });
});

describe('exceptions applied by the USB control', () => {
  it('allow a blocked stick until the exception expires, through re-plug and restart, then block it again', async () => {
    const host = fakeUsbHost();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'dlp-exceptions-'));
    const storeEvents: EventInput[] = [];
    const stick = { port: '1-2', vendorId: STICK.vendorId, productId: STICK.productId, serial: STICK.serial, interfaces: [8] };
    const quiet = { deviceRescanMs: { live: 600_000, polling: 600_000 }, mountRescanMs: { live: 600_000, polling: 600_000 }, settleDelaysMs: [] };
    const open = () => ExceptionStore.open({ dataDir, agentId: AGENT, consoleKey: pinned, emit: (e) => storeEvents.push(e) });
    let store = await open();
    let control = new UsbControl({ platform: host.platform, emit: host.emit, ...quiet });
    try {
      host.tree.addDevice(stick);
      await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }));
      await control.start();
      expect(host.tree.read('1-2', 'authorized')).toBe('0');

      // Long enough to get through the re-plug and restart below, short enough to wait for.
      const signed = deviceException({ expiresAt: new Date(Date.now() + 4_000).toISOString() });
      expect(await store.add(signed)).toMatchObject({ ok: true });
      await control.applyExceptions(store.usbGrants());
      expect(host.tree.read('1-2', 'authorized')).toBe('1');
      expect(host.events.at(-1)).toMatchObject({ action: 'allowed', subject: { outcome: 'allowed-by-exception', exceptionId: signed.exception.id } });

      // Re-plug: the new arrival is judged with the exception still in force.
      host.tree.removeDevice('1-2');
      await control.rescan();
      host.tree.addDevice({ ...stick, authorized: false });
      host.hotplug.plug();
      await waitFor(() => host.tree.read('1-2', 'authorized') === '1', 'the re-plugged stick to be allowed');

      // Restart both: the exception comes back from disk.
      await control.stop();
      store.close();
      store = await open();
      control = new UsbControl({ platform: host.platform, emit: host.emit, ...quiet });
      store.onChange(() => void control.applyExceptions(store.usbGrants()));
      await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }));
      await control.applyExceptions(store.usbGrants());
      await control.start();
      expect(host.tree.read('1-2', 'authorized')).toBe('1');

      await waitFor(() => host.tree.read('1-2', 'authorized') === '0', 'the stick to be blocked again after expiry');
      expect(storeEvents).toEqual([expect.objectContaining({ type: 'usb', subject: expect.objectContaining({ outcome: 'exception-expired', exceptionId: signed.exception.id }) })]);
      await waitFor(() => host.events.at(-1)?.action === 'blocked', 'the new block to be reported');
      expect(host.events.at(-1)).toMatchObject({ action: 'blocked', subject: { outcome: 'device-blocked', serial: STICK.serial } });
    } finally {
      await control.stop();
      store.close();
      host.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  it('let an unlock code typed by the employee through for the blocked stick it names', async () => {
    const host = fakeUsbHost();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'dlp-exceptions-'));
    const unlockKey = generateUnlockKey();
    const store = await ExceptionStore.open({ dataDir, agentId: AGENT, consoleKey: pinned, emit: () => undefined, unlockKey: () => unlockKey });
    const control = new UsbControl({ platform: host.platform, emit: host.emit, settleDelaysMs: [] });
    try {
      host.tree.addDevice({ port: '1-2', vendorId: STICK.vendorId, productId: STICK.productId, serial: STICK.serial, interfaces: [8] });
      host.tree.addDevice({ port: '1-3', vendorId: '090c', productId: '1000', serial: 'OTHER', interfaces: [8] });
      store.onChange(() => void control.applyExceptions(store.usbGrants()));
      await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }));
      await control.start();
      expect(control.restrictedDevices()).toHaveLength(2);
      const issued = issueUnlockCode(unlockKey, AGENT, STICK, 60);
      expect(await store.redeemUnlockCode(issued.code.toLowerCase(), control.restrictedDevices())).toMatchObject({ ok: true, device: STICK });
      await waitFor(() => host.tree.read('1-2', 'authorized') === '1', 'the unlocked stick to be bound');
      expect(host.tree.read('1-3', 'authorized')).toBe('0');
      await waitFor(() => host.events.some((e) => e.action === 'allowed'), 'the unlock to be reported');
      expect(host.events.find((e) => e.action === 'allowed')?.subject).toMatchObject({ outcome: 'allowed-by-unlock-code', exceptionId: `unlock:${issued.nonce}`, serial: STICK.serial });
    } finally {
      await control.stop();
      store.close();
      host.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
