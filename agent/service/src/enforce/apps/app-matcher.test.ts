import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { compileAppRules, decideLazily, exceptionAllowRules } from './app-matcher';
import { compileGlob } from './glob';
import { loadAppRuleVectors } from '../../../../../test/fixtures/app-rule-vectors';

const vectors = { suites: loadAppRuleVectors() };

describe('app rule matcher against the shared vectors', () => {
  it('has vectors to check', () => {
    expect(vectors.suites.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(vectors.suites.map((s) => [s.name, s] as const))('%s', (_name, suite) => {
    const section = appsSection.parse(suite.apps);
    const matcher = compileAppRules(section);

    it.each(suite.cases.map((c) => [`${c.exePath}${c.sha256 ? ` (${c.sha256.slice(0, 4)}…)` : ''}`, c] as const))('%s', (_label, c) => {
      const subject = { exePath: c.exePath, name: path.posix.basename(c.exePath) };
      expect(matcher.decide({ ...subject, sha256: c.sha256 ?? null })).toEqual(c.expect);
      if (c.needsSha256 !== undefined) expect(matcher.needsSha256(subject)).toBe(c.needsSha256);
    });
  });
});

describe('lazy hashing', () => {
  const matcher = compileAppRules(
    appsSection.parse({
      rules: [
        { id: 'ok-ls', action: 'allow', kind: 'path', value: '/usr/bin/ls' },
        { id: 'bad', action: 'block', kind: 'sha256', value: 'ab'.repeat(32) },
      ],
    }),
  );

  it('does not hash when a path rule decides first', async () => {
    const hash = jest.fn(async () => 'ab'.repeat(32));
    expect(await decideLazily(matcher, { exePath: '/usr/bin/ls', name: 'ls' }, hash)).toEqual({ action: 'allow', ruleId: 'ok-ls' });
    expect(hash).not.toHaveBeenCalled();
  });

  it('hashes once when a sha256 rule can decide, and reports the digest', async () => {
    const hash = jest.fn(async () => 'ab'.repeat(32));
    expect(await decideLazily(matcher, { exePath: '/tmp/copy', name: 'copy' }, hash)).toEqual({ action: 'block', ruleId: 'bad', sha256: 'ab'.repeat(32) });
    expect(hash).toHaveBeenCalledTimes(1);
  });

  it('never hashes for a policy without sha256 rules', async () => {
    const pathOnly = compileAppRules(appsSection.parse({ rules: [{ id: 'no-tmp', action: 'block', kind: 'path', value: '/tmp/**' }] }));
    const hash = jest.fn(async () => null);
    await decideLazily(pathOnly, { exePath: '/home/a/b', name: 'b' }, hash);
    expect(hash).not.toHaveBeenCalled();
  });
});

describe('exceptions', () => {
  const allowed = 'cd'.repeat(32);
  const matcher = compileAppRules(
    appsSection.parse({ defaultAction: 'block', rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc' }] }),
    [{ id: 'exc-1', sha256: allowed }],
  );

  it('lift a block for that exact executable only, naming the rule that would have blocked', async () => {
    expect(await decideLazily(matcher, { exePath: '/usr/bin/nc', name: 'nc' }, async () => allowed)).toEqual({ action: 'allow', ruleId: 'no-nc', exceptionId: 'exc-1', sha256: allowed });
    expect(await decideLazily(matcher, { exePath: '/home/a/tool', name: 'tool' }, async () => allowed)).toEqual({ action: 'allow', ruleId: null, exceptionId: 'exc-1', sha256: allowed });
    expect(await decideLazily(matcher, { exePath: '/usr/bin/nc', name: 'nc' }, async () => 'ef'.repeat(32))).toEqual({ action: 'block', ruleId: 'no-nc', sha256: 'ef'.repeat(32) });
  });

  it('can also be expressed as allow rules in front, for controls that only take rules', () => {
    const section = appsSection.parse({ defaultAction: 'block', rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc' }] });
    const asRules = compileAppRules({ ...section, rules: [...exceptionAllowRules([{ id: 'exc-1', sha256: allowed }]), ...section.rules] });
    expect(asRules.decide({ exePath: '/usr/bin/nc', name: 'nc', sha256: allowed })).toEqual({ action: 'allow', ruleId: 'exception:exc-1' });
    expect(asRules.decide({ exePath: '/usr/bin/nc', name: 'nc', sha256: 'ef'.repeat(32) })).toEqual({ action: 'block', ruleId: 'no-nc' });
  });

  it('cost no hash for programs the rules allow anyway', async () => {
    const hash = jest.fn(async () => allowed);
    expect(await decideLazily(matcher, { exePath: '/usr/bin/ls', name: 'ls' }, hash)).toEqual({ action: 'allow', ruleId: null });
    expect(hash).not.toHaveBeenCalled();
  });
});

describe('canBlock', () => {
  it('is false only when no executable could be blocked', () => {
    expect(compileAppRules(appsSection.parse({})).canBlock).toBe(false);
    expect(compileAppRules(appsSection.parse({ rules: [{ id: 'ok', action: 'allow', kind: 'name', value: 'vim' }] })).canBlock).toBe(false);
    expect(compileAppRules(appsSection.parse({ enabled: false, defaultAction: 'block' })).canBlock).toBe(false);
    expect(compileAppRules(appsSection.parse({ defaultAction: 'block' })).canBlock).toBe(true);
    expect(compileAppRules(appsSection.parse({ rules: [{ id: 'no', action: 'block', kind: 'name', value: 'nc' }] })).canBlock).toBe(true);
  });
});

describe('glob compilation', () => {
  it('treats regular-expression characters literally', () => {
    expect(compileGlob('/a.b').test('/axb')).toBe(false);
    expect(compileGlob('/a|b').test('/a')).toBe(false);
    expect(compileGlob('/x/^$[]{}').test('/x/^$[]{}')).toBe(true);
  });

  it('stays linear on patterns that make a backtracking matcher explode', () => {
    const glob = compileGlob('/x/*a*a*a*a*a*a*a*a*b');
    expect(glob.test(`/x/${'a'.repeat(4000)}`)).toBe(false);
    expect(glob.test(`/x/${'a'.repeat(4000)}b`)).toBe(true);
    expect(compileGlob('/**a**a**a**a**a**a**b').test(`/${'a/'.repeat(2000)}`)).toBe(false);
  });

  it('matches names with newlines like any other character', () => {
    expect(compileGlob('/tmp/*').test('/tmp/evil\nname')).toBe(true);
    expect(compileGlob('/tmp/**').test('/tmp/a\n/b')).toBe(true);
  });
});
