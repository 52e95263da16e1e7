import { BUILT_IN_DETECTORS, cardIssuer, createPiiGenerator, isValidBankCard, isValidResidentId, isValidUscc, luhnValid } from '../content';
import { hmacSha256 } from './hmac-sha256';
import { DEFAULT_KEEP, MASK_KINDS, type MaskKind, type MaskStrategy } from './mask-kinds';
import { ValueMasker, type MaskSettings } from './value-masker';

const TODAY = new Date('2026-01-15T00:00:00Z');
const hmac = (key: string) => hmacSha256(new TextEncoder().encode(key));

function masker(strategy: MaskStrategy, options: Partial<MaskSettings> & { key?: string; isRaw?: (v: string) => boolean } = {}): ValueMasker {
  const settings: MaskSettings = {
    detectors: BUILT_IN_DETECTORS,
    strategy: Object.fromEntries(MASK_KINDS.map((k) => [k, strategy])) as Record<MaskKind, MaskStrategy>,
    keep: DEFAULT_KEEP[strategy],
    validCheckDigits: false,
    today: TODAY,
    ...options,
  };
  return new ValueMasker(settings, { run: hmac('run-key'), pseudonym: hmac(options.key ?? 'firm-key') }, options.isRaw);
}

function maskOne(m: ValueMasker, text: string): string {
  return m.replaceHits(text, m.finder.find(text), false);
}

describe('format-keeping masks', () => {
  const gen = createPiiGenerator(7);

  it('keep the first and last characters, the length and the separators, and change the rest', () => {
    const m = masker('keep');
    for (let i = 0; i < 200; i++) {
      const id = gen.residentId();
      const masked = maskOne(m, id);
      expect(masked).toHaveLength(18);
      expect(masked.slice(0, 6)).toBe(id.slice(0, 6));
      expect(masked.slice(-4)).toBe(id.slice(-4));
      expect(masked).not.toBe(id);
      const mobile = gen.mobile();
      const spaced = `${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`;
      const maskedMobile = maskOne(m, spaced);
      expect(maskedMobile).toMatch(/^\d{3} \d{4} \d{4}$/);
      expect(maskedMobile.slice(0, 3) + maskedMobile.slice(-4)).toBe(mobile.slice(0, 3) + mobile.slice(-4));
      expect(maskedMobile.replace(/ /g, '')).not.toBe(mobile);
    }
  });

  it('produce valid check characters when asked, keeping the kept ones', () => {
    const m = masker('keep', { validCheckDigits: true });
    for (let i = 0; i < 300; i++) {
      const id = gen.residentId();
      const maskedId = maskOne(m, id);
      expect(isValidResidentId(maskedId, TODAY)).toBe(true);
      expect(maskedId.slice(-4)).toBe(id.slice(-4));
      expect(maskedId).not.toBe(id);
      const card = gen.bankCard();
      const maskedCard = maskOne(m, card);
      expect(isValidBankCard(maskedCard)).toBe(true);
      expect(luhnValid(maskedCard)).toBe(true);
      expect(maskedCard.slice(0, 6) + maskedCard.slice(-4)).toBe(card.slice(0, 6) + card.slice(-4));
      expect(maskedCard).not.toBe(card);
      const code = gen.uscc();
      const maskedCode = maskOne(m, code);
      expect(isValidUscc(maskedCode)).toBe(true);
      expect(maskedCode.slice(0, 8) + maskedCode.slice(-2)).toBe(code.slice(0, 8) + code.slice(-2));
      expect(maskedCode).not.toBe(code);
    }
  });

  it('without --valid-check-digits most masked IDs fail their check, so nobody takes them for real', () => {
    const m = masker('keep');
    let valid = 0;
    for (let i = 0; i < 200; i++) if (isValidResidentId(maskOne(m, gen.residentId()), TODAY)) valid++;
    expect(valid).toBeLessThan(40);
  });

  it('write a mask character instead when one is given, and keep full-width digits full-width', () => {
    const m = masker('keep', { maskChar: '*' });
    expect(maskOne(m, '电话 13812345678。')).toBe('电话 138****5678。');
    expect(maskOne(m, '110105199001011237')).toMatch(/^110105\*{8}1237$|^110105199001011237$/);
    const wide = masker('keep');
    const masked = maskOne(wide, '手机１３８１２３４５６７８');
    expect(masked).toMatch(/^手机１３８[０-９]{4}５６７８$/);
  });

  it('mask an email’s local part and keep its domain', () => {
    const m = masker('keep');
    const masked = maskOne(m, 'mail zhang.wei42@corp.example.cn now');
    expect(masked).toMatch(/^mail z[a-z]{4}\.[a-z]{3}\d{2}@corp\.example\.cn now$/);
    expect(masked).not.toContain('zhang.wei42');
  });

  it('never returns a value the caller says is a raw value of the input', () => {
    const seen: string[] = [];
    const m = masker('keep', { isRaw: (v) => (seen.push(v), seen.length <= 3) });
    const masked = maskOne(m, '13812345678');
    expect(seen.length).toBe(4);
    expect(masked).toBe(seen[3]);
    expect(m.redrawn).toBe(3);
  });
});

describe('keyed pseudonyms', () => {
  const gen = createPiiGenerator(11);

  it('are valid values of the same kind, the same for the same key, and different for another key', () => {
    const a = masker('pseudonym', { key: 'key-a' });
    const again = masker('pseudonym', { key: 'key-a' });
    const b = masker('pseudonym', { key: 'key-b' });
    let differ = 0;
    for (let i = 0; i < 200; i++) {
      for (const value of [gen.residentId(), gen.bankCard(), gen.uscc(), gen.mobile(), gen.email(), gen.passport()]) {
        const pa = maskOne(a, value);
        expect(pa).not.toBe(value);
        expect(pa).toHaveLength(value.length);
        expect(maskOne(again, value)).toBe(pa);
        if (maskOne(b, value) !== pa) differ++;
        const [hit] = a.finder.find(pa);
        expect(hit?.value.toLowerCase()).toBe(pa.toLowerCase());
      }
      const card = gen.bankCard();
      expect(cardIssuer(maskOne(a, card))).toBe(cardIssuer(card));
    }
    expect(differ).toBe(1200);
  });

  it('join across spellings of the same value', () => {
    const m = masker('pseudonym');
    const plain = maskOne(m, '13812345678');
    expect(maskOne(m, '+86 138-1234-5678').slice(-13).replace(/-/g, '')).toBe(plain);
  });

  it('mask whole values of a column by shape when no detector recognises them', () => {
    const m = masker('pseudonym');
    const name = m.maskColumnValue('person-name', ' 张三丰 ', false);
    expect(name?.text).toMatch(/^ [\u4e00-\u9fff]{3} $/);
    expect(name?.text).not.toBe(' 张三丰 ');
    expect(m.maskColumnValue('person-name', ' 张三丰 ', false)?.text).toBe(name?.text);
    const typo = m.maskColumnValue('cn-resident-id', '11010519900101123', false);
    expect(typo?.text).toMatch(/^\d{17}$/);
    expect(typo?.hits).toEqual([]);
    expect(m.maskColumnValue('cn-mobile', 'N/A', false)).toBeUndefined();
    const number = m.maskColumnValue('cn-mobile', '1381234567', true);
    expect(number?.text).toMatch(/^[1-9]\d{9}$/);
  });
});
