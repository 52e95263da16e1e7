import { DEFAULT_IDENTITY_MAPPING, identityMappingSettings, mapReportedUser, type IdentityMappingSettings } from './identity-mapping';

describe('identity mapping of agent-reported users to console accounts', () => {
  it('by default strips a DOMAIN\\ prefix and an @domain suffix, case-insensitively', () => {
    expect(mapReportedUser('CORP\\Officer1', DEFAULT_IDENTITY_MAPPING)).toBe('officer1');
    expect(mapReportedUser('officer1@corp.example', DEFAULT_IDENTITY_MAPPING)).toBe('officer1');
    expect(mapReportedUser('OFFICER1', DEFAULT_IDENTITY_MAPPING)).toBe('officer1');
    expect(mapReportedUser('  olga  ', DEFAULT_IDENTITY_MAPPING)).toBe('olga');
    // Full-width letters are the same account after NFKC.
    expect(mapReportedUser('ＣＯＲＰ\\ｏｌｇａ', DEFAULT_IDENTITY_MAPPING)).toBe('olga');
    expect(mapReportedUser('ＣＯＲＰ＼ｏｌｇａ', DEFAULT_IDENTITY_MAPPING)).toBe('olga');
    expect(mapReportedUser('CORP\\', DEFAULT_IDENTITY_MAPPING)).toBeNull();
    expect(mapReportedUser('   ', DEFAULT_IDENTITY_MAPPING)).toBeNull();
  });

  it('applies the first matching rule; {user} carries the account part, * matches anything', () => {
    const mapping: IdentityMappingSettings = {
      rules: [
        { pattern: 'jdoe', account: 'john.doe' },
        { pattern: 'CORP\\{user}', account: '{user}' },
        { pattern: '{user}@*.example', account: '{user}.sec' },
        { pattern: 'LAB\\*', account: 'lab-shared' },
      ],
      stripDomain: false,
    };
    expect(mapReportedUser('JDOE', mapping)).toBe('john.doe');
    expect(mapReportedUser('corp\\Olga', mapping)).toBe('olga');
    expect(mapReportedUser('olga@mail.corp.example', mapping)).toBe('olga.sec');
    expect(mapReportedUser('LAB\\anyone', mapping)).toBe('lab-shared');
    // No rule and no stripping: the name as reported (normalised).
    expect(mapReportedUser('OTHER\\olga', mapping)).toBe('other\\olga');
    // Regular-expression characters in a pattern are literal.
    expect(mapReportedUser('corpxolga', { rules: [{ pattern: 'corp.{user}', account: '{user}' }], stripDomain: false })).toBe('corpxolga');
  });

  it('refuses rules that cannot work or could be slow, with the field path', () => {
    const bad = (rules: unknown) => identityMappingSettings.safeParse({ rules, stripDomain: true });
    expect(bad([{ pattern: '{user}\\{user}', account: '{user}' }]).success).toBe(false);
    expect(bad([{ pattern: 'CORP\\jdoe', account: '{user}' }]).error?.issues[0]?.path).toEqual(['rules', 0, 'account']);
    expect(bad([{ pattern: '*a*b*', account: 'x' }]).success).toBe(false);
    expect(bad([{ pattern: 'a\u0000b', account: 'x' }]).success).toBe(false);
    expect(bad([{ pattern: ' CORP\\{user}', account: '{user}' }]).success).toBe(false);
    expect(bad([{ pattern: 'CORP\\{user}', account: 'bad name' }]).success).toBe(false);
    expect(bad(Array.from({ length: 101 }, () => ({ pattern: 'a', account: 'b' }))).success).toBe(false);
    expect(identityMappingSettings.safeParse({ rules: [], stripDomain: true, extra: 1 }).success).toBe(false);
    expect(bad([{ pattern: 'CORP\\{user}', account: '{user}' }]).success).toBe(true);
  });

  it('matches long hostile names quickly enough to stay in a test (no pathological backtracking)', () => {
    const mapping: IdentityMappingSettings = { rules: [{ pattern: '*a*{user}b', account: '{user}' }], stripDomain: false };
    expect(mapReportedUser('a'.repeat(256), mapping)).toBe('a'.repeat(256));
  });
});
