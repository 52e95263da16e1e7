import { createContentScanner, scanText, type ContentReport, type DetectorFinding } from './content-scanner';
import { luhnCheckDigit } from './checksums';
import { createPiiGenerator } from './pii-generator';

const now = new Date('2026-12-06T00:00:00Z');
const finding = (report: ContentReport, detector: string): DetectorFinding | undefined => report.findings.find((f) => f.detector === detector);
const counts = (report: ContentReport): Record<string, number> => Object.fromEntries(report.findings.map((f) => [f.detector, f.total]));

describe('built-in detectors', () => {
  it('finds each kind with its separators and redacts every sample', () => {
    const text = [
      '姓名 张三 身份证 11010519491231002X',
      '手机 +86 138-1234-5678, 备用 0086 13912345678',
      '卡号 6222 0212 3456 7890 128 / 4111-1111-1111-1111',
      '统一社会信用代码 91350100M000100Y43',
      'email: zhang.wei@example.com, 护照 E12345678 and EA1234567',
    ].join('\n');
    const report = scanText(text, { now });
    expect(counts(report)).toEqual({ 'cn-resident-id': 1, 'cn-uscc': 1, 'bank-card': 2, 'cn-mobile': 2, 'cn-passport': 2, email: 1 });
    expect(finding(report, 'cn-resident-id')?.samples).toEqual(['110105********002X']);
    expect(finding(report, 'cn-mobile')?.samples).toEqual(['138****5678', '139****5678']);
    expect(finding(report, 'bank-card')?.samples).toEqual(['6222 **** **** 0128', '4111 **** **** 1111']);
    expect(finding(report, 'cn-uscc')?.samples).toEqual(['91350100********43']);
    expect(finding(report, 'email')?.samples).toEqual(['z***@example.com']);
    expect(finding(report, 'cn-passport')?.samples).toEqual(['E1*****78', 'EA*****67']);
    // Raw values never appear anywhere in the report.
    const json = JSON.stringify(report);
    for (const raw of ['11010519491231002X', '13812345678', '6222021234567890128', 'zhang.wei@', 'E12345678']) expect(json).not.toContain(raw);
  });

  it('normalises full-width digits, letters and separators', () => {
    const report = scanText('身份证：１１０１０５１９４９１２３１００２Ｘ 手机：１３８－１２３４－５６７８', { now });
    expect(counts(report)).toEqual({ 'cn-resident-id': 1, 'cn-mobile': 1 });
  });

  it('does not match a digit run inside a longer run, a decimal, or letters', () => {
    const id = '11010519491231002X';
    const report = scanText(`9${id} ${id.slice(0, 17)}0 A${id} 0.${id.slice(0, 17)}1 6222021234567890128.50 x13812345678`, { now });
    expect(report.findings).toEqual([]);
  });

  it('counts a 15-digit legacy ID (no check character) only right after an ID label, so IMEIs are not IDs', () => {
    const legacy = '110105491231002';
    expect(counts(scanText(`身份证号：${legacy}`, { now }))).toEqual({ 'cn-resident-id': 1 });
    expect(counts(scanText(`IMEI ${legacy}`, { now }))).toEqual({});
    expect(counts(scanText(`客户 request id, IMEI ${legacy}`, { now }))).toEqual({});
    // An Amex number whose digits would make a legacy ID (Anhui 34, 1985-01-01) stays a card.
    const amex = `34010585010100${luhnCheckDigit('34010585010100')}`;
    expect(counts(scanText(`card ${amex}`, { now }))).toEqual({ 'bank-card': 1 });
    expect(counts(scanText(`身份证号 11010519491231002X, IMEI ${legacy}`, { now }))).toEqual({ 'cn-resident-id': 1 });
  });

  it('counts distinct and total values; context words raise confidence', () => {
    const gen = createPiiGenerator(7);
    const ids = Array.from({ length: 20 }, () => gen.residentId());
    const bare = scanText([...ids, ...ids.slice(0, 5)].join(' , '), { now });
    expect(finding(bare, 'cn-resident-id')).toMatchObject({ distinct: 20, total: 25, confidence: 0.9 });
    const csv = `姓名,身份证号\n${ids.map((id) => `某某,${id}`).join('\n')}`;
    const labelled = finding(scanText(csv, { now }), 'cn-resident-id');
    expect(labelled?.distinct).toBe(20);
    expect(labelled?.confidence).toBeGreaterThan(0.9);
    expect(labelled?.samples).toHaveLength(5);
  });

  it('ignores realistic distractors: wrong check characters, bad dates, order numbers, timestamps, build numbers, IMEIs, Luhn-valid non-cards', () => {
    const gen = createPiiGenerator(11);
    const noise = (make: () => string): string => Array.from({ length: 300 }, make).join(' | ');
    const checksummed = ['cn-resident-id', 'bank-card', 'cn-uscc'] as const;
    // Look-alikes of one kind against that kind's detector (an 18-digit number with 13 as its month
    // is no ID, but may well be a card number), ID look-alikes with a wrong check against all three.
    expect(counts(scanText(noise(gen.residentIdWrongCheck), { now, detectors: checksummed }))).toEqual({});
    expect(counts(scanText(noise(gen.residentIdBadDate), { now, detectors: ['cn-resident-id'] }))).toEqual({});
    expect(counts(scanText(noise(gen.bankCardWrongLuhn), { now, detectors: ['bank-card'] }))).toEqual({});
    expect(counts(scanText(noise(gen.usccWrongCheck), { now, detectors: ['cn-uscc'] }))).toEqual({});
    for (const make of [gen.orderNumber, gen.timestamp, gen.buildNumber, gen.imei, gen.luhnValidNonCard]) {
      expect(counts(scanText(noise(make), { now, detectors: [...checksummed, 'cn-mobile'] }))).toEqual({});
    }
  });

  it('finds every generated valid value among the distractors', () => {
    const gen = createPiiGenerator(3);
    const lines: string[] = [];
    const want = { 'cn-resident-id': 0, 'bank-card': 0, 'cn-uscc': 0, 'cn-mobile': 0 };
    for (let i = 0; i < 500; i++) {
      lines.push(`${gen.orderNumber()},${gen.residentId()},${gen.timestamp()},${gen.bankCard()},${gen.uscc()},${gen.mobile()},${gen.imei()}`);
      want['cn-resident-id']++;
      want['bank-card']++;
      want['cn-uscc']++;
      want['cn-mobile']++;
    }
    expect(counts(scanText(lines.join('\n'), { now, detectors: ['cn-resident-id', 'bank-card', 'cn-uscc', 'cn-mobile'] }))).toEqual(want);
  });
});

