/**
 * The structured difference between two policy documents, shared so the console's version diff
 * (REST) and the web editor's "changes against the published version" are one implementation.
 */
import type { PolicyChange, PolicyDiff } from './api/policy-lifecycle-api';
import type { PolicyDocument } from './schemas/policy';
import { canonicalJson } from './canonical-json';

type Section = PolicyChange['section'];
type RuleCounts = PolicyDiff['summary']['appRules'];

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON path member: `.name`, or `["odd key"]` when the key is not an identifier. */
function member(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Scalars and small arrays (trusted paths, detectors) are compared whole; objects key by key. */
function diffSettings(before: unknown, after: unknown, path: string, section: Section, out: PolicyChange[]): void {
  if (same(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) diffSettings(before[key], after[key], `${path}${member(key)}`, section, out);
    return;
  }
  const kind = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
  const change: PolicyChange = { path, kind, section };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  out.push(change);
}

interface IdentifiedRule {
  id: string;
}

/**
 * Rules are matched by id (ids are unique within a document). Order matters (first match wins), so
 * a rule whose content is unchanged but whose position among the common rules changed is `moved`.
 */
function diffRules(section: 'apps' | 'usb', before: readonly IdentifiedRule[], after: readonly IdentifiedRule[], out: PolicyChange[]): RuleCounts {
  const counts: RuleCounts = { added: 0, removed: 0, changed: 0, moved: 0 };
  const beforeById = new Map(before.map((rule, index) => [rule.id, { rule, index }]));
  const afterById = new Map(after.map((rule, index) => [rule.id, { rule, index }]));
  const commonBefore = before.filter((r) => afterById.has(r.id)).map((r) => r.id);
  const commonAfter = after.filter((r) => beforeById.has(r.id)).map((r) => r.id);
  const rankBefore = new Map(commonBefore.map((id, i) => [id, i]));
  before.forEach((rule, index) => {
    if (afterById.has(rule.id)) return;
    counts.removed += 1;
    out.push({ path: `$.${section}.rules[${index}]`, kind: 'removed', section, ruleId: rule.id, before: rule });
  });
  after.forEach((rule, index) => {
    const old = beforeById.get(rule.id);
    const path = `$.${section}.rules[${index}]`;
    if (!old) {
      counts.added += 1;
      out.push({ path, kind: 'added', section, ruleId: rule.id, after: rule });
      return;
    }
    if (!same(old.rule, rule)) {
      counts.changed += 1;
      out.push({ path, kind: 'changed', section, ruleId: rule.id, before: old.rule, after: rule });
    } else if (rankBefore.get(rule.id) !== commonAfter.indexOf(rule.id)) {
      counts.moved += 1;
      out.push({ path, kind: 'moved', section, ruleId: rule.id, before: { index: old.index }, after: { index } });
    }
  });
  return counts;
}

function withoutRules<T extends { rules: unknown }>(section: T): Omit<T, 'rules'> {
  const { rules: _rules, ...rest } = section;
  return rest;
}

/** The structured difference between two policy documents, with JSON paths into `to`. */
export function diffPolicyDocuments(from: PolicyDocument, to: PolicyDocument): { changes: PolicyChange[]; summary: PolicyDiff['summary'] } {
  const changes: PolicyChange[] = [];
  for (const key of ['name', 'description', 'mode'] as const) diffSettings(from[key], to[key], `$.${key}`, 'document', changes);
  diffSettings(withoutRules(from.apps), withoutRules(to.apps), '$.apps', 'apps', changes);
  const appRules = diffRules('apps', from.apps.rules, to.apps.rules, changes);
  diffSettings(withoutRules(from.usb), withoutRules(to.usb), '$.usb', 'usb', changes);
  const usbRules = diffRules('usb', from.usb.rules, to.usb.rules, changes);
  diffSettings(from.screen, to.screen, '$.screen', 'screen', changes);
  diffSettings(from.content, to.content, '$.content', 'content', changes);
  // Optional sections without a section tag of their own count as document settings.
  for (const key of ['hardening', 'notice'] as const) diffSettings(from[key], to[key], `$.${key}`, 'document', changes);
  const settings = changes.filter((c) => c.ruleId === undefined).length;
  return { changes, summary: { appRules, usbRules, settings } };
}
