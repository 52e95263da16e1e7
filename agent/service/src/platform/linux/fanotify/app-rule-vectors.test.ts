import path from 'node:path';
import { appsSection, type AppsSection } from '@dlp/shared';
import { compileRuleSet, percentEncode } from './rule-compiler';
import { ensureHelperBuilt, runHelperOffline } from './testing/helper-binary';
import { loadAppRuleVectors, type AppRuleVectorCase } from '../../../../../../test/fixtures/app-rule-vectors';

/**
 * The helper must decide exactly as the agent's TypeScript matcher (enforce/apps) does: both run
 * the shared vectors. `--decide` runs the helper's real rule code without the kernel.
 */
const suites = loadAppRuleVectors();

function inputLine(exePath: string, sha256: string | null): string {
  return `${percentEncode(exePath)}\t${percentEncode(path.posix.basename(exePath))}\t${sha256 ?? '-'}\n`;
}

/** Feeds one rule set and some inputs to `--decide`; returns one answer per input. */
function decide(apps: AppsSection, inputs: string[]): string[] {
  const { lines } = runHelperOffline(['--decide'], compileRuleSet(apps, 'enforce', 7) + inputs.join(''));
  expect(lines[0]).toBe('ready 7');
  return lines.slice(1);
}

function expected(c: AppRuleVectorCase): string {
  return `${c.expect.action} ${c.expect.ruleId ?? '-'}`;
}

beforeAll(() => {
  ensureHelperBuilt();
});

describe('the helper decides the shared app-rule vectors like the TypeScript matcher', () => {
  it('has vectors to check', () => {
    expect(suites.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(suites.map((suite) => [suite.name, suite] as const))('%s', (_name, suite) => {
    const apps = appsSection.parse(suite.apps);

    it('decides every case with the hash known', () => {
      const answers = decide(apps, suite.cases.map((c) => inputLine(c.exePath, c.sha256 ?? null)));
      expect(answers).toEqual(suite.cases.map((c) => (c.sha256 || c.needsSha256 !== true ? expected(c) : 'need-hash -')));
    });

    it('asks for a hash exactly when a sha256 rule could decide', () => {
      const cases = suite.cases.filter((c) => c.needsSha256 !== undefined);
      const answers = decide(apps, cases.map((c) => inputLine(c.exePath, null)));
      answers.forEach((answer, i) => {
        const c = cases[i];
        if (!c) throw new Error('more answers than cases');
        if (c.needsSha256) expect(answer).toBe('need-hash -');
        else expect(answer).toBe(expected(c));
      });
    });
  });
});

describe('glob matching stays linear', () => {
  it('decides a many-star pattern against a long path at once', () => {
    // A backtracking matcher takes minutes on this; the helper's NFA takes microseconds.
    const apps = appsSection.parse({ rules: [{ id: 'g', action: 'block', kind: 'path', value: '/x/*a*a*a*a*a*a*a*a*b' }] });
    const answers = decide(apps, [inputLine(`/x/${'a'.repeat(4000)}`, null), inputLine(`/x/${'a'.repeat(4000)}b`, null)]);
    expect(answers).toEqual(['allow -', 'block g']);
  });
});
