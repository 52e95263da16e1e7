import type { DeviceIdentity } from '../schemas/exception';
import { generateUnlockKey, issueUninstallCode, issueUnlockCode, MAX_UNINSTALL_MINUTES, normalizeTypedCode, unlockCodeCorrections, unlockCodeTypoPosition, verifyUninstallCode, verifyUnlockCode } from './unlock-code';

const agentA = '019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e8f';
const agentB = '019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e90';
const stick: DeviceIdentity = { vendorId: '0781', productId: '5567', serial: '4C530001230512' };
const otherStick: DeviceIdentity = { ...stick, serial: '4C530001230513' };
const now = Date.parse('2026-11-28T16:30:00.000Z');
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('offline unlock codes', () => {
  const key = generateUnlockKey();
  const noneUsed = new Set<string>();

  it('issues 24 readable characters in groups of four, valid for the duration asked', () => {
    const issued = issueUnlockCode(key, agentA, stick, 60, now);
    expect(issued.code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(issued.expiresAt.getTime() - now).toBeGreaterThanOrEqual(60 * 60_000);
    expect(issued.expiresAt.getTime() - now).toBeLessThan(61 * 60_000);
  });

  it('is accepted for the right agent and device, then refused when reused', () => {
    const issued = issueUnlockCode(key, agentA, stick, 30, now);
    const used = new Set<string>();
    const first = verifyUnlockCode(key, agentA, stick, issued.code, now + 60_000, used);
    expect(first).toEqual({ ok: true, nonce: issued.nonce, expiresAt: issued.expiresAt });
    used.add(issued.nonce);
    expect(verifyUnlockCode(key, agentA, stick, issued.code, now + 120_000, used)).toMatchObject({ ok: false, reason: 'reused' });
  });

  it('accepts what people type: lower case, spaces, no dashes, O for 0 and I or L for 1', () => {
    const issued = issueUnlockCode(key, agentA, stick, 30, now);
    const sloppy = issued.code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(normalizeTypedCode(sloppy)).toBe(issued.code.replace(/-/g, ''));
    expect(verifyUnlockCode(key, agentA, stick, sloppy, now, noneUsed).ok).toBe(true);
  });

  it('is refused for another device, another agent and under another key', () => {
    const issued = issueUnlockCode(key, agentA, stick, 30, now);
    expect(verifyUnlockCode(key, agentA, otherStick, issued.code, now, noneUsed)).toEqual({
      ok: false,
      reason: 'not-valid',
      message: 'this code is not valid for this device on this computer',
    });
    expect(verifyUnlockCode(key, agentA, { ...stick, productId: '5568' }, issued.code, now, noneUsed)).toMatchObject({ reason: 'not-valid' });
    expect(verifyUnlockCode(key, agentB, stick, issued.code, now, noneUsed)).toMatchObject({ reason: 'not-valid' });
    expect(verifyUnlockCode(generateUnlockKey(), agentA, stick, issued.code, now, noneUsed)).toMatchObject({ reason: 'not-valid' });
  });

  it('is refused once expired, with the expiry time in the message', () => {
    const issued = issueUnlockCode(key, agentA, stick, 15, now);
    expect(verifyUnlockCode(key, agentA, stick, issued.code, issued.expiresAt.getTime() - 1, noneUsed).ok).toBe(true);
    expect(verifyUnlockCode(key, agentA, stick, issued.code, issued.expiresAt, noneUsed)).toEqual({
      ok: false,
      reason: 'expired',
      message: `this code expired at ${issued.expiresAt.toISOString()}`,
    });
  });

  it('reports every single mistyped character and every swap of neighbours as a typo', () => {
    const chars = issueUnlockCode(key, agentA, stick, 30, now).code.replace(/-/g, '');
    for (let i = 0; i < chars.length; i++) {
      const wrong = ALPHABET.charAt((ALPHABET.indexOf(chars.charAt(i)) + 7) % 32);
      const typo = chars.slice(0, i) + wrong + chars.slice(i + 1);
      expect(verifyUnlockCode(key, agentA, stick, typo, now, noneUsed)).toEqual({
        ok: false,
        reason: 'checksum',
        message: 'the code looks mistyped: please check each character',
      });
    }
    for (let i = 0; i < 21; i++) {
      if (chars.charAt(i) === chars.charAt(i + 1)) continue;
      const swapped = chars.slice(0, i) + chars.charAt(i + 1) + chars.charAt(i) + chars.slice(i + 2);
      expect(verifyUnlockCode(key, agentA, stick, swapped, now, noneUsed)).toMatchObject({ ok: false, reason: 'checksum' });
    }
  });

  it('refuses malformed input with a format message', () => {
    const issued = issueUnlockCode(key, agentA, stick, 30, now);
    for (const bad of ['', issued.code.slice(0, -1), `${issued.code}A`, issued.code.replace(/^./, 'U'), issued.code.replace(/^./, '*')]) {
      expect(verifyUnlockCode(key, agentA, stick, bad, now, noneUsed)).toMatchObject({ ok: false, reason: 'format', message: expect.stringContaining('24 letters and digits') });
    }
  });

  it('points at the first character outside the code alphabet, counting without dashes', () => {
    const issued = issueUnlockCode(key, agentA, stick, 30, now);
    const chars = issued.code.replace(/-/g, '');
    expect(unlockCodeTypoPosition(`${chars.slice(0, 5)}*${chars.slice(6)}`)).toBe(6);
    expect(unlockCodeTypoPosition(issued.code.replace(/^(.{5})./, '$1U'))).toBe(5);
    expect(unlockCodeTypoPosition(issued.code)).toBeNull();
    expect(unlockCodeTypoPosition(issued.code.slice(0, -1))).toBeNull();
  });

  it('offers the true correction of a single typo, and names its position only when no other fits', () => {
    let named = 0;
    for (let n = 0; n < 20; n++) {
      const chars = issueUnlockCode(key, agentA, stick, 30, now).code.replace(/-/g, '');
      for (let i = 0; i < chars.length; i++) {
        const wrong = ALPHABET.charAt((ALPHABET.indexOf(chars.charAt(i)) + 1 + (n % 31)) % 32);
        const typo = chars.slice(0, i) + wrong + chars.slice(i + 1);
        expect(unlockCodeCorrections(typo)).toContainEqual({ position: i + 1, code: chars });
        const position = unlockCodeTypoPosition(typo);
        if (position !== null) {
          expect(position).toBe(i + 1);
          named++;
        }
      }
    }
    // About a quarter of single typos can be located from the check characters alone.
    expect(named).toBeGreaterThan(20);
    expect(unlockCodeCorrections(issueUnlockCode(key, agentA, stick, 30, now).code)).toEqual([]);
  });

  it('refuses to work with a key of the wrong size or an absurd duration', () => {
    expect(() => issueUnlockCode(Buffer.alloc(16), agentA, stick, 30, now)).toThrow(/32 bytes/);
    expect(() => issueUnlockCode(key, agentA, stick, 0, now)).toThrow(RangeError);
    expect(() => issueUnlockCode(key, agentA, stick, 365 * 24 * 60, now)).toThrow(RangeError);
  });

  it('gives each code its own nonce', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => issueUnlockCode(key, agentA, stick, 30, now).nonce));
    expect(nonces.size).toBe(50);
  });
});

