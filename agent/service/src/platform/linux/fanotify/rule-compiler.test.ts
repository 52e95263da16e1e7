import { appsSection } from '@dlp/shared';
import { compileRuleSet, percentEncode } from './rule-compiler';

describe('percentEncode', () => {
  it('keeps path characters and encodes everything that could break a protocol line', () => {
    expect(percentEncode('/usr/local/bin/tool-1.2_x~')).toBe('/usr/local/bin/tool-1.2_x~');
    expect(percentEncode('/a b\nc\td%e')).toBe('/a%20b%0Ac%09d%25e');
    expect(percentEncode('/opt/工具')).toBe('/opt/%E5%B7%A5%E5%85%B7');
  });
});

describe('compileRuleSet', () => {
  it('sends mode, default, fail mode, timeout, trusted paths and rules in order', () => {
    const apps = appsSection.parse({
      defaultAction: 'block',
      trustedPaths: ['/usr/', '/opt/my apps/'],
      failMode: 'closed',
      decisionTimeoutMs: 400,
      rules: [
        { id: 'no-nc', action: 'block', kind: 'name', value: 'nc' },
        { id: 'ok', action: 'allow', kind: 'path', value: '/home/*/bin/**' },
      ],
    });
    expect(compileRuleSet(apps, 'enforce', 12).split('\n')).toEqual([
      'BEGIN 12',
      'MODE enforce',
      'DEFAULT block',
      'FAILMODE closed',
      'TIMEOUT_MS 400',
      'TRUSTED /usr/',
      'TRUSTED /opt/my%20apps/',
      'RULE no-nc block name nc',
      'RULE ok allow path /home/%2A/bin/%2A%2A',
      'END',
      '',
    ]);
  });

  it('turns a disabled section into allow-everything without reports', () => {
    const apps = appsSection.parse({ enabled: false, defaultAction: 'block', rules: [{ id: 'x', action: 'block', kind: 'name', value: 'x' }] });
    expect(compileRuleSet(apps, 'enforce', 3)).toBe('BEGIN 3\nMODE monitor\nDEFAULT allow\nFAILMODE open\nTIMEOUT_MS 250\nEND\n');
  });

  it('leaves out Windows path rules of a mixed-fleet policy, which the helper would refuse', () => {
    const apps = appsSection.parse({
      rules: [
        { id: 'no-win-tool', action: 'block', kind: 'path', value: 'C:\\Program Files\\Tool\\**' },
        { id: 'no-mac-tool', action: 'block', kind: 'path', value: '/Applications/Tool.app/**' },
      ],
    });
    const rules = compileRuleSet(apps, 'enforce', 4).split('\n').filter((line) => line.startsWith('RULE'));
    expect(rules).toEqual(['RULE no-mac-tool block path /Applications/Tool.app/%2A%2A']);
  });
});
