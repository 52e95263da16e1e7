import { normaliseText } from './normalize';

describe('normaliseText', () => {
  it('replaces exactly the characters of its class, each by one character, and leaves all others as they are', () => {
    const normalisable = /[\u00A0\u2010-\u2015\u2212\u3000\uFF0B\uFF0D\uFF0E\uFF10-\uFF19\uFF20-\uFF3A\uFF41-\uFF5A]/;
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      const out = normaliseText(`a${ch}b`);
      if (normalisable.test(ch)) {
        expect(out).not.toBe(`a${ch}b`);
        expect(out.length).toBe(3);
      } else if (out !== `a${ch}b`) {
        throw new Error(`U+${c.toString(16)} changed`);
      }
    }
    expect(normaliseText('身份证号：１１０１０５　１９９０－０３０７＋８６')).toBe('身份证号：110105 1990-0307+86');
  });
});