describe('streaming', () => {
  it('finds a match split across chunk boundaries exactly once, whatever the chunk size', () => {
    const gen = createPiiGenerator(5);
    const parts: string[] = [];
    for (let i = 0; i < 4000; i++) parts.push(`row ${i}: ${gen.residentId()} ${gen.mobile()} ${gen.email()} ${gen.bankCard()}`);
    const text = parts.join('\n');
    const whole = scanText(text, { now });
    for (const size of [1, 997, 65_536, 70_001]) {
      const scanner = createContentScanner({ now });
      for (let i = 0; i < text.length; i += size) scanner.push(text.slice(i, i + size));
      expect(scanner.finish().findings).toEqual(whole.findings);
    }
    expect(finding(whole, 'cn-resident-id')?.total).toBe(4000);
  });

  it('stays bounded on a very long line without any separator', () => {
    const scanner = createContentScanner({ now });
    const block = 'a'.repeat(1 << 20);
    for (let i = 0; i < 64; i++) scanner.push(block);
    expect(scanner.finish()).toMatchObject({ findings: [], scannedChars: 64 << 20 });
  });
});

describe('policy keywords and regexes', () => {
  it('counts keywords case-insensitively, also inside numbers other detectors claim', () => {
    const report = scanText('Confidential 机密 CONFIDENTIAL 客户名单', { now, keywords: ['confidential', '客户名单'] });
    expect(finding(report, 'keyword')).toMatchObject({ distinct: 2, total: 3, samples: ['confidential', '客户名单'] });
  });

  it('runs vetted regexes and reports refused ones', () => {
    const report = scanText('contract HT-2026-000123 and HT-2025-999999', {
      now,
      regexes: [{ id: 'contract', pattern: 'HT-\\d{4}-\\d{6}' }, { id: 'evil', pattern: '(a+)+b' }],
    });
    expect(finding(report, 'regex:contract')).toMatchObject({ distinct: 2, samples: ['HT**********23', 'HT**********99'] });
    expect(report.rejectedPatterns).toEqual([{ id: 'evil', reason: expect.stringContaining('catastrophic') }]);
  });
});
