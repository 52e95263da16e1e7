import type { DeviceIdentity } from '@dlp/shared';
import type { JudgedDevice } from '../../enforce/usb/device-enforcer';
import type { UnlockOutcome } from '../exceptions/agent-exceptions';
import { unlockResult } from './unlock-handler';

const stick: DeviceIdentity = { vendorId: '0781', productId: '5567', serial: '4C53' };
const present: JudgedDevice[] = [
  {
    device: { id: '1-2', port: '1-2', ...stick, manufacturer: 'SanDisk', product: 'Cruzer Blade', deviceClass: 0, interfaces: [], authorized: false, isHub: false, authorizedDefault: null },
    decision: { action: 'block', policyAction: 'block', ruleId: null, matchedClass: null, reason: 'default', grant: null },
    enforcing: true,
  },
];
const refusal = (reason: Exclude<UnlockOutcome, { ok: true }>['reason'], extra: { position?: number; message?: string } = {}): UnlockOutcome => ({ ok: false, reason, message: extra.message ?? 'x', ...(extra.position ? { position: extra.position } : {}) });

describe('unlock answers', () => {
  it('name the unlocked device the way people know it, with the time it is allowed until', () => {
    const expiresAt = new Date(2026, 10, 28, 18, 30);
    expect(unlockResult({ ok: true, device: stick, expiresAt }, 'code', present)).toEqual({
      ok: true,
      device: { ...stick, name: 'SanDisk Cruzer Blade' },
      expiresAt: expiresAt.toISOString(),
      message: 'Accepted: the USB device SanDisk Cruzer Blade (0781:5567, serial 4C53) may be used until 2026-11-28 18:30.',
    });
    expect(unlockResult({ ok: true, device: stick, expiresAt }, 'code', []).message).toMatch(/^Accepted: the USB device \(0781:5567, serial 4C53\)/);
  });

  it('say what went wrong and what to do about it', () => {
    const message = (outcome: UnlockOutcome, typed = 'ABCD-EFGH') => {
      const result = unlockResult(outcome, typed, present);
      return result.ok ? '' : result.message;
    };
    expect(message(refusal('format', { position: 7 }))).toBe('Character 7 is not used in unlock codes (they use 0-9 and A-Z without I, L, O, U): please check it.');
    expect(message(refusal('format'), 'ABCD-EFGH-JK')).toBe('An unlock code has 24 letters and digits; you typed 10.');
    expect(message(refusal('checksum', { position: 12 }))).toBe('The code has a typo at character 12: please check that character.');
    expect(message(refusal('checksum'))).toBe('The code has a typo: please check each character.');
    expect(message(refusal('not-valid'))).toMatch(/not for this computer/);
    expect(message(refusal('expired', { message: 'this code expired at 2026-11-28T18:30:00.000Z' }))).toBe('This code expired at 2026-11-28T18:30:00.000Z: please ask for a new code.');
    expect(message(refusal('reused'))).toMatch(/already been used/);
    expect(message(refusal('unavailable'))).toMatch(/not available on this computer/);
    expect(message(refusal('no-device'))).toMatch(/^No blocked USB device is plugged in/);
    expect(unlockResult(refusal('checksum', { position: 12 }), 'x', present)).toMatchObject({ ok: false, reason: 'checksum', position: 12 });
  });
});
