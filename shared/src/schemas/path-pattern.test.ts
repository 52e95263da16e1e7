import { fieldIssues } from '../validation';
import { pathPatternPlatform } from './path-pattern';
import { policyDocument } from './policy';

const minimal = { schema: 'dlp.policy/v1', name: 'Mixed fleet', mode: 'enforce' };

function pathRuleIssues(value: string) {
  const result = policyDocument.safeParse({ ...minimal, apps: { rules: [{ id: 'r', action: 'block', kind: 'path', value }] } });
  return result.success ? [] : fieldIssues(result.error);
}

describe('pathPatternPlatform', () => {
  it('tells POSIX (Linux, macOS) from Windows absolute paths and refuses relative ones', () => {
    expect(pathPatternPlatform('/usr/bin/nc')).toBe('posix');
    expect(pathPatternPlatform('/Applications/WeChat.app/**')).toBe('posix');
    expect(pathPatternPlatform('C:\\Program Files\\Tencent\\QQ\\Bin\\QQ.exe')).toBe('windows');
    expect(pathPatternPlatform('d:/tools/**')).toBe('windows');
    expect(pathPatternPlatform('\\\\fileserver\\apps\\tool.exe')).toBe('windows');
    for (const relative of ['', 'tmp/*', 'C:', 'C:tool.exe', '\\\\', '\\\\server', '..\\x.exe', '**\\x.exe']) {
      expect([relative, pathPatternPlatform(relative)]).toEqual([relative, null]);
    }
  });
});

describe('path rules in a policy', () => {
  it('accepts Windows and macOS paths and globs', () => {
    for (const value of ['C:\\Program Files\\**', 'C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe', '/Applications/Utilities/Screenshot.app/**', '\\\\nas\\share\\*.exe']) {
      expect([value, pathRuleIssues(value)]).toEqual([value, []]);
    }
  });

  it('still refuses relative paths, naming the field', () => {
    expect(pathRuleIssues('Program Files\\tool.exe')).toEqual([expect.objectContaining({ path: 'apps.rules.0.value', message: expect.stringContaining('absolute path') })]);
    expect(pathRuleIssues('tmp/*')[0]?.path).toBe('apps.rules.0.value');
  });
});
