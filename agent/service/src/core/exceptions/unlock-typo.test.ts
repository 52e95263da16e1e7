import type { DeviceIdentity } from '@dlp/shared';
import { generateUnlockKey, issueUnlockCode, unlockCodeTypoPosition } from '@dlp/shared/node';
import { locateUnlockTypo } from './unlock-typo';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const agentId = '019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e8f';
const stick: DeviceIdentity = { vendorId: '0781', productId: '5567', serial: '4C530001230512' };
const other: DeviceIdentity = { ...stick, serial: 'OTHER' };

describe('locating a typo in an unlock code', () => {
  const key = generateUnlockKey();

  it('names the mistyped character for every single typo once the key narrows the candidates', () => {
    const chars = issueUnlockCode(key, agentId, stick, 30).code.replace(/-/g, '');
    let narrowedByKey = 0;
    for (let i = 0; i < chars.length; i++) {
      const wrong = ALPHABET.charAt((ALPHABET.indexOf(chars.charAt(i)) + 5) % 32);
      const typo = chars.slice(0, i) + wrong + chars.slice(i + 1);
      if (unlockCodeTypoPosition(typo) === null) narrowedByKey++;
      expect(locateUnlockTypo(typo, { key, agentId, candidates: [other, stick], nowMs: Date.now() })).toBe(i + 1);
    }
    // Most typos need the key: the check characters alone leave several candidates.
    expect(narrowedByKey).toBeGreaterThan(0);
  });

  it('names nothing it cannot back up: no key, or a code for a device that is not plugged in', () => {
    const chars = issueUnlockCode(key, agentId, stick, 30).code.replace(/-/g, '');
    const typos = Array.from({ length: chars.length }, (_, i) => chars.slice(0, i) + ALPHABET.charAt((ALPHABET.indexOf(chars.charAt(i)) + 5) % 32) + chars.slice(i + 1));
    const ambiguous = typos.filter((t) => unlockCodeTypoPosition(t) === null);
    for (const typo of ambiguous) {
      expect(locateUnlockTypo(typo, null)).toBeNull();
      expect(locateUnlockTypo(typo, { key, agentId, candidates: [other], nowMs: Date.now() })).toBeNull();
    }
  });
});
