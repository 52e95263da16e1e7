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
