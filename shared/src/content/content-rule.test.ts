import { contentRule, evaluateContentRule, scanOptionsForRule } from './content-rule';
import { scanText } from './content-scanner';
import { createPiiGenerator } from './pii-generator';

const now = new Date('2026-12-06T00:00:00Z');

describe('content rules', () => {
  const bulk = contentRule.parse({
    id: 'bulk-customer-data',
    thresholds: [{ finding: 'cn-resident-id', minDistinct: 10 }, { finding: 'bank-card', minDistinct: 10 }],
    keywords: ['客户名单'],
    action: 'block',
  });

  it('fills defaults and names the detectors a scan must run', () => {
    expect(bulk).toMatchObject({ match: 'any', detectors: [], regexes: [], unreadableTriggers: false });
    expect(scanOptionsForRule(bulk)).toEqual({ detectors: ['cn-resident-id', 'bank-card'], keywords: ['客户名单'], regexes: [] });
  });

  it('"≥ 10 distinct resident IDs" is bulk customer data; 9, or one ID repeated, is not', () => {
    const gen = createPiiGenerator(9);
    const ids = Array.from({ length: 10 }, () => gen.residentId());
    const ten = evaluateContentRule(bulk, scanText(ids.join('\n'), { now, ...scanOptionsForRule(bulk) }));
    expect(ten).toEqual({ matched: true, reasons: ['cn-resident-id ≥ 10 distinct (found 10)'] });
    expect(evaluateContentRule(bulk, scanText(ids.slice(1).join('\n'), { now })).matched).toBe(false);
    expect(evaluateContentRule(bulk, scanText(Array(50).fill(ids[0]).join('\n'), { now })).matched).toBe(false);
    const both = contentRule.parse({ ...bulk, match: 'all' });
    expect(evaluateContentRule(both, scanText(ids.join('\n'), { now })).matched).toBe(false);
  });

  it('refuses unknown detectors, unsafe regexes and thresholds on nothing', () => {
    expect(contentRule.safeParse({ id: 'r', thresholds: [{ finding: 'ssn' }] }).success).toBe(false);
    expect(contentRule.safeParse({ id: 'r', thresholds: [] }).success).toBe(false);
    const unsafe = contentRule.safeParse({ id: 'r', thresholds: [{ finding: 'regex:x' }], regexes: [{ id: 'x', pattern: '(a+)+' }] });
    expect(unsafe.success).toBe(false);
    expect(unsafe.error?.issues[0]?.message).toContain('catastrophic');
    expect(contentRule.safeParse({ id: 'r', thresholds: [{ finding: 'regex:x', minDistinct: 2 }], regexes: [{ id: 'x', pattern: 'HT-\\d{6}' }], action: 'quarantine' }).success).toBe(true);
  });
});
