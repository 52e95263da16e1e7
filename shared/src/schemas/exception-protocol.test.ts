import { decodeFrame } from '../protocol-codec';
import { ipcRequest, ipcResponse } from './ipc';
import { agentToConsoleMessage, consoleToAgentMessage } from './protocol';

const agentId = '019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e8f';
const exceptionId = '019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e90';
const consoleKey = { keyId: '0123456789abcdef', publicKey: 'A'.repeat(60) };
const signedException = {
  exception: {
    id: exceptionId,
    agentId,
    serial: 3,
    grantedAt: '2026-11-28T16:30:00.000Z',
    expiresAt: '2026-11-28T18:30:00.000Z',
    target: { kind: 'usb-device', device: { vendorId: '0781', productId: '5567', serial: '4C53' }, action: 'allow' },
    reason: 'audit hand-over',
    grantedBy: 'officer1',
  },
  keyId: '0123456789abcdef',
  signature: `${'A'.repeat(86)}==`,
};

const toAgent = (message: object) => decodeFrame(consoleToAgentMessage, JSON.stringify({ v: 1, ...message }));
const toConsole = (message: object) => decodeFrame(agentToConsoleMessage, JSON.stringify({ v: 1, ...message }));

describe('exception messages', () => {
  it('carry a signed exception to the agent and a revoke by id and serial', () => {
    expect(toAgent({ type: 'exception', exception: signedException })).toMatchObject({ ok: true });
    expect(toAgent({ type: 'exception-revoke', id: exceptionId, serial: 3 })).toMatchObject({ ok: true });
    const unsigned = toAgent({ type: 'exception', exception: { exception: signedException.exception } });
    expect(unsigned).toMatchObject({ ok: false, code: 'bad_message', message: expect.stringContaining('exception.keyId') });
    expect(toAgent({ type: 'exception-revoke', id: 'not-a-uuid', serial: 3 })).toMatchObject({ ok: false, message: expect.stringMatching(/^id:/) });
  });

  it('carry receipts back, for grants and revokes', () => {
    expect(toConsole({ type: 'exception-receipt', id: exceptionId, status: 'applied' })).toMatchObject({ ok: true });
    expect(toConsole({ type: 'exception-receipt', id: exceptionId, status: 'rejected', error: 'expired: too late' })).toMatchObject({ ok: true });
    expect(toConsole({ type: 'exception-receipt', id: exceptionId, status: 'applied', action: 'revoke' })).toMatchObject({ ok: true });
    expect(toConsole({ type: 'exception-receipt', id: exceptionId, status: 'maybe' })).toMatchObject({ ok: false, message: expect.stringMatching(/^status:/) });
  });

  it('let enrollment hand over a 32-byte unlock key, and nothing else', () => {
    const enrolled = { type: 'enrolled', agentId, token: 'a'.repeat(43), consoleKey };
    expect(toAgent(enrolled)).toMatchObject({ ok: true });
    expect(toAgent({ ...enrolled, unlockKey: `${'q7+/'.repeat(10)}AbQ=` })).toMatchObject({ ok: true });
    // 31 bytes, 33 bytes, 32 bytes with non-zero padding bits, not base64.
    for (const bad of [`${'A'.repeat(42)}==`, 'A'.repeat(44), `${'A'.repeat(42)}B=`, 'not base64 at all, but 44 characters long!!=']) {
      expect(toAgent({ ...enrolled, unlockKey: bad })).toMatchObject({ ok: false, message: expect.stringMatching(/^unlockKey:/) });
    }
  });
});

describe('local IPC schema', () => {
  it('accepts an unlock request and refuses unknown or oversized ones', () => {
    expect(ipcRequest.safeParse({ v: 1, type: 'unlock', code: '7K2M-QX4P' }).success).toBe(true);
    expect(ipcRequest.safeParse({ v: 1, type: 'shutdown' }).success).toBe(false);
    expect(ipcRequest.safeParse({ v: 1, type: 'unlock', code: 'x'.repeat(129) }).success).toBe(false);
    expect(ipcRequest.safeParse({ v: 2, type: 'unlock', code: 'x' }).success).toBe(false);
  });

  it('describes accepted and refused unlocks', () => {
    const device = { vendorId: '0781', productId: '5567', serial: '4C53', name: 'SanDisk Cruzer' };
    expect(ipcResponse.safeParse({ v: 1, type: 'unlock-result', result: { ok: true, device, expiresAt: '2026-11-28T18:30:00.000Z', message: 'ok' } }).success).toBe(true);
    expect(ipcResponse.safeParse({ v: 1, type: 'unlock-result', result: { ok: false, reason: 'checksum', message: 'check character 7', position: 7 } }).success).toBe(true);
    expect(ipcResponse.safeParse({ v: 1, type: 'unlock-result', result: { ok: false, reason: 'bribe', message: 'x' } }).success).toBe(false);
    expect(ipcResponse.safeParse({ v: 1, type: 'error', code: 'bad_request', message: 'not JSON' }).success).toBe(true);
  });
});
