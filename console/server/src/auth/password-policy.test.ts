import { checkPassword, loadCommonPasswords, MIN_PASSWORD_LENGTH } from './password-policy';

const codes = (password: string, username: string): string[] => checkPassword(password, username).map((f) => f.code);

describe('password rules', () => {
  it('ships a list of the most common passwords, Chinese-keyboard ones included', () => {
    const list = loadCommonPasswords();
    expect(list.size).toBeGreaterThan(1000);
    for (const common of ['123456', 'password', 'woaini1314', 'qwertyuiop', '1qaz2wsx', '1qaz2wsx3edc', '5201314']) expect(list.has(common)).toBe(true);
  });

  it('counts characters, not bytes, so a Chinese passphrase of 12 characters is long enough', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(codes('春眠不觉晓处处闻啼鸟夜来', 'li.na')).toEqual([]);
    expect(codes('春眠不觉晓处处闻啼鸟夜', 'li.na')).toEqual(['password_too_short']);
  });

  it('refuses the user name in any case, and common passwords in any case', () => {
    expect(codes('my name is WangWei ok', 'wangwei')).toEqual(['password_contains_username']);
    expect(codes('QwertyUiop123', 'someone')).toEqual(['password_common']);
    expect(codes('a quiet harbour at dawn', 'wangwei')).toEqual([]);
    expect(checkPassword('my name is WangWei ok', 'wangwei', { skipUsernameRule: true })).toEqual([]);
  });
});

describe('password rules on normalised text', () => {
  it('refuses spaces only, NUL and other control characters, and combining marks only', () => {
    expect(codes(' '.repeat(12), 'someone')).toEqual(['password_whitespace_only']);
    expect(codes('\u3000'.repeat(12), 'someone')).toEqual(['password_whitespace_only']);
    expect(codes('\u0000'.repeat(12), 'someone')).toEqual(['password_control_characters', 'password_repetitive']);
    expect(codes('harbour lantern\u0000quiet', 'someone')).toEqual(['password_control_characters']);
    expect(codes('harbour\tlantern quiet', 'someone')).toEqual(['password_control_characters']);
    expect(codes('\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u030a\u030b\u030c\u0323\u0327', 'someone')).toEqual(['password_marks_only']);
  });

  it('counts characters after NFKC, so compatibility forms cannot pad a password', () => {
    // U+FB03 "ffi" ligature is one code point that NFKC expands to three.
    expect(codes('ﬃ harbour dawn', 'someone')).toEqual([]);
    // Full-width letters are the ASCII password in disguise.
    expect(codes('Ｐａｓｓｗｏｒｄ１２３！', 'someone')).toEqual(['password_common']);
    expect(codes('Ｄｒａｇｏｎ！！１２３４５６７', 'someone')).toEqual(['password_common_pattern']);
  });

  it('refuses too few different characters', () => {
    expect(codes('abababababab', 'someone')).toEqual(['password_repetitive']);
    expect(codes('zzzzzzzzzzzy', 'someone')).toEqual(['password_repetitive']);
  });

  it('refuses the user name in leetspeak, with look-alike Cyrillic or Greek letters, accents or reversed', () => {
    expect(codes('W4ngW3i harbour', 'wangwei')).toEqual(['password_contains_username']);
    expect(codes('my w@ng.w3! harbour', 'wang.wei')).toEqual(['password_contains_username']);
    // Cyrillic а (U+0430) and е (U+0435), Greek ο (U+03BF).
    expect(codes('quiet оfficеr1 dаwn', 'officer1')).toEqual(['password_contains_username']);
    expect(codes('quiet 0ff1c3r dawn', 'officer')).toEqual(['password_contains_username']);
    expect(codes('wángwéi harbour lantern', 'wangwei')).toEqual(['password_contains_username']);
    expect(codes('iewgnaw harbour lantern', 'wangwei')).toEqual(['password_contains_username']);
    expect(codes('a quiet harbour at dawn', 'officer1')).toEqual([]);
  });

  it('refuses common base words decorated with digits and symbols, in leetspeak too', () => {
    // The example is on the shipped list itself.
    expect(codes('Password123!', 'someone')).toEqual(['password_common']);
    for (const weak of ['Password!2468', 'P@ssw0rd2024#', 'Summer2025!!!', 'Dragon!!1234567', '!!Welcome2026!!', 'Qwerty1234567$', 'Woaini5201314!', 'Michael19851985']) {
      expect(codes(weak, 'someone')).toEqual(['password_common_pattern']);
    }
    // Listed outright.
    expect(codes('password1234', 'someone')).toEqual(['password_common']);
    // A word inside a longer phrase is fine.
    for (const fine of ['Password-lantern-7 harbour', 'correct horse battery staple', 'Tr0ub4dor&3 plum orchard', '春眠不觉晓处处闻啼鸟夜来']) expect(codes(fine, 'someone')).toEqual([]);
  });

  it('ships a list of a few thousand common passwords', () => {
    expect(loadCommonPasswords().size).toBeGreaterThan(5000);
  });

  it('gives every refusal a reason code and a message', () => {
    const failures = checkPassword('\u0000', 'x');
    expect(failures.map((f) => f.code)).toEqual(['password_too_short', 'password_control_characters']);
    for (const failure of failures) expect(failure.message.length).toBeGreaterThan(10);
  });
});
