import { createPiiGenerator } from '@dlp/shared';
import { scanBytes } from '@dlp/shared/node';
import { bulkSeverity, judgeScan } from './content-verdict';

const pii = createPiiGenerator(11);
const rows = (n: number, make: () => string): string => Array.from({ length: n }, (_, i) => `客户${i},${make()}`).join('\n');
const settings = { detectors: ['cn-resident-id', 'cn-mobile'] as const, minDistinct: 10 };

describe('content verdict', () => {
  it('is bulk when one policy detector reaches the threshold, listing every policy detector found', async () => {
    const text = `姓名,身份证号\n${rows(12, () => pii.residentId())}\n手机 ${pii.mobile()}\n`;
    const verdict = judgeScan(await scanBytes(Buffer.from(text), 'a.csv'), { ...settings, detectors: [...settings.detectors] });
    expect(verdict).toMatchObject({ kind: 'bulk', matches: { 'cn-resident-id': 12, 'cn-mobile': 1 } });
    expect(verdict.kind !== 'clean' && verdict.samples).toHaveLength(5);
    // The detector over the threshold gives the first sample.
    expect(verdict.kind !== 'clean' && verdict.samples[0]).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    // Why it was reported, for the officer: the threshold, and the confidence of the detector over it
    // (a resident-ID column headed 身份证号 is raised by that context word).
    expect(verdict).toMatchObject({ minDistinct: 10, confidence: expect.any(Number) });
    expect(verdict.kind !== 'clean' && verdict.confidence).toBeGreaterThan(0.5);
  });

  it('counts only the detectors the policy names, and only distinct values', async () => {
    const card = pii.bankCard();
    const text = `卡号\n${rows(30, () => card)}\n${rows(30, () => pii.bankCard())}\n`;
    expect(judgeScan(await scanBytes(Buffer.from(text), 'a.csv'), { ...settings, detectors: [...settings.detectors] })).toEqual({ kind: 'clean' });
    expect(judgeScan(await scanBytes(Buffer.from(text), 'a.csv'), { detectors: ['bank-card'], minDistinct: 31 })).toMatchObject({ kind: 'bulk', matches: { 'bank-card': 31 } });
    expect(judgeScan(await scanBytes(Buffer.from(text), 'a.csv'), { detectors: ['bank-card'], minDistinct: 32 })).toEqual({ kind: 'clean' });
  });

  it('names an unreadable file by its outcome, or the limit that stopped the scan', async () => {
    const ole = Buffer.alloc(1024);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    expect(judgeScan(await scanBytes(ole, 'secret.xlsx'), { ...settings, detectors: [...settings.detectors] })).toEqual({ kind: 'unreadable', matches: {}, samples: [], unreadable: 'encrypted', minDistinct: 10 });
    const big = Buffer.from(`身份证号\n${rows(40, () => pii.residentId())}\n`);
    const limited = await scanBytes(big, 'big.csv', { limits: { maxBytes: 64 } });
    expect(judgeScan(limited, { ...settings, detectors: [...settings.detectors] })).toMatchObject({ unreadable: 'limit-exceeded:max-bytes' });
    // An image or other binary is not for this channel to report.
    expect(judgeScan(await scanBytes(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'a.png'), { ...settings, detectors: [...settings.detectors] })).toEqual({ kind: 'clean' });
  });

  it('rates severity by the largest count', () => {
    expect(bulkSeverity({ 'cn-mobile': 10 })).toBe('medium');
    expect(bulkSeverity({ 'cn-mobile': 10, 'bank-card': 100 })).toBe('high');
    expect(bulkSeverity({ 'cn-resident-id': 1000 })).toBe('critical');
  });
});