describe('uninstall codes', () => {
  const key = generateUnlockKey();
  const now = Date.UTC(2026, 11, 6, 9, 0);
  const none = { has: () => false };

  it('is accepted for its agent once, and refused for another agent or under another key', () => {
    const issued = issueUninstallCode(key, 'agent-1', 60, now);
    const verdict = verifyUninstallCode(key, 'agent-1', issued.code, now + 30 * 60_000, none);
    expect(verdict).toEqual({ ok: true, nonce: issued.nonce, expiresAt: issued.expiresAt });
    expect(verifyUninstallCode(key, 'agent-1', issued.code, now, { has: (n) => n === issued.nonce })).toMatchObject({ ok: false, reason: 'reused' });
    expect(verifyUninstallCode(key, 'agent-2', issued.code, now, none)).toMatchObject({ ok: false, reason: 'not-valid', message: 'this code is not an uninstall code for this computer' });
    expect(verifyUninstallCode(generateUnlockKey(), 'agent-1', issued.code, now, none)).toMatchObject({ ok: false, reason: 'not-valid' });
    expect(verifyUninstallCode(key, 'agent-1', issued.code, issued.expiresAt.getTime(), none)).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('never works as an unlock code, and an unlock code never removes the agent', () => {
    const device = { vendorId: '0781', productId: '5581', serial: 'S1' };
    const uninstall = issueUninstallCode(key, 'agent-1', 60, now);
    const unlock = issueUnlockCode(key, 'agent-1', device, 60, now);
    expect(verifyUnlockCode(key, 'agent-1', device, uninstall.code, now, none)).toMatchObject({ ok: false, reason: 'not-valid' });
    expect(verifyUninstallCode(key, 'agent-1', unlock.code, now, none)).toMatchObject({ ok: false, reason: 'not-valid' });
  });

  it('is for a planned removal within a week, not a standing permission', () => {
    expect(() => issueUninstallCode(key, 'agent-1', MAX_UNINSTALL_MINUTES + 1, now)).toThrow(RangeError);
    expect(issueUninstallCode(key, 'agent-1', MAX_UNINSTALL_MINUTES, now).code).toMatch(/^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/);
  });
});
