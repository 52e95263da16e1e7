import { compileCustomRegex, CUSTOM_PATTERN_LIMITS } from './custom-patterns';
import { scanText } from './content-scanner';

describe('policy regexes are vetted before they run', () => {
  it.each([
    ['(a+)+b', 'catastrophic'],
    ['(a*)*', 'catastrophic'],
    ['(\\d+\\s?)+$', 'catastrophic'],
    ['(a|aa)*c', 'catastrophic'],
    ['(?:x|y){2,}z', 'catastrophic'],
    ['(a)\\1', 'backreferences'],
    ['(?<n>a)\\k<n>', 'backreferences'],
    ['(?=a)a', 'lookarounds'],
    ['(?<!a)b', 'lookarounds'],
    ['a'.repeat(CUSTOM_PATTERN_LIMITS.maxPatternLength + 1), 'characters'],
    ['a*', 'empty string'],
    ['(abc', 'Invalid regular expression'],
  ])('refuses %s', (pattern, reason) => {
    const result = compileCustomRegex(pattern);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it.each(['HT-\\d{4}-\\d{6}', '(?:合同|协议)编号[:：]?\\w{6,12}', '[A-Z]{2}\\d{8}', '(?<year>\\d{4})-\\d{2}', 'a+?b', '(ab)+c', '[(+*]{3}'])('accepts %s', (pattern) => {
    expect(compileCustomRegex(pattern).ok).toBe(true);
  });

  it('refuses flags other than i, m, s, u', () => {
    expect(compileCustomRegex('abc', 'y')).toEqual({ ok: false, reason: expect.stringContaining('flags') });
    expect(compileCustomRegex('abc', 'i').ok).toBe(true);
  });

  it('stops an accepted but polynomial pattern at its time budget and says so; the built-ins still run', () => {
    // \d+\d+x is cubic over a run of digits: over a 4 MB digit line in one piece it would take days.
    const text = `13812345678 ${'1'.repeat(4 << 20)}`;
    const started = Date.now();
    const report = scanText(text, { detectors: ['cn-mobile'], regexes: [{ id: 'poly', pattern: '\\d+\\d+x' }], customRegexBudgetMs: 300 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(report.exhaustedPatterns).toEqual(['regex:poly']);
    expect(report.findings.map((f) => f.detector)).toEqual(['cn-mobile']);
  });
});
